import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// `@daf/auth` must load in browsers: follow every import from src/index.ts the way a browser
// bundler would (`#platform` → the package.json `browser` condition) and check none reaches a
// Node built-in or the Node-only code under src/node/.
const src = dirname(fileURLToPath(import.meta.url))
const manifest = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as {
  imports: Record<string, Record<string, string>>
  publishConfig: { imports: Record<string, Record<string, string>> }
}
const specifiers = (code: string) =>
  [...code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => (m[1] ?? m[2]) as string,
  )

function browserGraph(entry: string): { files: string[]; bare: string[] } {
  const files = new Set<string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    const code = readFileSync(file, 'utf8')
    for (const spec of specifiers(code)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else if (spec.startsWith('#')) {
        const target = manifest.imports[spec]?.['browser']
        if (target === undefined) throw new Error(`no browser condition for ${spec}`)
        visit(resolve(src, '..', target))
      } else bare.add(spec)
    }
  }
  visit(entry)
  return { files: [...files].map((f) => relative(src, f)).sort(), bare: [...bare].sort() }
}

describe('browser safety of @daf/auth', () => {
  const graph = browserGraph(join(src, 'index.ts'))

  it('imports no Node built-in and no package at all', () => {
    expect(graph.bare).toEqual([])
  })

  it('never reaches src/node/ or the Node platform', () => {
    expect(graph.files.filter((f) => f.startsWith('node') || f === join('platform', 'node.ts'))).toEqual([])
    expect(graph.files).toEqual(
      expect.arrayContaining(['client.ts', join('platform', 'browser.ts'), join('browser', 'local-storage-token-store.ts')]),
    )
  })

  it('the Node platform is what Node resolves, and the published map mirrors the source map', () => {
    expect(manifest.imports['#platform']).toEqual({
      types: './src/platform/node.ts',
      browser: './src/platform/browser.ts',
      node: './src/platform/node.ts',
      default: './src/platform/browser.ts',
    })
    const published = manifest.publishConfig.imports['#platform'] ?? {}
    for (const [condition, target] of Object.entries(manifest.imports['#platform'] ?? {})) {
      const expected = target.replace('./src/', './dist/').replace(/\.ts$/, condition === 'types' ? '.d.ts' : '.js')
      expect(published[condition], condition).toBe(expected)
    }
  })
})
