import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { platform } from '#platform'

// `@daf/services` must load in browsers: follow every import from src/index.ts the way a browser
// bundler would (`#…` imports → the package.json `browser` condition) and check that no Node
// built-in, no `@daf/auth/node` and none of the Node-only files (the datastack map, node:http) is reached.
const src = dirname(fileURLToPath(import.meta.url)).replace(/[/\\]platform$/, '')
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
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
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

describe('browser safety of @daf/services', () => {
  const graph = browserGraph(join(src, 'index.ts'))

  it('imports no Node built-in and not @daf/auth/node', () => {
    const nodeOnly = /^(node:.*|@daf\/auth\/node|fs|path|os|http|https|crypto|zlib|url|util)$/
    expect(graph.bare.filter((b) => nodeOnly.test(b))).toEqual([])
    expect(graph.bare).toContain('@daf/auth')
  })

  it('reaches the FrameworkClient with the browser platform, never the Node-only files', () => {
    expect(graph.files).toEqual(expect.arrayContaining([join('framework', 'client.ts'), join('platform', 'browser.ts')]))
    expect(graph.files.filter((f) => f === join('platform', 'node.ts') || f.endsWith('-node.ts') || f.startsWith(join('node', '')))).toEqual([])
  })

  it('Node resolves #platform to the datastack-map code, and the published map mirrors the source map', () => {
    expect(platform.name).toBe('node')
    for (const name of ['#platform', '#get-with-body']) {
      const published = manifest.publishConfig.imports[name] ?? {}
      for (const [condition, target] of Object.entries(manifest.imports[name] ?? {})) {
        const expected = target.replace('./src/', './dist/').replace(/\.ts$/, condition === 'types' ? '.d.ts' : '.js')
        expect(published[condition], `${name} ${condition}`).toBe(expected)
      }
    }
  })
})
