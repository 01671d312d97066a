// CloudVolume.fetchChunks / chunkFormat: chunk-level access for point lookups (@daf/lookup).
import { compressedSegmentationValueAt, init } from '@daf/codec-wasm'
import { describe, expect, it } from 'vitest'
import { boxShape, type Vec3 } from './box.js'
import { CloudVolume, type StoredChunk } from './cloudvolume.js'
import { decodeChunkBytes } from './encodings.js'
import { isInvalidArgumentError } from './errors.js'
import { createNewInfo } from './info.js'
import { MapStorage } from './test-support/map-storage.js'
import { arrayOf, makeLayer } from './test-support/volumes.js'

const value = (x: number, y: number, z: number): bigint => 1n + BigInt((x >> 2) + 100 * (y >> 3) + 10_000 * z)

describe('CloudVolume.fetchChunks', () => {
  it('hands out each requested chunk once, with its clipped box and stored bytes (unsharded, raw)', async () => {
    const fill = (x: number, y: number, z: number) => (x + 3 * y + 7 * z) % 256
    const { vol, storage } = await makeLayer({ size: [40, 20, 10], chunk: [16, 16, 8], offset: [5, 0, -2], fill })
    storage.log.length = 0
    const got: StoredChunk[] = []
    await vol.fetchChunks([[2, 1, 1], [0, 0, 0]], (c) => got.push(c))
    expect(storage.log.length).toBe(2)
    got.sort((a, b) => a.grid[0] - b.grid[0])
    expect(got.map((c) => c.box)).toEqual([
      [[5, 21], [0, 16], [-2, 6]],
      [[37, 45], [16, 20], [6, 8]],
    ])
    expect(got[1]!.key).toBe('1_1_1/37-45_16-20_6-8')
    const c = got[1]!
    const decoded = decodeChunkBytes(vol.chunkFormat(), c.bytes!, boxShape(c.box), c.key)
    expect(decoded).toEqual(arrayOf('uint8', c.box, 1, fill))
  })

  it('reads sharded scales through the shard index; values can be read in place from compressed_segmentation', async () => {
    await init()
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint64', encoding: 'compressed_segmentation', resolution: [1, 1, 1], voxelOffset: [0, 0, 0], volumeSize: [32, 32, 16], chunkSize: [16, 16, 8] })
    info.scales[0]!.sharding = { '@type': 'neuroglancer_uint64_sharded_v1', preshift_bits: 1, hash: 'identity', minishard_bits: 1, shard_bits: 1, minishard_index_encoding: 'gzip', data_encoding: 'gzip' }
    const vol = await CloudVolume.open('map://t/sharded', { storage, info })
    await vol.write(vol.bounds(), arrayOf('uint64', vol.bounds(), 1, value))
    const cells: Vec3[] = [[1, 0, 1], [0, 1, 0]]
    const seen: StoredChunk[] = []
    await vol.fetchChunks(cells, (c) => seen.push(c))
    expect(seen).toHaveLength(2)
    for (const c of seen) {
      const [x0, y0, z0] = [c.box[0][0], c.box[1][0], c.box[2][0]]
      const v = compressedSegmentationValueAt(c.bytes!, boxShape(c.box), vol.scale().blockSize!, 'uint64', [3, 5, 2])
      expect(v).toBe(value(x0 + 3, y0 + 5, z0 + 2))
    }
  })

  it('reports missing chunks as undefined bytes and refuses cells off the grid before any I/O', async () => {
    const { vol, storage } = await makeLayer({ size: [32, 16, 8], chunk: [16, 16, 8] })
    const got: StoredChunk[] = []
    await vol.fetchChunks([[1, 0, 0]], (c) => got.push(c))
    expect(got[0]!.bytes).toBeUndefined()
    const n = storage.log.length
    await expect(vol.fetchChunks([[2, 0, 0]], () => {})).rejects.toSatisfy(isInvalidArgumentError)
    await expect(vol.fetchChunks([[0.5, 0, 0]], () => {})).rejects.toSatisfy(isInvalidArgumentError)
    expect(storage.log.length).toBe(n)
  })

  it('stops on abort', async () => {
    const { vol } = await makeLayer({ size: [64, 64, 8], chunk: [16, 16, 8], fill: () => 1 })
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(vol.fetchChunks([[0, 0, 0]], () => {}, { signal: ac.signal })).rejects.toThrow('stop')
  })
})
