// Large compressed_segmentation cutouts (≥ 16 MiB): in Node their pages are zeroed on the libuv
// pool band by band (PageGate + #zero-fill) and each row of the chunk grid decodes in one call
// (ChunkRows + decodeCompressedSegmentationChunks). These check the voxels, not the speed.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CloudVolume } from './cloudvolume.js'
import { isDecodeError, isEmptyVolumeException } from './errors.js'
import { createNewInfo } from './info.js'
import { MapStorage } from './test-support/map-storage.js'
import { arrayOf, firstDifference } from './test-support/volumes.js'

// Count the bands the real zeroFill is given (it still zeroes them).
const zeroed = vi.hoisted(() => ({ calls: 0, bytes: 0 }))
vi.mock('#zero-fill', async (importOriginal) => {
  const real = (await importOriginal()) as typeof import('./zero-fill-node.js')
  return {
    zeroFill: async (views: Uint8Array[]) => {
      zeroed.calls++
      zeroed.bytes += views.reduce((n, v) => n + v.byteLength, 0)
      return real.zeroFill!(views)
    },
  }
})

// 256 x 192 x 64 uint64 in 64 x 64 x 32 chunks: a 4 x 3 x 2 chunk grid, 24 MiB whole.
const SIZE: [number, number, number] = [256, 192, 64]
const CHUNK: [number, number, number] = [64, 64, 32]
const OFFSET: [number, number, number] = [-32, 16, 8]
// Ids above 2^53, varying inside every 8³ block and across chunks.
const value = (x: number, y: number, z: number): bigint => 864691135217871271n + BigInt(((x >> 1) * 31 + (y >> 2) * 17 + z * 7) % 97)

async function layer(sharded: boolean): Promise<{ vol: CloudVolume; storage: MapStorage }> {
  const storage = new MapStorage()
  const info = createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint64', encoding: 'compressed_segmentation', resolution: [8, 8, 40], voxelOffset: OFFSET, volumeSize: SIZE, chunkSize: CHUNK })
  if (sharded) {
    info.scales[0]!.sharding = { '@type': 'neuroglancer_uint64_sharded_v1', preshift_bits: 0, hash: 'identity', minishard_bits: 1, shard_bits: 1, minishard_index_encoding: 'gzip', data_encoding: 'gzip' }
  }
  const vol = await CloudVolume.open('map://big/layer', { storage, info, concurrency: 5 })
  await vol.commitInfo()
  await vol.write(vol.bounds(), arrayOf('uint64', vol.bounds(), 1, value))
  return { vol, storage }
}

beforeEach(() => {
  zeroed.calls = 0
  zeroed.bytes = 0
})

describe('large compressed_segmentation cutouts', () => {
  for (const sharded of [false, true]) {
    it(`whole layer${sharded ? ' (sharded)' : ''}: every voxel, with the pages zeroed off the main thread band by band`, async () => {
      const { vol } = await layer(sharded)
      const box = vol.bounds()
      const cut = await vol.read(box)
      expect(cut.data.byteLength).toBe(24 * 1024 * 1024)
      expect(firstDifference(cut.data, arrayOf('uint64', box, 1, value))).toBe(-1)
      // Bands are (y band, z slab) cells of the chunk grid across the whole width: 4 MiB each. A
      // band whose chunk arrives before the pool got to it is touched on the main thread instead.
      const band = 256 * 64 * 32 * 8
      expect(zeroed.calls).toBeGreaterThan(0)
      expect(zeroed.calls).toBeLessThanOrEqual(3 * 2)
      expect(zeroed.bytes).toBe(zeroed.calls * band)
    })
  }

  it('a clipped box inside an unbounded read: rows of clipped chunks in place, background outside', async () => {
    const { vol } = await layer(false)
    vol.bounded = false
    const box = [[-40, 200], [0, 150], [10, 72]]
    const cut = await vol.read(box)
    expect(cut.data.byteLength).toBeGreaterThanOrEqual(16 * 1024 * 1024)
    const inside = (x: number, y: number, z: number): boolean => x >= -32 && x < 224 && y >= 16 && y < 208 && z >= 8 && z < 72
    expect(firstDifference(cut.data, arrayOf('uint64', box, 1, (x, y, z) => (inside(x, y, z) ? value(x, y, z) : 0n)))).toBe(-1)
    expect(zeroed.calls).toBeGreaterThan(0)
  })

  it('missing chunks: EmptyVolumeException, or background in their place with fillMissing (the rest of their row still decodes)', async () => {
    const { vol, storage } = await layer(false)
    const missing = [...storage.objects.keys()].find((k) => k.endsWith('/96-160_80-144_40-72'))!
    expect(missing).toBeDefined()
    storage.objects.delete(missing)
    const error = await vol.read(vol.bounds()).catch((e: unknown) => e)
    expect(isEmptyVolumeException(error)).toBe(true)
    const cut = await vol.read(vol.bounds(), { fillMissing: true })
    const gone = (x: number, y: number, z: number): boolean => x >= 96 && x < 160 && y >= 80 && y < 144 && z >= 40 && z < 72
    expect(firstDifference(cut.data, arrayOf('uint64', vol.bounds(), 1, (x, y, z) => (gone(x, y, z) ? 0n : value(x, y, z))))).toBe(-1)
  })

  it('a corrupt chunk fails the read with a DecodeError naming its file', async () => {
    const { vol, storage } = await layer(false)
    const key = [...storage.objects.keys()].find((k) => k.endsWith('/32-96_16-80_8-40'))!
    const stored = storage.objects.get(key)!
    storage.objects.set(key, { ...stored, bytes: stored.bytes.subarray(0, 64) })
    const error = await vol.read(vol.bounds()).catch((e: unknown) => e)
    expect(isDecodeError(error)).toBe(true)
    expect((error as Error).message).toContain('32-96_16-80_8-40')
  })

  it('a non-zero background fills the output on the main thread (no zeroing) and reads the same voxels', async () => {
    const { storage } = await layer(false)
    const vol = await CloudVolume.open('map://big/layer', { storage, backgroundColor: 5, bounded: false })
    const box = [[-40, 224], [16, 208], [8, 72]]
    const cut = await vol.read(box)
    expect(firstDifference(cut.data, arrayOf('uint64', box, 1, (x, y, z) => (x < -32 ? 5n : value(x, y, z))))).toBe(-1)
    expect(zeroed.calls).toBe(0)
  })
})
