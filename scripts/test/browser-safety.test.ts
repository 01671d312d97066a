/**
 * Every package that runs in browsers must load there: nothing reachable from its entry under
 * the `browser` condition imports a Node built-in, a `@daf/…/node` subpath, or a Node-only file; and the
 * published `imports` map mirrors the workspace one (src → dist).
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NODE_BUILTIN, browserGraph, publishedImportMismatches, readManifest } from './browser-graph.js'

const packages = fileURLToPath(new URL('../../packages/', import.meta.url))
const nodeOnlyFile = (f: string) =>
  f.startsWith(`node${'/'}`) || f.endsWith('-node.ts') || f.endsWith(join('platform', 'node.ts'))

// What each package's browser graph must still contain: proof the walk followed the real paths.
const mustReach: Record<string, string[]> = {
  auth: ['client.ts', join('platform', 'browser.ts'), join('browser', 'local-storage-token-store.ts')],
  services: [join('framework', 'client.ts'), join('platform', 'browser.ts'), join('http', 'get-with-body-browser.ts')],
  'codec-wasm': ['compressed-segmentation.ts', 'chunk-codec.ts'],
  volume: ['cloudvolume.ts', join('compression', 'platform-browser.ts'), join('storage', 'file-browser.ts')],
  cirrus: ['volume.ts', join('platform', 'browser.ts')],
  lookup: ['lookup.ts', 'imagery.ts'],
}

describe.each(Object.keys(mustReach))('browser safety of @daf/%s', (name) => {
  const dir = join(packages, name)
  const graph = browserGraph(dir)

  it('imports no Node built-in and no Node-only subpath', () => {
    expect(graph.bare.filter((b) => NODE_BUILTIN.test(b) || /^@daf\/[^/]+\/node$/.test(b))).toEqual([])
  })

  it('reaches its browser code and none of its Node-only files', () => {
    expect(graph.files).toEqual(expect.arrayContaining(mustReach[name] ?? []))
    expect(graph.files.filter(nodeOnlyFile)).toEqual([])
  })

  it('publishes an imports map that mirrors the workspace one', () => {
    expect(publishedImportMismatches(readManifest(dir))).toEqual([])
  })
})

it('@daf/auth imports no package at all in browsers', () => {
  expect(browserGraph(join(packages, 'auth')).bare).toEqual([])
})

it('@daf/services reaches @daf/auth (and only its browser-safe entry)', () => {
  expect(browserGraph(join(packages, 'services')).bare).toContain('@daf/auth')
})
