/**
 * Storage, transport compression and the sharded format in Chromium: mem:// and the shared suite,
 * DecompressionStream/CompressionStream gzip, file:// refused, and http(s) storage against the
 * local deployment (its public `/info/version` route, a 401 route that proves no token is sent,
 * retries on injected faults, and Range reads of the static volume route once it is served).
 */
import { describe, expect, inject, it } from 'vitest'
import { compress, decompress, isGzip } from '../compression/index.js'
import { isUnsupportedEncodingError, isVolumeError } from '../errors.js'
import { ShardReader } from '../sharding/reader.js'
import { synthesizeShardFiles } from '../sharding/writer.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { MemStorage, clearMemoryStore } from './mem.js'

const url = inject('devServerUrl')
const DATASTACK = 'minnie_demo'

let n = 0
storageSuite('mem:// in Chromium', async () => {
  const name = `browser-suite-${++n}`
  return { storage: new MemStorage(name, 'layer'), cleanup: async () => clearMemoryStore(name) }
})

describe('transport compression in the browser', () => {
  it('gzip round-trips through CompressionStream / DecompressionStream', async () => {
    const value = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 13) % 7)
    const gz = await compress(value, 'gzip')
    expect(isGzip(gz)).toBe(true)
    expect(gz.byteLength).toBeLessThan(value.byteLength / 10)
    expect(await decompress(gz, 'gzip')).toEqual(value)
    expect(await decompress(await compress(value, 'deflate'), 'deflate')).toEqual(value)
  })

  it('brotli is decoded where the browser can, else refused naming the encoding', async () => {
    try {
      await decompress(new Uint8Array([0x0b, 0x02, 0x80, 0x61, 0x62, 0x03]), 'br')
    } catch (e) {
      expect(isUnsupportedEncodingError(e)).toBe(true)
      expect((e as Error).message).toMatch(/brotli/)
    }
  })

  it('file:// is refused in the browser with a clear error', () => {
    expect(() => storageFor('file:///data/layer')).toThrow(/only available in Node/)
  })
})

describe('sharded format in the browser', () => {
  it('writes shards with gzip and reads them back through ShardReader', async () => {
    const spec = {
      '@type': 'neuroglancer_uint64_sharded_v1' as const,
      preshift_bits: 1,
      hash: 'murmurhash3_x86_128' as const,
      minishard_bits: 2,
      shard_bits: 1,
      data_encoding: 'gzip' as const,
      minishard_index_encoding: 'gzip' as const,
    }
    const chunks = new Map(Array.from({ length: 40 }, (_, i) => [BigInt(i) * 7n, Uint8Array.of(i, i + 1, i + 2)]))
    const storage = new MemStorage('browser-shards')
    for (const [file, bytes] of await synthesizeShardFiles(spec, chunks)) await storage.set(`s/${file}`, bytes)
    const got = await new ShardReader(storage, 's', spec).getChunks(chunks.keys())
    for (const [id, bytes] of chunks) expect(got.get(id)).toEqual(bytes)
    clearMemoryStore('browser-shards')
  })
})

describe('http storage from Chromium against the local deployment', () => {
  it('reads the same bytes as fetch, and HEAD answers exists', async () => {
    const s = storageFor(`${url}/info`)
    const direct = new Uint8Array(await (await fetch(`${url}/info/version`)).arrayBuffer())
    expect(await s.get('version')).toEqual(direct)
    expect(await s.exists('version')).toBe(true)
    expect(await s.getRange('version', { offset: 1, length: 3 })).toEqual(direct.subarray(1, 4))
  })

  it('never sends the deployment token: an authenticated route answers 401 → AuthenticationError', async () => {
    const s = storageFor(`${url}/info/api/v2/datastack/full`)
    await expect(s.get(DATASTACK)).rejects.toSatisfy((e) => isVolumeError(e) && e.kind === 'AuthenticationError')
  })

  it('retries injected 503s (Retry-After honoured), then a 404 means missing', async () => {
    const id = Math.random().toString(36).slice(2)
    const add = await fetch(`${url}/__dev/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pathRegex: `storage-retry-${id}`, status: 503, retryAfter: '0', times: 2 }),
    })
    expect(add.status).toBe(201)
    const waits: number[] = []
    const s = storageFor(`${url}/info`, { sleep: async (ms) => void waits.push(ms) })
    expect(await s.get(`storage-retry-${id}`)).toBeUndefined()
    expect(waits).toEqual([0, 0])
  })

  it('Range-reads a chunk of the static volume route (when the dev-server serves it)', async (ctx) => {
    const base = `${url}/volumes/${DATASTACK}/em`
    const probe = await fetch(`${base}/info`)
    if (probe.status !== 200) ctx.skip()
    const s = storageFor(`precomputed://${base}`)
    const info = JSON.parse(new TextDecoder().decode(await s.get('info'))) as { scales: { key: string }[] }
    expect(info.scales.length).toBeGreaterThan(0)
    expect(await s.getRange('info', { offset: 0, length: 1 })).toEqual(new TextEncoder().encode('{'))
  })
})
