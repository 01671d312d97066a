// Node, own file (so its codec instance and WebAssembly memory start fresh): a row of chunks whose
// encoded bytes pass MAX_ROW_INPUT_BYTES (16 MiB) decodes in several runs, correctly, without
// ever holding the whole row's input in WebAssembly memory (which never shrinks).
import { beforeAll, expect, it } from 'vitest'
import { decodeCompressedSegmentationChunks, encodeCompressedSegmentation, init, wasmMemoryBytes } from './index.js'
import { prng, randomVolume } from './test/util.js'

beforeAll(() => init())

it('a row of 12 chunks with 28 MiB of encoded bytes is split below 16 MiB of input and lands exactly', () => {
  const random = prng(2026)
  const n = 12
  const X = 64 * n
  // Nearly every voxel of a block distinct: tables as big as the voxels, ~2.4 MiB per chunk.
  const chunks = Array.from({ length: n }, () => randomVolume(random, 64 ** 3, 1 << 20, 'uint64') as BigUint64Array)
  const encoded = chunks.map((c) => encodeCompressedSegmentation(c, [64, 64, 64], [8, 8, 8]))
  const total = encoded.reduce((s, e) => s + e.byteLength, 0)
  expect(total).toBeGreaterThan(24 * 1024 * 1024)
  const out = new BigUint64Array(X * 64 * 64)
  decodeCompressedSegmentationChunks(
    encoded.map((e, i) => ({ encoded: e, shape: [64, 64, 64], outOffset: [64 * i, 0, 0] })),
    [8, 8, 8],
    'uint64',
    { out, outShape: [X, 64, 64] },
  )
  // Less memory than the row's input: it was never all in WebAssembly memory at once.
  expect(wasmMemoryBytes()).toBeLessThan(total)
  let bad = -1
  for (let z = 0; z < 64 && bad < 0; z++)
    for (let y = 0; y < 64 && bad < 0; y++)
      for (let x = 0; x < X; x++) {
        if (out[x + X * (y + 64 * z)] !== chunks[x >> 6]![(x & 63) + 64 * (y + 64 * z)]) {
          bad = x + X * (y + 64 * z)
          break
        }
      }
  expect(bad).toBe(-1)
})
