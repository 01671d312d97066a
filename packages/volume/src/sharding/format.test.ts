import { describe, expect, it } from 'vitest'
import { isSpecViolation } from '../errors.js'
import { compressedMortonCode, decodeCompressedMortonCode, mortonBits } from './morton.js'
import { murmurHash3X86_128, murmurHash64 } from './murmur.js'
import { parseShardingSpec, shardFileName, shardLocation, type ShardingSpec } from './spec.js'

const spec = (s: Partial<ShardingSpec>): ShardingSpec => ({
  '@type': 'neuroglancer_uint64_sharded_v1',
  preshift_bits: 0,
  hash: 'identity',
  minishard_bits: 0,
  shard_bits: 0,
  ...s,
})

describe('compressed Morton codes (volumes.md §4.2 worked examples)', () => {
  it.each([
    [[3, 3, 3], [1, 0, 0], 0b1n],
    [[3, 3, 3], [2, 0, 0], 0b1000n],
    [[3, 3, 3], [2, 2, 1], 0b11100n],
    [[2, 3, 1], [1, 2, 0], 0b101n],
    [[4, 4, 1], [3, 3, 0], 0b1111n],
    [[8, 8, 2], [5, 5, 0], 0b1100011n],
    [[1944, 1048, 442], [1131, 411, 177], 583460383n],
  ])('grid %j, position %j → %i', (grid, g, code) => {
    expect(compressedMortonCode(g, grid)).toBe(code)
    expect(decodeCompressedMortonCode(code, grid)).toEqual(g)
  })

  it('hand check: grid (3,3,3) uses 2 bits per axis interleaved x0 y0 z0 x1 y1 z1', () => {
    // (2,2,1): x = 10b, y = 10b, z = 01b → bits x0=0 y0=0 z0=1 x1=1 y1=1 (z1 = 0) = 0b11100.
    expect(compressedMortonCode([2, 2, 1], [3, 3, 3])).toBe(0b11100n)
    // Axes of size 1 take no bits: grid (4,1,4), (3,0,2) → x0=1 z0=0 x1=1 z1=1 = 0b1101.
    expect(compressedMortonCode([3, 0, 2], [4, 1, 4])).toBe(0b1101n)
  })

  it('every position of a small grid round-trips and codes are distinct and dense', () => {
    const grid = [5, 3, 2]
    const seen = new Set<bigint>()
    for (let z = 0; z < 2; z++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 5; x++) {
          const c = compressedMortonCode([x, y, z], grid)
          expect(decodeCompressedMortonCode(c, grid)).toEqual([x, y, z])
          seen.add(c)
        }
    expect(seen.size).toBe(30)
    expect(Math.max(...[...seen].map(Number))).toBeLessThan(2 ** (3 + 2 + 1))
  })

  it('positions outside the grid and grids beyond 64 bits are errors', () => {
    expect(() => compressedMortonCode([3, 0, 0], [3, 3, 3])).toThrow(/gridPosition\[0\].*\[0, 3\)/)
    expect(() => compressedMortonCode([-1, 0, 0], [3, 3, 3])).toThrow(/gridPosition\[0\]/)
    expect(() => decodeCompressedMortonCode(0b111111n, [3, 3, 3])).toThrow(/inside grid/)
    try {
      compressedMortonCode([0, 0, 0], [2 ** 22, 2 ** 22, 2 ** 22])
      expect.unreachable()
    } catch (e) {
      expect(isSpecViolation(e)).toBe(true)
    }
    expect(mortonBits([2 ** 21, 2 ** 21, 2 ** 22])).toEqual([21, 21, 22])
    expect(mortonBits([1, 2, 3])).toEqual([0, 1, 2])
  })

  it('codes above 2^53 stay exact', () => {
    const grid = [2 ** 21, 2 ** 21, 2 ** 21]
    const g = [2 ** 21 - 1, 2 ** 21 - 2, 2 ** 21 - 3]
    const code = compressedMortonCode(g, grid)
    expect(code).toBeGreaterThan(2n ** 53n)
    expect(decodeCompressedMortonCode(code, grid)).toEqual(g)
  })
})

describe('murmurhash3_x86_128', () => {
  it('matches the spec vectors (low 64 bits, seed 0, 8 LE bytes)', () => {
    expect(murmurHash64(0n)).toBe(0x4772b084e028ae41n)
    expect(murmurHash64(1n)).toBe(0xe8bd67d616d4ce9an)
    expect(murmurHash64(42n)).toBe(0xc20b94f95119f47an)
    expect(murmurHash64(2n ** 64n - 1n)).toBe(0x574f66bd212b5d1an)
  })

  it("passes SMHasher's verification (0xB3ECE62A), covering every tail length and seeds", () => {
    // Hash keys [0], [0,1], … of lengths 0..255 with seed 256 - length, concatenate the 16-byte
    // results, hash that with seed 0; the first 32-bit word is the published verification value.
    const key = Uint8Array.from({ length: 256 }, (_, i) => i)
    const all = new Uint8Array(256 * 16)
    const view = new DataView(all.buffer)
    for (let i = 0; i < 256; i++) {
      const h = murmurHash3X86_128(key.subarray(0, i), 256 - i)
      h.forEach((w, j) => view.setUint32(i * 16 + j * 4, w, true))
    }
    expect(murmurHash3X86_128(all, 0)[0]).toBe(0xb3ece62a)
    expect(murmurHash3X86_128(new Uint8Array(0), 0)).toEqual([0, 0, 0, 0])
  })
})

describe('sharding spec and shard numbering (volumes.md §4.4 vectors)', () => {
  it('murmur {preshift 6, minishard 11, shard 7}: key 1822975381 → shard 42 (hex), minishard 18', () => {
    const p = parseShardingSpec(spec({ hash: 'murmurhash3_x86_128', preshift_bits: 6, minishard_bits: 11, shard_bits: 7 }))
    const loc = shardLocation(p, 1822975381n)
    expect(loc.file).toBe('42.shard')
    expect(loc.shard).toBe(0x42n)
    expect(loc.minishard).toBe(18n)
  })

  it('identity {preshift 2, minishard 3, shard 3}: key 0b10101010 → shard 5, minishard 2', () => {
    const loc = shardLocation(parseShardingSpec(spec({ preshift_bits: 2, minishard_bits: 3, shard_bits: 3 })), 0b10101010n)
    expect(loc).toMatchObject({ shard: 5n, minishard: 2n, file: '5.shard', hashed: 0b101010n })
  })

  it('identity {preshift 9, minishard 6, shard 16}: key 583460383 → shard 458d, minishard 51', () => {
    const loc = shardLocation(parseShardingSpec(spec({ preshift_bits: 9, minishard_bits: 6, shard_bits: 16 })), 583460383n)
    expect(loc).toMatchObject({ file: '458d.shard', minishard: 51n })
  })

  it('file names: zero-padded lowercase hex, "0.shard" for shard_bits 0', () => {
    const p = parseShardingSpec(spec({ shard_bits: 9 }))
    expect(shardFileName(p, 0n)).toBe('000.shard')
    expect(shardFileName(p, 0x1ffn)).toBe('1ff.shard')
    expect(shardLocation(parseShardingSpec(spec({})), 12345n).file).toBe('0.shard')
  })

  it('validation names the field and value; absent encodings mean raw', () => {
    const p = parseShardingSpec(spec({ minishard_bits: 2 }))
    expect(p).toMatchObject({ minishardIndexEncoding: 'raw', dataEncoding: 'raw', indexLength: 64, shardDigits: 1 })
    const cases: [unknown, RegExp][] = [
      [null, /sharding must be an object/],
      [{ ...spec({}), '@type': 'x' }, /@type/],
      [spec({ preshift_bits: 64 }), /preshift_bits must be an integer from 0 to 63/],
      [spec({ minishard_bits: 40, shard_bits: 30 }), /more than 64/],
      [spec({ hash: 'MurmurHash3_x86_128' as never }), /hash must be/],
      [spec({ data_encoding: 'zstd' as never }), /data_encoding must be "raw" or "gzip", got "zstd"/],
      [spec({ minishard_bits: 1.5 }), /minishard_bits/],
    ]
    for (const [bad, re] of cases) {
      let caught: unknown
      try {
        parseShardingSpec(bad)
      } catch (e) {
        caught = e
      }
      expect(isSpecViolation(caught), String(re)).toBe(true)
      expect((caught as Error).message).toMatch(re)
    }
    expect(() => shardLocation(p, -1n)).toThrow(/uint64/)
  })
})
