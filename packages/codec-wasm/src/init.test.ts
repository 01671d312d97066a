// Node: loading (init memo, failures, the ./codec.wasm subpath), the cross-copy error guard, and
// the staleness check of the committed wasm against the AssemblyScript sources.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { wasmSourceHash } from '../scripts/wasm-source-hash.mjs'
import { WASM_BASE64, WASM_SHA256, WASM_SOURCE_HASH } from './wasm-binary.generated.js'

type Api = typeof import('./index.js')

/** A fresh copy of the package (its own memo and its own CodecError class). */
async function freshCopy(): Promise<Api> {
  vi.resetModules()
  return (await import('./index.js')) as Api
}

const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('init', () => {
  it('throws a clear CodecError before init() and works after it', async () => {
    const api = await freshCopy()
    expect(api.isInitialized()).toBe(false)
    expect(api.wasmMemoryBytes()).toBe(0)
    let error: unknown
    try {
      api.decodeCompressedSegmentation(new Uint8Array(16), [2, 2, 1], [2, 2, 1], 'uint32')
    } catch (e) {
      error = e
    }
    expect(api.isCodecError(error)).toBe(true)
    expect((error as InstanceType<Api['CodecError']>).code).toBe('not-initialized')
    expect((error as Error).message).toContain('await init()')
    await Promise.all([api.init(), api.init(), api.init()])
    expect(api.isInitialized()).toBe(true)
    await api.init() // memoised
    expect(Array.from(api.encodeCompressedSegmentation(Uint32Array.of(4, 4, 4, 4), [2, 2, 1], [2, 2, 1]))).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0])
  })

  it('rejects a broken module with init-failed, forgets the failure, and retries', async () => {
    const api = await freshCopy()
    await expect(api.init({ module: Uint8Array.of(0, 0x61, 0x73, 0x6d, 9, 9) })).rejects.toMatchObject({ code: 'init-failed' })
    // A valid module that is not the codec (no exports).
    const empty = new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))
    await expect(api.init({ module: empty })).rejects.toMatchObject({ code: 'init-failed', message: expect.stringContaining('missing exports') })
    expect(api.isInitialized()).toBe(false)
    await api.init()
    expect(api.isInitialized()).toBe(true)
  })

  it('accepts the ./codec.wasm subpath as bytes or as a compiled WebAssembly.Module', async () => {
    const require = createRequire(import.meta.url)
    const path = require.resolve('@daf/codec-wasm/codec.wasm')
    expect(path).toBe(fileURLToPath(new URL('./codec.wasm', import.meta.url)))
    const bytes = await readFile(path)
    const a = await freshCopy()
    await a.init({ module: bytes })
    const b = await freshCopy()
    await b.init({ module: await WebAssembly.compile(bytes) })
    const data = Uint32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 13)
    expect(a.encodeCompressedSegmentation(data, [10, 10, 10], [4, 4, 4])).toEqual(b.encodeCompressedSegmentation(data, [10, 10, 10], [4, 4, 4]))
  })

  it('isCodecError recognises errors from another copy of the package', async () => {
    const a = await freshCopy()
    const b = await freshCopy()
    expect(a.CodecError).not.toBe(b.CodecError)
    const error = new a.CodecError('invalid-length', 'x', { expected: 1, found: 2 })
    expect(error).not.toBeInstanceOf(b.CodecError)
    expect(b.isCodecError(error)).toBe(true)
    expect(b.isCodecError(new Error('x'))).toBe(false)
    expect(b.isCodecError({ code: 'invalid-length' })).toBe(false)
    expect(b.isCodecError(null)).toBe(false)
  })
})

describe('generated wasm module', () => {
  it('is up to date with the AssemblyScript sources (run `pnpm build` in packages/codec-wasm)', () => {
    expect(WASM_SOURCE_HASH, 'src/wasm-binary.generated.ts is stale: rebuild with `pnpm --filter @daf/codec-wasm build:wasm`').toBe(wasmSourceHash(packageDir))
  })

  it('inlines exactly src/codec.wasm, which imports nothing', async () => {
    const file = await readFile(new URL('./codec.wasm', import.meta.url))
    expect(createHash('sha256').update(file).digest('hex')).toBe(WASM_SHA256)
    expect(Buffer.from(WASM_BASE64, 'base64').equals(file)).toBe(true)
    expect(WebAssembly.Module.imports(new WebAssembly.Module(file))).toEqual([])
  })
})
