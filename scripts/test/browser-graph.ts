/**
 * What a browser bundler reaches from a package's entry: follows relative imports and the
 * package's `#…` imports under the `browser` condition (type-only imports are skipped: they
 * vanish from the bundle). Used by the browser-safety test of every package.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

export interface PackageManifest {
  name: string
  imports?: Record<string, Record<string, string>>
  publishConfig?: { imports?: Record<string, Record<string, string>> }
}

export interface BrowserGraph {
  /** Files reached, relative to the package's src/, sorted. */
  files: string[]
  /** Bare specifiers imported (packages and built-ins), sorted. */
  bare: string[]
}

const specifiers = (code: string) =>
  [
    ...code.matchAll(
      /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2] ?? m[3]) as string)

export function readManifest(packageDir: string): PackageManifest {
  return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageManifest
}

export function browserGraph(packageDir: string, entry = 'src/index.ts'): BrowserGraph {
  const manifest = readManifest(packageDir)
  const src = join(packageDir, 'src')
  const files = new Set<string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else if (spec.startsWith('#')) {
        const target = manifest.imports?.[spec]?.['browser']
        if (target === undefined) throw new Error(`${manifest.name}: no browser condition for ${spec}`)
        visit(resolve(packageDir, target))
      } else bare.add(spec)
    }
  }
  visit(join(packageDir, entry))
  return { files: [...files].map((f) => relative(src, f)).sort(), bare: [...bare].sort() }
}

/** Node built-ins, by `node:` prefix or bare name. */
export const NODE_BUILTIN = /^(node:.*|fs|fs\/promises|path|os|http|https|crypto|zlib|url|util|child_process|worker_threads|stream|events|net)$/

/** Mismatches between `imports` and `publishConfig.imports` (src/*.ts must map to dist/*.js, dist/*.d.ts for types). */
export function publishedImportMismatches(manifest: PackageManifest): string[] {
  const problems: string[] = []
  for (const [name, conditions] of Object.entries(manifest.imports ?? {})) {
    const published = manifest.publishConfig?.imports?.[name] ?? {}
    for (const [condition, target] of Object.entries(conditions)) {
      const expected = target.replace('./src/', './dist/').replace(/\.ts$/, condition === 'types' ? '.d.ts' : '.js')
      if (published[condition] !== expected) problems.push(`${name} ${condition}: published ${published[condition]}, expected ${expected}`)
    }
  }
  return problems
}
