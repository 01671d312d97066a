import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isSpecViolation } from '../errors.js'
import { MemStorage, clearMemoryStore } from '../storage/mem.js'
import type { ByteRange, Storage, StorageCallOptions } from '../storage/storage.js'
import { decodeMinishardIndex } from './indices.js'
import { compressedMortonCode } from './morton.js'
import { ShardReader } from './reader.js'
import { coalesceRanges } from './ranges.js'
import { parseShardingSpec, shardLocation, type ShardingSpec } from './spec.js'
import { synthesizeShardFile, synthesizeShardFiles } from './writer.js'

const spec = (s: Partial<ShardingSpec>): ShardingSpec => ({
  '@type': 'neuroglancer_uint64_sharded_v1',
  preshift_bits: 0,
  hash: 'identity',
  minishard_bits: 0,
  shard_bits: 0,
  ...s,
})

/** Storage wrapper that records every ranged read. */
class Recording implements Storage {
  readonly ranges: { key: string; range: ByteRange }[] = []
  constructor(readonly inner: Storage) {}
  get url() {
    return this.inner.url
  }
  get writable() {
    return this.inner.writable
  }
  get(key: string, o?: StorageCallOptions) {
    return this.inner.get(key, o)
  }
  getRange(key: string, range: ByteRange, o?: StorageCallOptions) {
    this.ranges.push({ key, range })
    return this.inner.getRange(key, range, o)
  }
  set(key: string, v: Uint8Array) {
    return this.inner.set(key, v)
  }
  delete(key: string) {
    return this.inner.delete(key)
  }
  list(prefix?: string) {
    return this.inner.list(prefix)
  }
  exists(key: string) {
    return this.inner.exists(key)
  }
}

const chunkBytes = (id: bigint) => {
  const n = 20 + Number(id % 37n)
  return Uint8Array.from({ length: n }, (_, i) => Number((id * 131n + BigInt(i)) % 251n))
}

let storeId = 0
async function writeDataset(s: ShardingSpec, ids: bigint[]) {
  const name = `shard-test-${++storeId}`
  const storage = new MemStorage(name)
  const chunks = new Map(ids.map((id) => [id, chunkBytes(id)]))
  const files = await synthesizeShardFiles(s, chunks)
  for (const [file, bytes] of files) await storage.set(`8_8_40/${file}`, bytes)
  return { storage, files, chunks, cleanup: () => clearMemoryStore(name) }
}

describe('synthesizeShardFile: byte layout as CloudVolume lays it out', () => {
  it('a hand-checked 4-chunk shard: [index][data m0, m1][minishard indices m0, m1]', async () => {
    const p = parseShardingSpec(spec({ minishard_bits: 1 }))
    const chunks = new Map<bigint, Uint8Array>([
      [3n, Uint8Array.of(0x33, 0x33, 0x33)],
      [0n, Uint8Array.of(0x00)],
      [1n, Uint8Array.of(0x11, 0x11)],
      [2n, Uint8Array.of(0x22, 0x22, 0x22, 0x22)],
    ])
    const file = await synthesizeShardFile(p, chunks)
    const v = new DataView(file.buffer)
    const u64 = (at: number) => v.getBigUint64(at, true)
    // Shard index: 2 minishards × 16 bytes. Data: m0 = ids 0,2 (1 + 4 bytes), m1 = ids 1,3 (2 + 3 bytes).
    expect([...file.subarray(32, 42)]).toEqual([0x00, 0x22, 0x22, 0x22, 0x22, 0x11, 0x11, 0x33, 0x33, 0x33])
    // Minishard index m0 at relative [10, 58): ids Δ [0, 2], offsets [0, 0], sizes [1, 4].
    expect([u64(0), u64(8)]).toEqual([10n, 58n])
    expect([u64(32 + 10), u64(32 + 18), u64(32 + 26), u64(32 + 34), u64(32 + 42), u64(32 + 50)]).toEqual([0n, 2n, 0n, 0n, 1n, 4n])
    // Minishard index m1 at [58, 106): ids Δ [1, 2], offsets [5 (data of m0 before it), 0], sizes [2, 3].
    expect([u64(16), u64(24)]).toEqual([58n, 106n])
    expect([u64(32 + 58), u64(32 + 66), u64(32 + 74), u64(32 + 82), u64(32 + 90), u64(32 + 98)]).toEqual([1n, 2n, 5n, 0n, 2n, 3n])
    expect(file.byteLength).toBe(32 + 106)
    const decoded = decodeMinishardIndex(file.subarray(32 + 58, 32 + 106), 32)
    expect([...decoded.ids]).toEqual([1n, 3n])
    expect([...decoded.starts]).toEqual([37n, 39n])
  })

  it('empty minishards get the entry [0, 0]; gzip encodings compress each chunk and each index', async () => {
    const p = parseShardingSpec(spec({ minishard_bits: 2, data_encoding: 'gzip', minishard_index_encoding: 'gzip' }))
    const file = await synthesizeShardFile(p, new Map([[2n, Uint8Array.of(9, 9, 9)]]))
    const v = new DataView(file.buffer)
    for (const m of [0, 1, 3]) expect([v.getBigUint64(m * 16, true), v.getBigUint64(m * 16 + 8, true)]).toEqual([0n, 0n])
    const start = Number(v.getBigUint64(32, true))
    const end = Number(v.getBigUint64(40, true))
    const index = decodeMinishardIndex(gunzipSync(file.subarray(64 + start, 64 + end)), 64)
    expect([...index.ids]).toEqual([2n])
    const at = Number(index.starts[0])
    expect([...gunzipSync(file.subarray(at, at + Number(index.sizes[0])))]).toEqual([9, 9, 9])
  })

  it('refuses chunks of different shards in one file', async () => {
    const p = parseShardingSpec(spec({ shard_bits: 1 }))
    await expect(synthesizeShardFile(p, new Map([[0n, Uint8Array.of(1)], [1n, Uint8Array.of(2)]]))).rejects.toThrow(/one shard/)
  })
})

describe('ShardReader over synthesized shards', () => {
  const variants: [string, Partial<ShardingSpec>][] = [
    ['identity, raw', { preshift_bits: 3, minishard_bits: 2, shard_bits: 2 }],
    ['identity, gzip data and indices', { preshift_bits: 3, minishard_bits: 2, shard_bits: 2, data_encoding: 'gzip', minishard_index_encoding: 'gzip' }],
    ['murmur, gzip indices', { hash: 'murmurhash3_x86_128', minishard_bits: 3, shard_bits: 3, minishard_index_encoding: 'gzip' }],
    ['murmur, no shard bits', { hash: 'murmurhash3_x86_128', preshift_bits: 1, minishard_bits: 4 }],
  ]

  it.each(variants)('writes and reads back 300 chunks across shards and minishards (%s)', async (_name, s) => {
    const grid = [10, 6, 5]
    const ids: bigint[] = []
    for (let z = 0; z < 5; z++) for (let y = 0; y < 6; y++) for (let x = 0; x < 10; x++) ids.push(compressedMortonCode([x, y, z], grid))
    const { storage, files, chunks, cleanup } = await writeDataset(spec(s), ids)
    const p = parseShardingSpec(spec(s))
    expect(files.size).toBe(new Set(ids.map((id) => shardLocation(p, id).file)).size)
    if (p.shardBits > 0) expect(files.size).toBeGreaterThan(1)
    const reader = new ShardReader(storage, '8_8_40', spec(s))
    const got = await reader.getChunks(ids)
    for (const id of ids) expect(got.get(id), String(id)).toEqual(chunks.get(id))
    // Single reads agree, and an absent id inside a present minishard is missing.
    expect(await reader.getChunk(ids[17]!)).toEqual(chunks.get(ids[17]!))
    expect(await reader.getChunk(1n << 40n)).toBeUndefined()
    expect(await reader.hasChunk(ids[5]!)).toBe(true)
    cleanup()
  })

  it('coalesces touching data ranges of a shard into one request, and caches both index levels', async () => {
    const s = spec({ minishard_bits: 3, shard_bits: 1, preshift_bits: 3 })
    const ids = Array.from({ length: 128 }, (_, i) => BigInt(i))
    const { storage, chunks, cleanup } = await writeDataset(s, ids)
    const rec = new Recording(storage)
    const reader = new ShardReader(rec, '8_8_40', s)
    const got = await reader.getChunks(ids)
    for (const id of ids) expect(got.get(id)).toEqual(chunks.get(id))
    // 2 shards: per shard one whole-index read (8 minishards wanted ≥ threshold), one coalesced read
    // of the 8 adjacent minishard indices, one coalesced data read.
    expect(reader.stats).toMatchObject({ shardIndexRequests: 2, minishardIndexRequests: 2, dataRequests: 2 })
    expect(rec.ranges).toHaveLength(6)
    expect(rec.ranges.filter((r) => r.range.offset === 0 && r.range.length === 128)).toHaveLength(2)

    // Again: indices come from the caches; only data is read.
    rec.ranges.length = 0
    await reader.getChunks(ids.slice(0, 10))
    expect(rec.ranges).toHaveLength(1)
    expect(reader.stats.shardIndexRequests).toBe(2)
    expect(reader.stats.minishardIndexRequests).toBe(2)

    // Non-adjacent chunks are separate requests unless a gap is allowed.
    rec.ranges.length = 0
    await reader.getChunks([0n, 2n, 4n])
    expect(rec.ranges).toHaveLength(3)
    const gappy = new ShardReader(rec, '8_8_40', s, { coalesceGapBytes: 100 })
    await gappy.getChunks(ids.slice(0, 64))
    rec.ranges.length = 0
    await gappy.getChunks([0n, 2n, 4n])
    expect(rec.ranges).toHaveLength(1)
    cleanup()
  })

  it('reads single 16-byte shard-index entries when few minishards are wanted', async () => {
    const s = spec({ minishard_bits: 6, shard_bits: 0 })
    const ids = Array.from({ length: 200 }, (_, i) => BigInt(i))
    const { storage, chunks, cleanup } = await writeDataset(s, ids)
    const rec = new Recording(storage)
    const reader = new ShardReader(rec, '8_8_40', s)
    expect(await reader.getChunk(70n)).toEqual(chunks.get(70n))
    // Minishard 70 & 63 = 6: entry at bytes 96..111; then its minishard index; then the data.
    expect(rec.ranges[0]).toEqual({ key: '8_8_40/0.shard', range: { offset: 96, length: 16 } })
    expect(rec.ranges).toHaveLength(3)
    // Two adjacent minishards: one 32-byte entry read.
    rec.ranges.length = 0
    await reader.getChunks([1n, 2n])
    expect(rec.ranges[0]!.range).toEqual({ offset: 16, length: 32 })
    cleanup()
  })

  it('concurrent getChunk calls of one tick share requests; concurrent lookups share in-flight index reads', async () => {
    const s = spec({ minishard_bits: 1 })
    const ids = Array.from({ length: 16 }, (_, i) => BigInt(i))
    const { storage, chunks, cleanup } = await writeDataset(s, ids)
    const rec = new Recording(storage)
    const reader = new ShardReader(rec, '8_8_40', s)
    const got = await Promise.all(ids.map((id) => reader.getChunk(id)))
    got.forEach((g, i) => expect(g).toEqual(chunks.get(ids[i]!)))
    expect(reader.stats).toMatchObject({ shardIndexRequests: 1, minishardIndexRequests: 1, dataRequests: 1 })
    const other = new ShardReader(rec, '8_8_40', s)
    await Promise.all([other.getChunks([0n]), other.getChunks([2n]), other.getChunks([4n])])
    expect(other.stats.shardIndexRequests).toBe(1)
    expect(other.stats.minishardIndexRequests).toBe(1)
    cleanup()
  })

  it('missing shard, empty minishard and zero-length shard all mean missing chunks; bad indices are SpecViolations', async () => {
    const s = spec({ minishard_bits: 2, shard_bits: 2 })
    const { storage, cleanup } = await writeDataset(s, [0n])
    const reader = new ShardReader(storage, '8_8_40', s)
    expect(await reader.getChunk(1n)).toBeUndefined() // empty minishard 1
    expect(await reader.getChunk(4n)).toBeUndefined() // shard 1 has no file
    await storage.set('8_8_40/2.shard', new Uint8Array(0))
    expect(await reader.getChunk(8n)).toBeUndefined()
    await storage.set('8_8_40/3.shard', new Uint8Array(40))
    await expect(reader.getChunks([12n, 13n, 14n, 15n])).rejects.toSatisfy(
      (e) => isSpecViolation(e) && /shard index is 40 bytes, expected 64/.test((e as Error).message),
    )
    // A minishard index whose length is not a multiple of 24.
    const broken = new Uint8Array(64 + 5)
    new DataView(broken.buffer).setBigUint64(8, 5n, true)
    await storage.set('8_8_40/0.shard', broken)
    const fresh = new ShardReader(storage, '8_8_40', s)
    await expect(fresh.getChunk(0n)).rejects.toSatisfy((e) => isSpecViolation(e) && /multiple of 24/.test((e as Error).message))
    cleanup()
  })

  it('invalidate() forgets a shard cached as missing', async () => {
    const s = spec({})
    const storage = new MemStorage(`inv-${Date.now()}`)
    const reader = new ShardReader(storage, 'k', s)
    expect(await reader.getChunk(5n)).toBeUndefined()
    for (const [f, b] of await synthesizeShardFiles(s, new Map([[5n, Uint8Array.of(5)]]))) await storage.set(`k/${f}`, b)
    expect(await reader.getChunk(5n)).toBeUndefined()
    reader.invalidate('0.shard')
    expect(await reader.getChunk(5n)).toEqual(Uint8Array.of(5))
  })
})

describe('coalesceRanges', () => {
  it('merges touching and overlapping ranges, respects gap and size cap', () => {
    const r = (offset: number, length: number) => ({ offset, length })
    expect(coalesceRanges([r(10, 5), r(0, 10), r(20, 5)]).map((b) => [b.offset, b.length])).toEqual([[0, 15], [20, 5]])
    expect(coalesceRanges([r(10, 5), r(0, 10), r(20, 5)], 5).map((b) => [b.offset, b.length])).toEqual([[0, 25]])
    expect(coalesceRanges([r(0, 10), r(10, 10), r(20, 10)], 0, 20).map((b) => [b.offset, b.length])).toEqual([[0, 20], [20, 10]])
    expect(coalesceRanges([r(0, 10), r(5, 2)]).map((b) => [b.offset, b.length])).toEqual([[0, 10]])
  })
})
