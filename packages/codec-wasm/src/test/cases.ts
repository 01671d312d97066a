// The codec test suite, run both in Node (codec.test.ts) and in Chromium (codec.browser.test.ts).
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type BlockSize,
  CodecError,
  type VolumeShape,
  chunkCodec,
  chunkEncodings,
  compressedSegmentationLabels,
  compressedSegmentationValueAt,
  decodeCompressedSegmentation,
  decodeCompressedSegmentationChunks,
  encodeCompressedSegmentation,
  isCodecError,
  registerChunkCodec,
  remapCompressedSegmentation,
  wasmMemoryBytes,
} from '../index.js'
import { bytesOfWords, prng, randomInt, randomU64, randomVolume, referenceEncode, sha256Hex, words } from './util.js'

export interface SuiteEnvironment {
  /** The FIB-25 fixture bytes, or a reason why this environment cannot read it. */
  fib25(): Promise<Uint8Array | { unavailable: string }>
}

type DataType = 'uint32' | 'uint64'

function expectCodecError(fn: () => unknown, code: string): CodecError {
  let caught: unknown
  try {
    fn()
  } catch (e) {
    caught = e
  }
  expect(isCodecError(caught), `expected a CodecError '${code}', got ${String(caught)}`).toBe(true)
  expect((caught as CodecError).code).toBe(code)
  expect(caught).toBeInstanceOf(CodecError)
  return caught as CodecError
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0)

function u32(...values: number[]): Uint32Array {
  return Uint32Array.from(values)
}
function u64(...values: number[]): BigUint64Array {
  return BigUint64Array.from(values, (v) => BigInt(v))
}

/** Channel 0's block headers: bits per block and the set of distinct table offsets. */
function headerStats(encoded: Uint8Array, blocks: number): { bits: Record<number, number>; tables: number } {
  const w = words(encoded)
  const base = w[0] as number
  const bits: Record<number, number> = {}
  const tables = new Set<number>()
  for (let b = 0; b < blocks; b++) {
    const h = w[base + 2 * b] as number
    bits[h >>> 24] = (bits[h >>> 24] ?? 0) + 1
    tables.add(h & 0xffffff)
  }
  return { bits, tables: tables.size }
}

/** Index of the first differing element, or -1 (toEqual is slow on large typed arrays). */
function firstDifference(a: Uint32Array | BigUint64Array, b: Uint32Array | BigUint64Array): number {
  if (a.length !== b.length) return 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i
  return -1
}

export function codecSuite(env: SuiteEnvironment): void {
  describe('reference test vectors (neuroglancer encode_uint32/uint64 specs)', () => {
    // [name, shape, block, input, expected uint32 file, expected uint64 file]
    const cases: Array<[string, VolumeShape, BlockSize, number[], number[], number[]]> = [
      ['0-bit', [2, 2, 1], [2, 2, 1], [4, 4, 4, 4], [1, 2, 2, 4], [1, 2, 2, 4, 0]],
      ['1-bit', [2, 2, 1], [2, 2, 1], [4, 3, 4, 4], [1, 0x01000003, 2, 0b1101, 3, 4], [1, 0x01000003, 2, 0b1101, 3, 0, 4, 0]],
      ['1-bit, partial block [3,2,1]', [2, 2, 1], [3, 2, 1], [4, 3, 4, 3], [1, 0x01000003, 2, 0b001001, 3, 4], [1, 0x01000003, 2, 0b001001, 3, 0, 4, 0]],
      ['2-bit', [2, 2, 1], [2, 2, 1], [4, 3, 5, 4], [1, 0x02000003, 2, 0b01100001, 3, 4, 5], [1, 0x02000003, 2, 0b01100001, 3, 0, 4, 0, 5, 0]],
      [
        'two blocks',
        [2, 2, 2],
        [2, 2, 1],
        [4, 3, 5, 4, 1, 3, 3, 3],
        [1, 0x02000005, 4, 0x01000009, 8, 0b01100001, 3, 4, 5, 0b1110, 1, 3],
        [1, 0x02000005, 4, 0x0100000c, 11, 0b01100001, 3, 0, 4, 0, 5, 0, 0b1110, 1, 0, 3, 0],
      ],
      [
        'cached 0-bit',
        [2, 2, 4],
        [2, 2, 1],
        [4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4],
        [1, 8, 8, 9, 9, 9, 10, 8, 10, 4, 3],
        [1, 8, 8, 10, 10, 10, 12, 8, 12, 4, 0, 3, 0],
      ],
      [
        'cached 2-bit',
        [2, 2, 4],
        [2, 2, 1],
        [4, 3, 5, 4, 1, 3, 3, 3, 3, 1, 1, 1, 5, 5, 3, 4],
        [1, 0x02000009, 8, 0x0100000d, 12, 0x0100000d, 15, 0x02000009, 16, 0b01100001, 3, 4, 5, 0b1110, 1, 3, 0b1, 0b01001010],
        [
          1, 0x02000009, 8, 0x01000010, 15, 0x01000010, 20, 0x02000009, 21, 0b01100001, 3, 0, 4, 0, 5, 0, 0b1110, 1, 0, 3, 0,
          0b1, 0b01001010,
        ],
      ],
      ['two channels, table cache per channel', [2, 2, 1, 2], [2, 2, 1], [4, 4, 4, 4, 4, 4, 4, 4], [2, 5, 2, 2, 4, 2, 2, 4], [2, 6, 2, 2, 4, 0, 2, 2, 4, 0]],
      ['empty volume', [0, 3, 2, 3], [2, 2, 2], [], [3, 3, 3], [3, 3, 3]],
      // 1-bit indices cover the whole 8³ block (16 words) although 3 voxels are in the volume.
      ['block larger than the volume', [3, 1, 1], [8, 8, 8], [7, 9, 7], [1, 0x01000012, 2, 0b010, ...zeros(15), 7, 9], [1, 0x01000012, 2, 0b010, ...zeros(15), 7, 0, 9, 0]],
    ]
    for (const [name, shape, block, input, expected32, expected64] of cases) {
      it(`${name} (uint32)`, () => {
        const encoded = encodeCompressedSegmentation(u32(...input), shape, block)
        expect(words(encoded)).toEqual(expected32)
        expect(Array.from(decodeCompressedSegmentation(encoded, shape, block, 'uint32'))).toEqual(input)
      })
      it(`${name} (uint64)`, () => {
        const encoded = encodeCompressedSegmentation(u64(...input), shape, block)
        expect(words(encoded)).toEqual(expected64)
        expect(decodeCompressedSegmentation(encoded, shape, block, 'uint64')).toEqual(u64(...input))
      })
    }

    it('decodes the hand-made vectors through the other functions too', () => {
      const shape: VolumeShape = [2, 2, 4]
      const block: BlockSize = [2, 2, 1]
      const input = [4, 3, 5, 4, 1, 3, 3, 3, 3, 1, 1, 1, 5, 5, 3, 4]
      const encoded = bytesOfWords([1, 0x02000009, 8, 0x0100000d, 12, 0x0100000d, 15, 0x02000009, 16, 0b01100001, 3, 4, 5, 0b1110, 1, 3, 0b1, 0b01001010])
      expect(Array.from(compressedSegmentationLabels(encoded, shape, block, 'uint32'))).toEqual([1, 3, 4, 5])
      input.forEach((v, p) => {
        expect(compressedSegmentationValueAt(encoded, shape, block, 'uint32', [p % 2, (p >> 1) % 2, p >> 2])).toBe(v)
      })
    })
  })

  describe('32-bit indices (more than 65,536 values in one block)', () => {
    const n = 65537
    const shape: VolumeShape = [n, 1, 1]
    const block: BlockSize = [n, 1, 1]
    for (const dataType of ['uint32', 'uint64'] as const) {
      it(`encodes and decodes the 32-bit vector (${dataType})`, () => {
        const data = dataType === 'uint32' ? Uint32Array.from({ length: n }, (_, x) => 65536 - x) : BigUint64Array.from({ length: n }, (_, x) => BigInt(65536 - x))
        const encoded = encodeCompressedSegmentation(data, shape, block)
        const w = words(encoded)
        expect(w.length).toBe(dataType === 'uint32' ? 131077 : 196614)
        expect(w.slice(0, 3)).toEqual([1, 0x20010003, 2])
        for (let x = 0; x < n; x++) expect(w[3 + x]).toBe(65536 - x)
        for (let v = 0; v < n; v++) {
          if (dataType === 'uint32') expect(w[3 + n + v]).toBe(v)
          else expect([w[3 + n + 2 * v], w[4 + n + 2 * v]]).toEqual([v, 0])
        }
        expect(decodeCompressedSegmentation(encoded, shape, block, dataType)).toEqual(data)
        expect(compressedSegmentationLabels(encoded, shape, block, dataType).length).toBe(n)
        expect(compressedSegmentationValueAt(encoded, shape, block, dataType, [10, 0, 0])).toBe(dataType === 'uint32' ? 65526 : 65526n)
        const remapped = remapCompressedSegmentation(encoded, shape, block, dataType, new Map([[0, 7], [65536, 8]]), { preserveMissing: true })
        const decoded = decodeCompressedSegmentation(remapped, shape, block, dataType)
        expect(decoded[0]).toBe(dataType === 'uint32' ? 8 : 8n)
        expect(decoded[n - 1]).toBe(dataType === 'uint32' ? 7 : 7n)
        expect(decoded[1]).toBe(dataType === 'uint32' ? 65535 : 65535n)
      })
    }
  })

  describe('FIB-25 64³ fixture', () => {
    const shape: VolumeShape = [64, 64, 64]
    const block: BlockSize = [8, 8, 8]
    const expected = {
      uint64: { bytes: 71348, sha256: '00df40db7bba56bd060eb75c60d9e61bd4cf12c29bb73289d539af95b83320f6' },
      uint32: { bytes: 66716, sha256: '416a4704e1e59ec2e65341d4ab53b6e768b011346f269ba828b4e9868f398238' },
    }
    let volume: { u64: BigUint64Array; u32: Uint32Array } | undefined
    let unavailable = ''
    const load = async (): Promise<{ u64: BigUint64Array; u32: Uint32Array } | undefined> => {
      if (volume || unavailable) return volume
      const raw = await env.fib25()
      if (!(raw instanceof Uint8Array)) {
        unavailable = raw.unavailable
        return undefined
      }
      expect(await sha256Hex(raw)).toBe('ca9b371e0e20bf72488db0733f806ff8886a4207affffe85bb5a0852f1e24c18')
      const big = new BigUint64Array(raw.slice().buffer)
      volume = { u64: big, u32: Uint32Array.from(big, (v) => Number(v & 0xffffffffn)) }
      return volume
    }

    for (const dataType of ['uint64', 'uint32'] as const) {
      it(`encodes to the reference size and SHA-256, and round-trips (${dataType})`, async ({ skip }) => {
        const vol = await load()
        if (!vol) return skip(unavailable)
        const data = dataType === 'uint64' ? vol.u64 : vol.u32
        const encoded = encodeCompressedSegmentation(data, shape, block)
        expect(encoded.byteLength).toBe(expected[dataType].bytes)
        expect(await sha256Hex(encoded)).toBe(expected[dataType].sha256)
        expect(headerStats(encoded, 512)).toEqual({ bits: { 0: 88, 1: 138, 2: 188, 4: 98 }, tables: 261 })
        expect(decodeCompressedSegmentation(encoded, shape, block, dataType)).toEqual(data)
        const labels = compressedSegmentationLabels(encoded, shape, block, dataType)
        expect(labels.length).toBe(52)
        expect(Number(labels[0])).toBe(534)
        expect(Number(labels[51])).toBe(150303)
        const random = prng(25)
        for (let n = 0; n < 500; n++) {
          const [x, y, z] = [randomInt(random, 64), randomInt(random, 64), randomInt(random, 64)]
          expect(compressedSegmentationValueAt(encoded, shape, block, dataType, [x, y, z])).toBe(data[x + 64 * (y + 64 * z)])
        }
      })
    }

    it('remaps FIB-25 supervoxels to 64-bit root ids by rewriting tables only', async ({ skip }) => {
      const vol = await load()
      if (!vol) return skip(unavailable)
      const encoded = encodeCompressedSegmentation(vol.u64, shape, block)
      const labels = compressedSegmentationLabels(encoded, shape, block, 'uint64')
      const mapping = new Map<bigint, bigint>()
      labels.forEach((l, i) => mapping.set(l, 0xfedcba9800000000n + BigInt(i % 5)))
      const remapped = remapCompressedSegmentation(encoded, shape, block, 'uint64', mapping)
      expect(remapped.byteLength).toBe(encoded.byteLength)
      // Only table words change: headers and index words stay.
      const before = words(encoded)
      const after = words(remapped)
      expect(after.slice(0, 1 + 1024)).toEqual(before.slice(0, 1 + 1024))
      const decoded = decodeCompressedSegmentation(remapped, shape, block, 'uint64')
      expect(decoded).toEqual(vol.u64.map((v) => mapping.get(v) as bigint))
      expect(Array.from(compressedSegmentationLabels(remapped, shape, block, 'uint64'))).toEqual([0, 1, 2, 3, 4].map((i) => 0xfedcba9800000000n + BigInt(i)))
    })
  })

  describe('random round trips, cross-checked with a plain reference encoder', () => {
    const shapes: VolumeShape[] = [[1, 2, 1], [2, 2, 2], [4, 4, 5], [1, 2, 1, 3], [2, 2, 2, 3], [4, 4, 5, 3], [13, 7, 9, 2], [17, 1, 33], [9, 9, 9]]
    const blocks: BlockSize[] = [[2, 2, 2], [8, 4, 1], [8, 8, 8], [3, 5, 7], [1, 1, 1], [16, 2, 3]]
    let seed = 1
    for (const dataType of ['uint32', 'uint64'] as const) {
      for (const shape of shapes) {
        for (const block of blocks) {
          const s = seed++
          it(`${dataType} ${shape.join('x')} block ${block.join('x')} (seed ${s})`, () => {
            const random = prng(s)
            const total = shape.reduce((a, b) => a * b, 1)
            for (const numValues of [1, 3, 15, 300]) {
              const data = randomVolume(random, total, numValues, dataType)
              const encoded = encodeCompressedSegmentation(data, shape, block)
              expect(words(encoded)).toEqual(Array.from(referenceEncode(data, shape, block)))
              expect(decodeCompressedSegmentation(encoded, shape, block, dataType)).toEqual(data)
              const distinct = [...new Set<number | bigint>(data)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
              expect(Array.from(compressedSegmentationLabels(encoded, shape, block, dataType))).toEqual(distinct)
              const nc = shape[3] ?? 1
              for (let n = 0; n < 10; n++) {
                const [x, y, z, c] = [randomInt(random, shape[0]), randomInt(random, shape[1]), randomInt(random, shape[2]), randomInt(random, nc)]
                expect(compressedSegmentationValueAt(encoded, shape, block, dataType, [x, y, z], c)).toBe(data[x + shape[0] * (y + shape[1] * (z + shape[2] * c))])
              }
            }
          })
        }
      }
    }

    it('orders uint64 labels as unsigned 64-bit numbers (ids >= 2^63, equal low words)', () => {
      const data = BigUint64Array.of(2n ** 63n + 5n, 5n, 2n ** 64n - 1n, 2n ** 32n + 5n, 0n, 2n ** 63n, 5n, 1n)
      const encoded = encodeCompressedSegmentation(data, [2, 2, 2], [2, 2, 2])
      expect(words(encoded)).toEqual(Array.from(referenceEncode(data, [2, 2, 2], [2, 2, 2])))
      expect(decodeCompressedSegmentation(encoded, [2, 2, 2], [2, 2, 2], 'uint64')).toEqual(data)
      expect(Array.from(compressedSegmentationLabels(encoded, [2, 2, 2], [2, 2, 2], 'uint64'))).toEqual([0n, 1n, 5n, 2n ** 32n + 5n, 2n ** 63n, 2n ** 63n + 5n, 2n ** 64n - 1n])
    })

    it('handles larger volumes with few labels (compact blobs, 8³ blocks, regions of blocks)', () => {
      const random = prng(99)
      const shape: VolumeShape = [50, 45, 37, 2]
      const data = new BigUint64Array(50 * 45 * 37 * 2)
      const ids = Array.from({ length: 6 }, () => randomU64(random))
      for (let p = 0; p < data.length; p++) {
        const x = p % 50
        const y = Math.floor(p / 50) % 45
        const z = Math.floor(p / 2250) % 37
        data[p] = ids[(Math.floor(x / 13) + Math.floor(y / 11) * 2 + Math.floor(z / 7)) % ids.length] as bigint
      }
      const encoded = encodeCompressedSegmentation(data, shape, [8, 8, 8])
      expect(words(encoded)).toEqual(Array.from(referenceEncode(data, shape, [8, 8, 8])))
      expect(decodeCompressedSegmentation(encoded, shape, [8, 8, 8], 'uint64')).toEqual(data)
      const low = Uint32Array.from(data, (v) => Number(v & 0xffffffffn))
      const encoded32 = encodeCompressedSegmentation(low, shape, [8, 8, 8])
      expect(decodeCompressedSegmentation(encoded32, shape, [8, 8, 8], 'uint32')).toEqual(low)
    })
  })

  describe('decode into a caller-provided array', () => {
    it('fills `out` (also a subarray view) and checks its type and length', () => {
      const data = randomVolume(prng(5), 10 * 9 * 8 * 2, 7, 'uint64') as BigUint64Array
      const shape: VolumeShape = [10, 9, 8, 2]
      const encoded = encodeCompressedSegmentation(data, shape, [4, 4, 4])
      const backing = new BigUint64Array(data.length + 3)
      const out = backing.subarray(2, 2 + data.length)
      expect(decodeCompressedSegmentation(encoded, shape, [4, 4, 4], 'uint64', { out })).toBe(out)
      expect(out).toEqual(data)
      expect(backing[0]).toBe(0n)
      expect(backing[data.length + 2]).toBe(0n)
      expectCodecError(() => decodeCompressedSegmentation(encoded, shape, [4, 4, 4], 'uint64', { out: new BigUint64Array(5) }), 'invalid-length')
      expectCodecError(() => decodeCompressedSegmentation(encoded, shape, [4, 4, 4], 'uint32', { out: new Uint32Array(data.length * 2) }), 'invalid-length')
      expectCodecError(() => decodeCompressedSegmentation(encoded, shape, [4, 4, 4], 'uint64', { out: new Float64Array(data.length) as never }), 'invalid-argument')
    })
  })

  describe('decode into a region of a larger array (outShape, outOffset, sourceBox)', () => {
    /** The expected out: `fill` everywhere, then the full decode's sourceBox copied to outOffset. */
    function manual(full: Uint32Array | BigUint64Array, shape: number[], box: number[][], outShape: number[], off: number[], fill: number): Uint32Array | BigUint64Array {
      const n = outShape.reduce((a, b) => a * b, 1)
      const out = full instanceof BigUint64Array ? new BigUint64Array(n).fill(BigInt(fill)) : new Uint32Array(n).fill(fill)
      const [X, Y, Z] = outShape as [number, number, number]
      const [sx, sy, sz] = shape as [number, number, number]
      for (let c = box[3]![0]!; c < box[3]![1]!; c++) {
        for (let z = box[2]![0]!; z < box[2]![1]!; z++) {
          for (let y = box[1]![0]!; y < box[1]![1]!; y++) {
            for (let x = box[0]![0]!; x < box[0]![1]!; x++) {
              const d = off[0]! + x - box[0]![0]! + X * (off[1]! + y - box[1]![0]! + Y * (off[2]! + z - box[2]![0]! + Z * (off[3]! + c - box[3]![0]!)))
              out[d] = full[x + sx * (y + sy * (z + sz * c))]!
            }
          }
        }
      }
      return out
    }

    it('equals a full decode copied by hand, for random shapes, blocks, boxes, offsets and channels', () => {
      const random = prng(77)
      for (let trial = 0; trial < 60; trial++) {
        const dataType: DataType = trial % 2 === 0 ? 'uint64' : 'uint32'
        const nc = trial % 5 === 0 ? 1 + randomInt(random, 3) : 1
        const shape = [1 + randomInt(random, 40), 1 + randomInt(random, 30), 1 + randomInt(random, 20)]
        const block: BlockSize = [1 + randomInt(random, 9), 1 + randomInt(random, 9), 1 + randomInt(random, 9)]
        const full4: VolumeShape = [shape[0]!, shape[1]!, shape[2]!, nc]
        const data = randomVolume(random, shape[0]! * shape[1]! * shape[2]! * nc, 1 + randomInt(random, 300), dataType)
        const encoded = encodeCompressedSegmentation(data, full4, block)
        const dims = [...shape, nc]
        const whole = trial % 3 === 0
        const box = dims.map((s) => {
          if (whole) return [0, s]
          const a = randomInt(random, s)
          return [a, a + 1 + randomInt(random, s - a)]
        })
        const extent = box.map(([a, b]) => b! - a!)
        const off = extent.map(() => randomInt(random, 6))
        if (trial % 4 === 0) off[0] = 0
        const outShape = extent.map((e, d) => e + off[d]! + (trial % 4 === 0 && d === 0 ? 0 : randomInt(random, 6)))
        const n = outShape.reduce((a, b) => a * b, 1)
        const out = dataType === 'uint64' ? new BigUint64Array(n).fill(9n) : new Uint32Array(n).fill(9)
        const expected = manual(data, shape, box, outShape, off, 9)
        const options = { out, outShape: outShape as unknown as VolumeShape, outOffset: off as unknown as [number, number, number, number], sourceBox: box as unknown as [number, number][] }
        const result = decodeCompressedSegmentation(encoded, full4, block, dataType, options as never)
        expect(result).toBe(out)
        expect(firstDifference(out, expected), `trial ${trial}: shape ${full4.join('x')} block ${block.join('x')} box ${JSON.stringify(box)} out ${outShape.join('x')} at ${off.join(',')}`).toBe(-1)
      }
    })

    it('takes 3-element outShape/outOffset, a sourceBox alone (a cropped new array), and bigger slabs than one region', () => {
      const random = prng(78)
      const shape: VolumeShape = [64, 64, 64]
      const data = randomVolume(random, 64 ** 3, 50, 'uint64') as BigUint64Array
      const encoded = encodeCompressedSegmentation(data, shape, [8, 8, 8])
      // A 64³ uint64 chunk at offsets in a 200x150x130 array: the volume read path's case.
      const out = new BigUint64Array(100 * 90 * 75)
      decodeCompressedSegmentation(encoded, shape, [8, 8, 8], 'uint64', { out, outShape: [100, 90, 75], outOffset: [30, 20, 8] })
      expect(firstDifference(out, manual(data, [64, 64, 64], [[0, 64], [0, 64], [0, 64], [0, 1]], [100, 90, 75, 1], [30, 20, 8, 0], 0))).toBe(-1)
      // Without outShape, sourceBox gives a new array of the box's size.
      const cropped = decodeCompressedSegmentation(encoded, shape, [8, 8, 8], 'uint64', { sourceBox: [[3, 40], [9, 10], [60, 64]] })
      expect(cropped).toEqual(manual(data, [64, 64, 64], [[3, 40], [9, 10], [60, 64], [0, 1]], [37, 1, 4, 1], [0, 0, 0, 0], 0))
      // Same rows in out as in the volume (x full width): plane copies.
      const planes = new BigUint64Array(64 * 64 * 70)
      decodeCompressedSegmentation(encoded, shape, [8, 8, 8], 'uint64', { out: planes, outShape: [64, 64, 70], outOffset: [0, 0, 5] })
      expect(firstDifference(planes, manual(data, [64, 64, 64], [[0, 64], [0, 64], [0, 64], [0, 1]], [64, 64, 70, 1], [0, 0, 5, 0], 0))).toBe(-1)
      // Small uint32 volume: several block z-rows per region.
      const small = randomVolume(random, 16 * 8 * 40, 5, 'uint32') as Uint32Array
      const enc32 = encodeCompressedSegmentation(small, [16, 8, 40], [4, 4, 4])
      const out32 = new Uint32Array(20 * 8 * 41)
      decodeCompressedSegmentation(enc32, [16, 8, 40], [4, 4, 4], 'uint32', { out: out32, outShape: [20, 8, 41], outOffset: [2, 0, 1] })
      expect(out32).toEqual(manual(small, [16, 8, 40], [[0, 16], [0, 8], [0, 40], [0, 1]], [20, 8, 41, 1], [2, 0, 1, 0], 0))
    })

    it('validates out, outShape, outOffset and sourceBox, naming the field', () => {
      const shape: VolumeShape = [10, 9, 8, 2]
      const data = randomVolume(prng(79), 10 * 9 * 8 * 2, 7, 'uint64') as BigUint64Array
      const encoded = encodeCompressedSegmentation(data, shape, [4, 4, 4])
      const dec = (options: Record<string, unknown>, dataType: DataType = 'uint64'): unknown =>
        decodeCompressedSegmentation(encoded, shape, [4, 4, 4], dataType, options as never)
      const out = new BigUint64Array(20 * 20 * 20 * 2)
      const ok = { out, outShape: [20, 20, 20, 2], outOffset: [10, 11, 12, 0] }
      expect(dec(ok)).toBe(out)
      const message = (options: Record<string, unknown>, code: string, dataType: DataType = 'uint64'): string =>
        expectCodecError(() => dec(options, dataType), code).message
      expect(message({ ...ok, out: new Uint32Array(out.length) }, 'invalid-argument')).toMatch(/out must be a BigUint64Array/)
      expect(message({ ...ok, out: new BigUint64Array(5) }, 'invalid-length')).toMatch(/outShape 20x20x20x2 needs 16000/)
      expect(message({ ...ok, out: new Uint32Array(7) }, 'invalid-length', 'uint32')).toMatch(/out has 7 elements, outShape 20x20x20x2 needs 16000/)
      expect(message({ ...ok, out: undefined }, 'invalid-argument')).toMatch(/outShape needs out/)
      expect(message({ outOffset: [0, 0, 0] }, 'invalid-argument')).toMatch(/outOffset needs outShape/)
      expect(message({ ...ok, outShape: [20, 20] }, 'invalid-argument')).toMatch(/outShape must be/)
      expect(message({ ...ok, outShape: [20, 20, 0, 2] }, 'invalid-argument')).toMatch(/outShape must be/)
      expect(message({ ...ok, outShape: [20, 20.5, 20, 2] }, 'invalid-argument')).toMatch(/outShape must be/)
      expect(message({ ...ok, outOffset: [1, -1, 0] }, 'invalid-argument')).toMatch(/outOffset must be/)
      expect(message({ ...ok, outOffset: [11, 0, 0] }, 'invalid-argument')).toMatch(/outOffset\[0\] \(x\) 11 \+ the decoded x extent 10 is 21, past outShape\[0\] = 20/)
      expect(message({ ...ok, outOffset: [0, 0, 13] }, 'invalid-argument')).toMatch(/outOffset\[2\] \(z\)/)
      expect(message({ ...ok, outOffset: [0, 0, 0, 1] }, 'invalid-argument')).toMatch(/outOffset\[3\] \(c\)/)
      expect(message({ ...ok, outShape: [20, 20, 20], out: new BigUint64Array(8000) }, 'invalid-argument')).toMatch(/outOffset\[3\] \(c\) 0 \+ the decoded c extent 2 is 2, past outShape\[3\] = 1/)
      expect(message({ ...ok, sourceBox: [[0, 10], [0, 9]] }, 'invalid-argument')).toMatch(/sourceBox must be/)
      expect(message({ ...ok, sourceBox: [[0, 11], [0, 9], [0, 8]] }, 'invalid-argument')).toMatch(/sourceBox\[0\] \(x\) must be \[start, end\] with 0 <= start < end <= 10/)
      expect(message({ ...ok, sourceBox: [[0, 10], [4, 4], [0, 8]] }, 'invalid-argument')).toMatch(/sourceBox\[1\] \(y\)/)
      expect(message({ ...ok, sourceBox: [[0, 10], [0, 9], [0, 8], [1, 3]] }, 'invalid-argument')).toMatch(/sourceBox\[3\] \(c\)/)
      expect(message({ sourceBox: [[0, 10], [0, 9], [0, 8]], out: new BigUint64Array(10) }, 'invalid-length')).toMatch(/sourceBox 10x9x8x2 needs 1440/)
      // A sourceBox fits where the whole volume would not.
      expect(dec({ ...ok, outOffset: [15, 15, 15, 1], sourceBox: [[5, 10], [4, 9], [3, 8], [1, 2]] })).toBe(out)
    })

    it('gives the codec errors of the blocks it decodes, and skips blocks outside sourceBox', () => {
      // Two 2x2x1 blocks; the second has encodedBits 3.
      const stream = bytesOfWords([1, 4, 5, 0x03000004, 5, 7])
      expectCodecError(() => decodeCompressedSegmentation(stream, [4, 2, 1], [2, 2, 1], 'uint32'), 'invalid-encoded-bits')
      const out = new Uint32Array(6 * 2)
      expectCodecError(() => decodeCompressedSegmentation(stream, [4, 2, 1], [2, 2, 1], 'uint32', { out, outShape: [6, 2, 1], outOffset: [2, 0, 0] }), 'invalid-encoded-bits')
      // The whole block row is decoded, so x-cropping does not skip it ...
      expectCodecError(() => decodeCompressedSegmentation(stream, [4, 2, 1], [2, 2, 1], 'uint32', { sourceBox: [[0, 2], [0, 2], [0, 1]] }), 'invalid-encoded-bits')
      // ... but blocks in other z rows are not read.
      const stream2 = bytesOfWords([1, 4, 5, 0x03000004, 5, 7])
      expect(decodeCompressedSegmentation(stream2, [2, 2, 2], [2, 2, 1], 'uint32', { sourceBox: [[0, 2], [0, 2], [0, 1]] })).toEqual(new Uint32Array(4).fill(7))
    })
  })

  describe('decode several chunks into one array (decodeCompressedSegmentationChunks)', () => {
    type Chunk = Parameters<typeof decodeCompressedSegmentationChunks>[0][number]

    /** A volume cut into a chunk grid, and the chunks overlapping `region` with their places in an out of `outShape`. */
    function gridRead(random: () => number, dataType: DataType, o: { size: number[]; chunk: number[]; nc: number; block: BlockSize; region: number[][]; pad: number[]; channels: [number, number]; labels: number }) {
      const { size, chunk, nc, block, region, pad, channels } = o
      const [X, Y, Z] = size as [number, number, number]
      const volume = randomVolume(random, X * Y * Z * nc, o.labels, dataType)
      const outShape: VolumeShape = [region[0]![1]! - region[0]![0]! + pad[0]!, region[1]![1]! - region[1]![0]! + pad[1]!, region[2]![1]! - region[2]![0]! + pad[2]!, channels[1] - channels[0]]
      const chunks: Chunk[] = []
      for (let gz = Math.floor(region[2]![0]! / chunk[2]!); gz * chunk[2]! < region[2]![1]!; gz++)
        for (let gy = Math.floor(region[1]![0]! / chunk[1]!); gy * chunk[1]! < region[1]![1]!; gy++)
          for (let gx = Math.floor(region[0]![0]! / chunk[0]!); gx * chunk[0]! < region[0]![1]!; gx++) {
            const c0 = [gx * chunk[0]!, gy * chunk[1]!, gz * chunk[2]!]
            const shape = c0.map((a, d) => Math.min(chunk[d]!, size[d]! - a))
            // The chunk's own voxels, x fastest, then y, z, channel.
            const n = shape[0]! * shape[1]! * shape[2]!
            const data = dataType === 'uint64' ? new BigUint64Array(n * nc) : new Uint32Array(n * nc)
            let i = 0
            for (let c = 0; c < nc; c++)
              for (let z = 0; z < shape[2]!; z++)
                for (let y = 0; y < shape[1]!; y++)
                  for (let x = 0; x < shape[0]!; x++) data[i++] = volume[c0[0]! + x + X * (c0[1]! + y + Y * (c0[2]! + z + Z * c))]! as never
            const s4: VolumeShape = [shape[0]!, shape[1]!, shape[2]!, nc]
            const part = [0, 1, 2].map((d) => [Math.max(region[d]![0]!, c0[d]!), Math.min(region[d]![1]!, c0[d]! + shape[d]!)] as [number, number])
            chunks.push({
              encoded: encodeCompressedSegmentation(data, s4, block),
              shape: s4,
              sourceBox: [...part.map(([a, b], d) => [a - c0[d]!, b - c0[d]!] as [number, number]), channels],
              outOffset: [part[0]![0] - region[0]![0]!, part[1]![0] - region[1]![0]!, part[2]![0] - region[2]![0]!, 0],
            })
          }
      const expected = dataType === 'uint64' ? new BigUint64Array(outShape.reduce((a, b) => a * b, 1)).fill(7n) : new Uint32Array(outShape.reduce((a, b) => a * b, 1)).fill(7)
      const [OX, OY, OZ] = outShape as readonly number[] as [number, number, number]
      for (let c = channels[0]; c < channels[1]; c++)
        for (let z = region[2]![0]!; z < region[2]![1]!; z++)
          for (let y = region[1]![0]!; y < region[1]![1]!; y++)
            for (let x = region[0]![0]!; x < region[0]![1]!; x++) {
              expected[x - region[0]![0]! + OX * (y - region[1]![0]! + OY * (z - region[2]![0]! + OZ * (c - channels[0])))] = volume[x + X * (y + Y * (z + Z * c))]! as never
            }
      return { chunks, outShape, expected }
    }

    it('equals the voxels of the region for random grids, clipped edge chunks, blocks, channels and orders', () => {
      const random = prng(91)
      let multiChunkRows = 0
      for (let trial = 0; trial < 40; trial++) {
        const dataType: DataType = trial % 2 === 0 ? 'uint64' : 'uint32'
        const nc = trial % 4 === 0 ? 1 + randomInt(random, 3) : 1
        const chunk = [1 + randomInt(random, 24), 1 + randomInt(random, 16), 1 + randomInt(random, 8)]
        const size = chunk.map((c) => c * (1 + randomInt(random, 4)) - (trial % 3 === 0 ? 0 : randomInt(random, c)))
        const region = size.map((s) => {
          if (trial % 5 === 0) return [0, s]
          const a = randomInt(random, s)
          return [a, a + 1 + randomInt(random, s - a)]
        })
        const pad = trial % 3 === 1 ? [0, 0, 0] : [randomInt(random, 3), randomInt(random, 3), randomInt(random, 3)]
        const c0 = randomInt(random, nc)
        const channels: [number, number] = [c0, c0 + 1 + randomInt(random, nc - c0)]
        const block: BlockSize = [1 + randomInt(random, 8), 1 + randomInt(random, 8), 1 + randomInt(random, 8)]
        const { chunks, outShape, expected } = gridRead(random, dataType, { size, chunk, nc, block, region, pad, channels, labels: 1 + randomInt(random, 200) })
        if (chunks.length > 1 && Math.ceil(region[0]![1]! / chunk[0]!) - Math.floor(region[0]![0]! / chunk[0]!) > 1) multiChunkRows++
        // Any order: the function groups the chunks itself.
        for (let i = chunks.length - 1; i > 0; i--) {
          const j = randomInt(random, i + 1)
          ;[chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!]
        }
        const n = outShape.reduce((a, b) => a * b, 1)
        const out = dataType === 'uint64' ? new BigUint64Array(n).fill(7n) : new Uint32Array(n).fill(7)
        decodeCompressedSegmentationChunks(chunks, block, dataType, { out, outShape })
        expect(firstDifference(out, expected), `trial ${trial}: size ${size.join('x')} chunk ${chunk.join('x')} block ${block.join('x')} region ${JSON.stringify(region)} channels ${channels.join('-')}`).toBe(-1)
      }
      expect(multiChunkRows).toBeGreaterThan(15)
    })

    it('decodes a 64³ uint64 chunk grid row as one slab: whole planes, and rows of a wider out', () => {
      const random = prng(92)
      for (const [region, pad] of [
        [[[0, 256], [0, 128], [0, 64]], [0, 0, 0]],
        [[[0, 256], [0, 128], [0, 64]], [5, 0, 1]],
        [[[10, 200], [3, 127], [1, 60]], [0, 2, 0]],
      ] as const) {
        const { chunks, outShape, expected } = gridRead(random, 'uint64', { size: [256, 128, 64], chunk: [64, 64, 64], nc: 1, block: [8, 8, 8], region: region.map((r) => [...r]), pad: [...pad], channels: [0, 1], labels: 40 })
        const out = new BigUint64Array(outShape.reduce((a, b) => a * b, 1)).fill(7n)
        decodeCompressedSegmentationChunks(chunks, [8, 8, 8], 'uint64', { out, outShape })
        expect(firstDifference(out, expected), JSON.stringify(region)).toBe(-1)
      }
    })

    it('chunks that do not continue each other in x (a gap) still land in place', () => {
      const random = prng(93)
      const { chunks, outShape, expected } = gridRead(random, 'uint32', { size: [48, 16, 8], chunk: [16, 16, 8], nc: 1, block: [4, 4, 4], region: [[0, 48], [0, 16], [0, 8]], pad: [0, 0, 0], channels: [0, 1], labels: 30 })
      // Leave out the middle chunk: its part of out keeps what was there.
      const out = new Uint32Array(outShape.reduce((a, b) => a * b, 1)).fill(7)
      decodeCompressedSegmentationChunks([chunks[0]!, chunks[2]!], [4, 4, 4], 'uint32', { out, outShape })
      for (let z = 0; z < 8; z++) for (let y = 0; y < 16; y++) for (let x = 16; x < 32; x++) expected[x + 48 * (y + 16 * z)] = 7
      expect(firstDifference(out, expected)).toBe(-1)
    })

    it('a bad chunk throws a CodecError naming its index (in the row decode and in its arguments)', () => {
      const random = prng(94)
      const { chunks, outShape } = gridRead(random, 'uint64', { size: [32, 8, 8], chunk: [8, 8, 8], nc: 1, block: [4, 4, 4], region: [[0, 32], [0, 8], [0, 8]], pad: [0, 0, 0], channels: [0, 1], labels: 9 })
      const out = new BigUint64Array(outShape.reduce((a, b) => a * b, 1))
      // Chunk 2's first block header gets encodedBits 3 (not a valid width).
      const bad = chunks.map((c) => ({ ...c }))
      const words32 = new Uint32Array(bad[2]!.encoded.slice().buffer)
      const base = words32[0]!
      words32[base] = (words32[base]! & 0xffffff) | (3 << 24)
      bad[2]!.encoded = new Uint8Array(words32.buffer)
      const error = expectCodecError(() => decodeCompressedSegmentationChunks(bad, [4, 4, 4], 'uint64', { out, outShape }), 'invalid-encoded-bits') as CodecError & { chunkIndex?: number }
      expect(error.chunkIndex).toBe(2)
      expect(error.message).toMatch(/^chunk 2: /)
      // An argument error of one chunk names it too.
      const misplaced = chunks.map((c, i) => (i === 3 ? { ...c, outOffset: [30, 0, 0, 0] as [number, number, number, number] } : c))
      const argError = expectCodecError(() => decodeCompressedSegmentationChunks(misplaced, [4, 4, 4], 'uint64', { out, outShape }), 'invalid-argument') as CodecError & { chunkIndex?: number }
      expect(argError.chunkIndex).toBe(3)
      expect(argError.message).toMatch(/^chunk 3: .*outOffset\[0\] \(x\) 30/)
      // The wrong array type for the data type.
      expectCodecError(() => decodeCompressedSegmentationChunks(chunks, [4, 4, 4], 'uint32', { out, outShape }), 'invalid-argument')
    })
  })

  describe('remap', () => {
    const shape: VolumeShape = [6, 5, 4, 2]
    const block: BlockSize = [4, 2, 3]
    const data = randomVolume(prng(7), 6 * 5 * 4 * 2, 6, 'uint32') as Uint32Array
    const labels = [...new Set(data)].sort((a, b) => a - b)
    let encoded = new Uint8Array(0)
    beforeAll(() => {
      encoded = encodeCompressedSegmentation(data, shape, block)
    })

    it('maps every table entry exactly once (a swap does not compose)', () => {
      const [a, b] = labels as [number, number]
      const mapping = new Map([[a, b], [b, a]])
      const remapped = remapCompressedSegmentation(encoded, shape, block, 'uint32', mapping, { preserveMissing: true })
      const expected = data.map((v) => (v === a ? b : v === b ? a : v))
      expect(decodeCompressedSegmentation(remapped, shape, block, 'uint32')).toEqual(expected)
    })

    it('fails on a missing label by default, naming it, and keeps it with preserveMissing', () => {
      const mapping = new Map<number, number>(labels.slice(1).map((l) => [l, 1]))
      const error = expectCodecError(() => remapCompressedSegmentation(encoded, shape, block, 'uint32', mapping), 'missing-label')
      expect(error.found).toBe(BigInt(labels[0] as number))
      expect(error.message).toContain(String(labels[0]))
      const kept = remapCompressedSegmentation(encoded, shape, block, 'uint32', mapping, { preserveMissing: true })
      expect(decodeCompressedSegmentation(kept, shape, block, 'uint32')).toEqual(data.map((v) => (v === labels[0] ? v : 1)))
    })

    it('accepts number and bigint keys, rejects values that do not fit and conflicting keys', () => {
      const mapping = new Map<number | bigint, number | bigint>(labels.map((l) => [BigInt(l), l + 1]))
      const remapped = remapCompressedSegmentation(encoded, shape, block, 'uint32', mapping)
      expect(decodeCompressedSegmentation(remapped, shape, block, 'uint32')).toEqual(data.map((v) => v + 1))
      expectCodecError(() => remapCompressedSegmentation(encoded, shape, block, 'uint32', new Map([[labels[0] as number, 2 ** 32]])), 'invalid-argument')
      expectCodecError(() => remapCompressedSegmentation(encoded, shape, block, 'uint32', new Map<number | bigint, number>([[3, 1], [3n, 2]])), 'invalid-argument')
      expectCodecError(() => remapCompressedSegmentation(encoded, shape, block, 'uint32', new Map([[-1, 2]])), 'invalid-argument')
    })

    it('remaps uint64 ids above 2^53 exactly', () => {
      const big = BigUint64Array.of(2n ** 60n + 1n, 2n ** 60n + 3n, 2n ** 60n + 1n, 7n)
      const enc = encodeCompressedSegmentation(big, [2, 2, 1], [2, 2, 1])
      const out = remapCompressedSegmentation(enc, [2, 2, 1], [2, 2, 1], 'uint64', new Map([[2n ** 60n + 1n, 2n ** 64n - 2n], [2n ** 60n + 3n, 9007199254740993n], [7n, 7n]]))
      expect(decodeCompressedSegmentation(out, [2, 2, 1], [2, 2, 1], 'uint64')).toEqual(BigUint64Array.of(2n ** 64n - 2n, 9007199254740993n, 2n ** 64n - 2n, 7n))
    })
  })

  describe('limits and argument errors', () => {
    it('names wrong lengths, types, shapes and block sizes', () => {
      expect(expectCodecError(() => encodeCompressedSegmentation(u32(1, 2, 3), [2, 2, 1], [2, 2, 1]), 'invalid-length')).toMatchObject({ expected: 4, found: 3 })
      expectCodecError(() => encodeCompressedSegmentation(Int32Array.of(1, 2, 3, 4) as unknown as Uint32Array, [2, 2, 1], [2, 2, 1]), 'invalid-argument')
      expectCodecError(() => encodeCompressedSegmentation(u32(1), [1, 1] as unknown as VolumeShape, [1, 1, 1]), 'invalid-argument')
      expectCodecError(() => encodeCompressedSegmentation(u32(1), [1, 1, 1], [0, 1, 1]), 'invalid-argument')
      expectCodecError(() => encodeCompressedSegmentation(u32(1), [1, 1, 1], [1.5, 1, 1]), 'invalid-argument')
      expectCodecError(() => encodeCompressedSegmentation(u32(1), [1, 1, 1], [65536, 65536, 2]), 'invalid-argument')
      expectCodecError(() => decodeCompressedSegmentation(bytesOfWords([1, 2, 2, 4]), [2, 2, 1], [2, 2, 1], 'int32' as 'uint32'), 'invalid-argument')
      expectCodecError(() => compressedSegmentationValueAt(bytesOfWords([1, 2, 2, 4]), [2, 2, 1], [2, 2, 1], 'uint32', [2, 0, 0]), 'invalid-argument')
      expectCodecError(() => compressedSegmentationValueAt(bytesOfWords([1, 2, 2, 4]), [2, 2, 1], [2, 2, 1], 'uint32', [0, 0, 0], 1), 'invalid-argument')
      // Absurd shapes fail cleanly before anything is allocated or read.
      expectCodecError(() => decodeCompressedSegmentation(bytesOfWords([1, 2, 2, 4]), [2 ** 32 - 1, 2 ** 32 - 1, 2 ** 20], [1, 1, 1], 'uint32'), 'invalid-argument')
      expectCodecError(() => decodeCompressedSegmentation(bytesOfWords([1, 2, 2, 4]), [2 ** 20, 2 ** 20, 2 ** 4], [8, 8, 8], 'uint64'), 'out-of-memory')
      // A 0-bit block needs no index words, however large the block.
      expect(decodeCompressedSegmentation(bytesOfWords([1, 2, 2, 4]), [300, 300, 1], [65535, 65537, 1], 'uint32')).toEqual(new Uint32Array(90000).fill(4))
      expectCodecError(() => decodeCompressedSegmentation(bytesOfWords([1, 0x01000002, 2, 4]), [300, 300, 1], [65535, 65537, 1], 'uint32'), 'values-out-of-range')
    })

    // Blocks of [1, 2^20, 1] with 2 in-volume voxels and 2 labels: 1-bit indices padded to the full
    // block, 2^15 words per block, so 512 blocks pass 2^24 words.
    const block: BlockSize = [1, 2 ** 20, 1]

    it('fails with a CodecError instead of writing a lookupTableOffset of 2^24 or more', () => {
      // Every block has its own two labels, so every block writes a new table.
      const shape: VolumeShape = [512, 2, 1]
      const data = Uint32Array.from({ length: 1024 }, (_, p) => 2 * (p % 512) + 1 + (p >= 512 ? 1 : 0))
      for (const options of [{}, { allowWideValuesOffset: true }]) {
        const error = expectCodecError(() => encodeCompressedSegmentation(data, shape, block, options), 'table-offset-overflow')
        expect(error.block).toEqual([511, 0, 0])
        expect(error.expected).toBe(2 ** 24)
        expect(error.message).toContain('smaller chunks or smaller blocks')
      }
      // The headers alone pass 2^24 words: fails on the first block, as seung-lab does.
      expectCodecError(() => encodeCompressedSegmentation(new Uint32Array(2 ** 23), [2 ** 23, 1, 1], [1, 1, 1]), 'table-offset-overflow')
    })

    it('keeps encodedValuesOffset below 2^24 by default; allowWideValuesOffset writes 32-bit offsets the decoder reads', () => {
      // The same two labels everywhere: one shared table, so only the values offsets grow.
      const shape: VolumeShape = [600, 2, 1]
      const data = Uint32Array.from({ length: 1200 }, (_, p) => (p < 600 ? 1 : 2))
      const error = expectCodecError(() => encodeCompressedSegmentation(data, shape, block), 'values-offset-overflow')
      expect(error.block).toEqual([512, 0, 0])
      expect(error.message).toContain('allowWideValuesOffset')
      const wide = encodeCompressedSegmentation(data, shape, block, { allowWideValuesOffset: true })
      const w = new Uint32Array(wide.buffer, wide.byteOffset, 4)
      expect(w[1]).toBe(0x01000000 | (1200 + 32768)) // block 0's table, shared by all
      expect(decodeCompressedSegmentation(wide, shape, block, 'uint32')).toEqual(data)
      expect(compressedSegmentationValueAt(wide, shape, block, 'uint32', [599, 1, 0])).toBe(2)
      expect(Array.from(compressedSegmentationLabels(wide, shape, block, 'uint32'))).toEqual([1, 2])
    })
  })

  describe('decoder validation', () => {
    const shape: VolumeShape = [4, 4, 4]
    const block: BlockSize = [2, 2, 2]
    const data = Uint32Array.from({ length: 64 }, (_, p) => [5, 9, 200, 7][p % 4] as number)
    let good: number[] = []
    beforeAll(() => {
      good = words(encodeCompressedSegmentation(data, shape, block))
    })
    const dec = (w: number[] | Uint8Array): Uint32Array => decodeCompressedSegmentation(w instanceof Uint8Array ? w : bytesOfWords(w), shape, block, 'uint32')

    it('accepts the encoder output and rejects each kind of corruption with offsets', () => {
      expect(dec(good)).toEqual(data)
      expectCodecError(() => dec(new Uint8Array(bytesOfWords(good).subarray(0, 4 * good.length - 2))), 'invalid-length')
      expectCodecError(() => decodeCompressedSegmentation(new Uint8Array(0), shape, block, 'uint32'), 'truncated')
      expect(expectCodecError(() => dec([good.length + 1, ...good.slice(1)]), 'invalid-channel-offset')).toMatchObject({ channel: 0, offset: 0, found: good.length + 1 })
      expect(expectCodecError(() => dec(good.slice(0, 10)), 'channel-too-short')).toMatchObject({ expected: 16, found: 9 })
      const bits = [...good]
      bits[1 + 2 * 3] = ((bits[1 + 2 * 3] as number) & 0xffffff) | (3 << 24)
      expect(expectCodecError(() => dec(bits), 'invalid-encoded-bits')).toMatchObject({ block: [1, 1, 0], offset: 4 * (1 + 6), found: 3 })
      const values = [...good]
      values[2] = good.length
      expectCodecError(() => dec(values), 'values-out-of-range')
      const table = [...good]
      table[1] = ((table[1] as number) & 0xff000000) | (good.length + 5)
      expectCodecError(() => dec(table), 'table-out-of-range')
      // Point block 0's table at the last word: 2-bit indices up to 3 then read past the buffer.
      const index = [...good]
      index[1] = ((index[1] as number) & 0xff000000) | (good.length - 2)
      const error = expectCodecError(() => dec(index), 'index-out-of-range')
      expect(error.block).toEqual([0, 0, 0])
      expect(error.message).toMatch(/block \(0, 0, 0\) of channel 0/)
    })

    it('accepts valid streams that are not reference-laid-out (shared tables, tables before values)', () => {
      // Volume [2, 1, 3], blocks [2, 1, 1]: three blocks along z. One table [42, 43] right after the
      // headers, used by all blocks: block 0 (0-bit) at entry 0, block 1 (0-bit) at entry 1 (an
      // offset into the middle of the table), block 2 (1-bit) with its index word after the table.
      const s: VolumeShape = [2, 1, 3]
      const b: BlockSize = [2, 1, 1]
      const w = [1, 6, 9, 7, 6, 0x01000006, 8, 42, 43, 0b10]
      expect(Array.from(decodeCompressedSegmentation(bytesOfWords(w), s, b, 'uint32'))).toEqual([42, 42, 43, 43, 42, 43])
      expect(Array.from(compressedSegmentationLabels(bytesOfWords(w), s, b, 'uint32'))).toEqual([42, 43])
      expect(compressedSegmentationValueAt(bytesOfWords(w), s, b, 'uint32', [1, 0, 2])).toBe(43)
      const remapped = remapCompressedSegmentation(bytesOfWords(w), s, b, 'uint32', new Map([[42, 1], [43, 2]]))
      expect(Array.from(decodeCompressedSegmentation(remapped, s, b, 'uint32'))).toEqual([1, 1, 2, 2, 1, 2])
    })
  })

  describe('fuzz: corrupted streams give CodecErrors or correct-length outputs', () => {
    it('survives thousands of truncations, bit flips and random offsets (seeded)', () => {
      const random = prng(20240601)
      const bases: Array<{ shape: VolumeShape; block: BlockSize; dataType: DataType; bytes: Uint8Array }> = []
      const configs: Array<[VolumeShape, BlockSize, DataType, number]> = [
        [[8, 8, 8], [4, 4, 4], 'uint32', 5],
        [[7, 5, 3, 2], [2, 3, 2], 'uint64', 9],
        [[16, 16, 4], [8, 8, 8], 'uint32', 300],
        [[5, 5, 5], [3, 2, 4], 'uint64', 2],
        [[33, 2, 2], [33, 2, 2], 'uint32', 40],
      ]
      for (const [shape, block, dataType, values] of configs) {
        const total = shape.reduce((a, b) => a * b, 1)
        bases.push({ shape, block, dataType, bytes: encodeCompressedSegmentation(randomVolume(random, total, values, dataType), shape, block) })
      }
      let errors = 0
      let decoded = 0
      for (let n = 0; n < 8000; n++) {
        const base = bases[n % bases.length] as (typeof bases)[number]
        const w = new Uint32Array(base.bytes.slice().buffer)
        let bytes: Uint8Array
        switch (randomInt(random, 5)) {
          case 0: // truncation (any byte length)
            bytes = base.bytes.slice(0, randomInt(random, base.bytes.length + 1))
            break
          case 1: // bit flips
            for (let f = 1 + randomInt(random, 8); f > 0; f--) {
              const i = randomInt(random, w.length)
              w[i] = ((w[i] as number) ^ (1 << randomInt(random, 32))) >>> 0
            }
            bytes = new Uint8Array(w.buffer)
            break
          case 2: // random offsets near the interesting boundaries in headers
            for (let f = 1 + randomInt(random, 3); f > 0; f--) {
              const i = randomInt(random, Math.min(w.length, 40))
              const near = [0, w.length - 1, w.length, w.length + 1, 0xffffff, 0xffffffff, randomInt(random, 2 ** 32)][randomInt(random, 7)] as number
              w[i] = i > 1 && randomInt(random, 2) === 0 ? ((w[i] as number) & 0xff000000) | (near & 0xffffff) : near >>> 0
            }
            bytes = new Uint8Array(w.buffer)
            break
          case 3: // random bit widths
            {
              const i = 1 + 2 * randomInt(random, Math.max(1, Math.floor((w.length - 1) / 2)))
              if (i < w.length) w[i] = (((w[i] as number) & 0xffffff) | (randomInt(random, 64) << 24)) >>> 0
            }
            bytes = new Uint8Array(w.buffer)
            break
          default: // random words anywhere, plus garbage at the end
            for (let f = 1 + randomInt(random, 4); f > 0; f--) w[randomInt(random, w.length)] = randomInt(random, 2 ** 32)
            bytes = new Uint8Array([...new Uint8Array(w.buffer), ...Array.from({ length: randomInt(random, 9) }, () => randomInt(random, 256))])
        }
        const total = base.shape.reduce((a, b) => a * b, 1)
        const ops: Array<() => void> = [
          () => expect(decodeCompressedSegmentation(bytes, base.shape, base.block, base.dataType).length).toBe(total),
          () => compressedSegmentationLabels(bytes, base.shape, base.block, base.dataType),
          () => expect(remapCompressedSegmentation(bytes, base.shape, base.block, base.dataType, new Map([[1, 2]]), { preserveMissing: true }).length).toBe(bytes.length),
          () => compressedSegmentationValueAt(bytes, base.shape, base.block, base.dataType, [randomInt(random, base.shape[0]), randomInt(random, base.shape[1]), randomInt(random, base.shape[2])]),
        ]
        for (const op of ops) {
          try {
            op()
            decoded++
          } catch (e) {
            if (!isCodecError(e)) throw e
            errors++
          }
        }
      }
      expect(errors).toBeGreaterThan(3000)
      expect(decoded).toBeGreaterThan(3000)
    })
  })

  describe('memory', () => {
    it('reuses wasm memory: bounded over 10,000 calls', () => {
      const random = prng(3)
      const a = randomVolume(random, 16 * 16 * 16, 20, 'uint64')
      const b = randomVolume(random, 10 * 10 * 10, 3, 'uint32')
      const warm = (): void => {
        const e = encodeCompressedSegmentation(a, [16, 16, 16], [8, 8, 8])
        decodeCompressedSegmentation(e, [16, 16, 16], [8, 8, 8], 'uint64')
        compressedSegmentationLabels(e, [16, 16, 16], [8, 8, 8], 'uint64')
        remapCompressedSegmentation(e, [16, 16, 16], [8, 8, 8], 'uint64', new Map(), { preserveMissing: true })
        const f = encodeCompressedSegmentation(b, [10, 10, 10], [4, 4, 4])
        decodeCompressedSegmentation(f, [10, 10, 10], [4, 4, 4], 'uint32')
      }
      for (let i = 0; i < 20; i++) warm()
      const after20 = wasmMemoryBytes()
      expect(after20).toBeGreaterThan(0)
      for (let i = 0; i < 10_000 / 5; i++) warm()
      expect(wasmMemoryBytes()).toBe(after20)
    })

    it('returns arrays that stay valid after later calls grow memory', () => {
      const small = encodeCompressedSegmentation(u32(1, 2, 3, 4), [2, 2, 1], [2, 2, 1])
      const decoded = decodeCompressedSegmentation(small, [2, 2, 1], [2, 2, 1], 'uint32')
      const before = wasmMemoryBytes()
      const big = new Uint32Array(96 * 96 * 96).fill(5)
      encodeCompressedSegmentation(big, [96, 96, 96], [96, 96, 96])
      decodeCompressedSegmentation(encodeCompressedSegmentation(big, [96, 96, 96], [8, 8, 8]), [96, 96, 96], [8, 8, 8], 'uint32')
      expect(wasmMemoryBytes()).toBeGreaterThanOrEqual(before)
      expect(Array.from(decoded)).toEqual([1, 2, 3, 4])
      expect(words(small)).toEqual(words(encodeCompressedSegmentation(u32(1, 2, 3, 4), [2, 2, 1], [2, 2, 1])))
    })
  })

  describe('chunk codec registry', () => {
    const all = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float32', 'float64'] as const
    const arrays = {
      uint8: Uint8Array,
      int8: Int8Array,
      uint16: Uint16Array,
      int16: Int16Array,
      uint32: Uint32Array,
      int32: Int32Array,
      uint64: BigUint64Array,
      int64: BigInt64Array,
      float32: Float32Array,
      float64: Float64Array,
    }
    for (const dataType of all) {
      it(`raw ${dataType}: little-endian, x fastest, length checked`, () => {
        const codec = chunkCodec('raw', { dataType, chunkShape: [3, 2, 2], numChannels: 2 })
        expect(codec.length).toBe(24)
        const Ctor = arrays[dataType]
        const array = new Ctor(24)
        const value = (i: number): number | bigint => {
          const n = dataType.startsWith('float') ? i * 0.75 - 3 : dataType.startsWith('u') ? i * 7 : i * 3 - 5
          return dataType === 'uint64' || dataType === 'int64' ? BigInt(n) * 1000000007n : n
        }
        for (let i = 0; i < 24; i++) (array as unknown as Array<number | bigint>)[i] = value(i)
        const bytes = codec.encode(array as never)
        expect(bytes.byteLength).toBe(24 * Ctor.BYTES_PER_ELEMENT)
        expect(codec.decode(bytes)).toEqual(array)
        // Unaligned input is fine.
        const shifted = new Uint8Array(bytes.byteLength + 1)
        shifted.set(bytes, 1)
        expect(codec.decode(shifted.subarray(1))).toEqual(array)
        expect(expectCodecError(() => codec.decode(bytes.subarray(1)), 'invalid-length')).toMatchObject({ expected: bytes.byteLength, found: bytes.byteLength - 1 })
        expectCodecError(() => codec.encode(new Ctor(23) as never), 'invalid-length')
      })
    }

    it('writes raw uint16 little-endian', () => {
      const codec = chunkCodec('raw', { dataType: 'uint16', chunkShape: [2, 1, 1] })
      expect(Array.from(codec.encode(Uint16Array.of(0x0102, 0xa0b0)))).toEqual([2, 1, 0xb0, 0xa0])
      expectCodecError(() => codec.encode(Int16Array.of(1, 2) as never), 'invalid-argument')
    })

    it('compressed_segmentation through the registry', () => {
      const codec = chunkCodec('compressed_segmentation', { dataType: 'uint64', chunkShape: [4, 4, 5], numChannels: 3, blockSize: [2, 2, 2] })
      const data = randomVolume(prng(11), 4 * 4 * 5 * 3, 15, 'uint64') as BigUint64Array
      const bytes = codec.encode(data)
      expect(words(bytes)).toEqual(Array.from(referenceEncode(data, [4, 4, 5, 3], [2, 2, 2])))
      expect(codec.decode(bytes)).toEqual(data)
      expectCodecError(() => chunkCodec('compressed_segmentation', { dataType: 'uint8', chunkShape: [1, 1, 1], blockSize: [1, 1, 1] }), 'unsupported')
      expectCodecError(() => chunkCodec('compressed_segmentation', { dataType: 'uint32', chunkShape: [1, 1, 1] }), 'invalid-argument')
    })

    it('unknown encodings and data types; custom codecs', () => {
      expect(chunkEncodings()).toEqual(expect.arrayContaining(['raw', 'compressed_segmentation']))
      expect(expectCodecError(() => chunkCodec('jpeg', { dataType: 'uint8', chunkShape: [1, 1, 1] }), 'unknown-encoding').message).toContain('raw')
      expectCodecError(() => chunkCodec('raw', { dataType: 'uint128' as 'uint8', chunkShape: [1, 1, 1] }), 'invalid-argument')
      expectCodecError(() => chunkCodec('raw', { dataType: 'uint8', chunkShape: [1, -1, 1] }), 'invalid-argument')
      registerChunkCodec('test-identity', ({ dataType, chunkShape, numChannels }) => ({
        encoding: 'test-identity',
        dataType,
        length: chunkShape[0] * chunkShape[1] * chunkShape[2] * numChannels,
        encode: (a) => new Uint8Array(a.buffer.slice(0)),
        decode: (b) => new Uint8Array(b) as never,
      }))
      expect(chunkCodec('test-identity', { dataType: 'uint8', chunkShape: [2, 1, 1] }).decode(Uint8Array.of(4, 5))).toEqual(Uint8Array.of(4, 5))
    })
  })
}
