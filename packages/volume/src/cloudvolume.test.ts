import { describe, expect, it } from 'vitest'
import { CloudVolume } from './cloudvolume.js'
import {
  isAlignmentError,
  isEmptyRequestException,
  isEmptyVolumeException,
  isInvalidArgumentError,
  isOutOfBoundsError,
  isReadOnlyException,
  isSpecViolation,
  isUnsupportedEncodingError,
  isVolumeError,
  type AlignmentError,
  type EmptyVolumeException,
} from './errors.js'
import { createNewInfo, formatInfo } from './info.js'
import { MapStorage } from './test-support/map-storage.js'
import { arrayOf, at, firstDifference, makeLayer } from './test-support/volumes.js'

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

const label = (x: number, y: number, z: number): number => (x * 7 + y * 13 + z * 29) % 251

describe('reads (§6.3)', () => {
  it('aligned and non-aligned reads return exactly the stored voxels (test_aligned_read, test_non_aligned_read)', async () => {
    const { vol } = await makeLayer({ size: [128, 64, 64], chunk: [32, 32, 16], fill: label })
    for (const box of [
      [[0, 32], [0, 32], [0, 16]],
      [[0, 128], [0, 64], [0, 64]],
      [[3, 70], [5, 41], [2, 33]],
      [[127, 128], [63, 64], [63, 64]],
    ]) {
      const cut = await vol.read(box)
      expect(cut.shape).toEqual([box[0]![1]! - box[0]![0]!, box[1]![1]! - box[1]![0]!, box[2]![1]! - box[2]![0]!, 1])
      expect(cut.bounds).toEqual(box)
      expect(firstDifference(cut.data, arrayOf('uint8', box, 1, label))).toBe(-1)
    }
  })

  it('bounds (test_bounds): offset (100,100,100); [99:…] raises; unbounded [0:228, 0:164, 0:164] fills background', async () => {
    const { vol } = await makeLayer({ size: [128, 64, 64], offset: [100, 100, 100], fill: (x, y, z) => 1 + ((x + y + z) % 200) })
    const e = await rejection(vol.read([[99, 110], [100, 110], [100, 110]]))
    expect(isOutOfBoundsError(e)).toBe(true)
    expect(e.message).toContain('[100:228, 100:164, 100:164]')
    vol.bounded = false
    const cut = await vol.read([[0, 228], [0, 164], [0, 164]])
    expect(cut.shape).toEqual([228, 164, 164, 1])
    expect(at(cut.data, cut.shape, 50, 50, 50)).toBe(0)
    expect(at(cut.data, cut.shape, 100, 100, 100)).toBe(1 + 300 % 200)
    expect(at(cut.data, cut.shape, 227, 163, 163)).toBe(1 + ((227 + 163 + 163) % 200))
  })

  it('missing chunks raise EmptyVolumeException with the chunk box, or read as background with fillMissing (test_fill_missing)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 9 })
    await storage.delete('1_1_1/64-128_0-64_0-64')
    const e = (await rejection(vol.read([[0, 128], [0, 64], [0, 64]]))) as EmptyVolumeException
    expect(isEmptyVolumeException(e)).toBe(true)
    expect(e.chunk).toEqual([[64, 128], [0, 64], [0, 64]])
    expect(e.file).toBe('1_1_1/64-128_0-64_0-64')
    const filled = await vol.read([[0, 128], [0, 64], [0, 64]], { fillMissing: true })
    expect(at(filled.data, filled.shape, 0, 0, 0)).toBe(9)
    expect(at(filled.data, filled.shape, 64, 0, 0)).toBe(0)
    // A zero-byte chunk counts as missing too.
    storage.put('1_1_1/64-128_0-64_0-64', new Uint8Array(0))
    expect(isEmptyVolumeException(await rejection(vol.read([[64, 65], [0, 1], [0, 1]])))).toBe(true)
  })

  it('background colour 1, 1.0 and NaN fill missing and out-of-bounds voxels (test_background_color)', async () => {
    const { vol } = await makeLayer({ size: [64, 64, 64], dataType: 'uint8', options: { fillMissing: true, backgroundColor: 1 } })
    const a = await vol.read([[0, 2], [0, 2], [0, 2]])
    expect([...a.data]).toEqual(new Array(8).fill(1))
    const { vol: f } = await makeLayer({ size: [64, 64, 64], dataType: 'float32', options: { fillMissing: true, bounded: false, backgroundColor: NaN } })
    const b = await f.read([[-1, 1], [0, 1], [0, 1]])
    expect([...b.data].every(Number.isNaN)).toBe(true)
    f.backgroundColor = 1.0
    expect([...(await f.read([[62, 66], [0, 1], [0, 1]])).data]).toEqual([1, 1, 1, 1])
    expect(() => (vol.backgroundColor = 300)).toThrow(/uint8 value/)
  })

  it('autocrop intersects reads with the bounds (test_autocropped_read)', async () => {
    const { vol } = await makeLayer({ size: [64, 64, 64], fill: label, options: { autocrop: true } })
    const cut = await vol.read([[-10, 20], [50, 100], [0, 10]])
    expect(cut.bounds).toEqual([[0, 20], [50, 64], [0, 10]])
    expect(cut.data).toEqual(arrayOf('uint8', cut.bounds, 1, label))
    expect(isEmptyRequestException(await rejection(vol.read([[100, 110], [0, 1], [0, 1]])))).toBe(true)
  })

  it('reads any mip, by index or resolution, and selects channels with a 4th range', async () => {
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 3, layerType: 'image', dataType: 'uint16', encoding: 'raw', resolution: [4, 4, 40], voxelOffset: [0, 0, 0], volumeSize: [40, 30, 20], chunkSize: [16, 16, 8], maxMip: 1 })
    const vol = await CloudVolume.open('map://t/l', { storage, info })
    const f = (x: number, y: number, z: number, c: number): number => x + 100 * y + 1000 * c + z
    await vol.write(vol.bounds(0), arrayOf('uint16', vol.bounds(0), 3, f))
    await vol.write(vol.bounds(1), arrayOf('uint16', vol.bounds(1), 3, (x, y, z, c) => 7 * f(x, y, z, c)), { mip: [8, 8, 40] })
    const one = await vol.read([[1, 19], [2, 14], [3, 19], [1, 3]], { mip: 1 })
    expect(one.shape).toEqual([18, 12, 16, 2])
    expect(one.resolution).toEqual([8, 8, 40])
    expect(one.data).toEqual(arrayOf('uint16', [[1, 19], [2, 14], [3, 19]], 2, (x, y, z, c) => 7 * f(x, y, z, c + 1)))
    expect(vol.shape(-1)).toEqual([20, 15, 20, 3])
    expect(isInvalidArgumentError(await rejection(vol.read([[0, 1], [0, 1], [0, 1], [2, 4]])))).toBe(true)
  })

  it('fetches chunks with bounded concurrency and reports progress', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 128, 32], chunk: [16, 16, 16], fill: () => 3, options: { concurrency: 3 } })
    let inFlight = 0
    let peak = 0
    const get = storage.get.bind(storage)
    storage.get = async (key, o) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, 1))
      try {
        return await get(key, o)
      } finally {
        inFlight--
      }
    }
    const events: number[] = []
    await vol.read(vol.bounds(), { onProgress: (e) => events.push(e.done) })
    expect(peak).toBe(3)
    expect(events).toHaveLength(128)
    expect(events[127]).toBe(128)
  })

  it('aborts: a read with an aborted signal rejects with the reason', async () => {
    const { vol } = await makeLayer({ size: [64, 64, 64], fill: () => 1 })
    const c = new AbortController()
    c.abort(new Error('stop'))
    expect((await rejection(vol.read([[0, 1], [0, 1], [0, 1]], { signal: c.signal }))).message).toBe('stop')
  })

  it('ROIs on scale 0 short-circuit reads that miss them (§1.3)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 5 })
    vol.info.scales[0]!.rois = [[0, 0, 0, 64, 64, 64]]
    storage.log.length = 0
    const miss = await vol.read([[64, 128], [0, 64], [0, 64]])
    expect(storage.log).toEqual([])
    expect(miss.data.every((v) => v === 0)).toBe(true)
    expect((await vol.read([[60, 70], [0, 1], [0, 1]])).data[0]).toBe(5)
  })

  it('an unknown encoding opens, then fails at the first read naming the encoding', async () => {
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint32', encoding: 'compresso', resolution: [1, 1, 1], voxelOffset: [0, 0, 0], volumeSize: [8, 8, 8] })
    storage.putText('info', formatInfo(info))
    const vol = await CloudVolume.open('map://t/l', { storage })
    const e = await rejection(vol.read([[0, 1], [0, 1], [0, 1]]))
    expect(isUnsupportedEncodingError(e)).toBe(true)
    expect(e.message).toContain("'compresso'")
    expect(isUnsupportedEncodingError(await rejection(vol.write([[0, 8], [0, 8], [0, 8]], 0)))).toBe(true)
  })
})

describe('writes (§6.4)', () => {
  it('aligned writes store each chunk with CV names, content type, gzip and cache control (test_write)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: label })
    expect(storage.chunkKeys('1_1_1/')).toEqual(['1_1_1/0-64_0-64_0-64', '1_1_1/64-128_0-64_0-64'])
    const o = storage.objects.get('1_1_1/64-128_0-64_0-64')!
    expect(o).toMatchObject({ contentType: 'application/octet-stream', compress: 'gzip', cacheControl: 'max-age=3600, s-max-age=3600' })
    expect(o.bytes.byteLength).toBe(64 ** 3)
    expect(o.bytes[1]).toBe(label(65, 0, 0))
    expect(storage.objects.get('info')).toMatchObject({ contentType: 'application/json', compress: false, cacheControl: 'no-cache' })
    expect(vol.readOnly).toBe(false)
  })

  it('the last chunk is clipped (test_writer_last_chunk_smaller)', async () => {
    const { storage } = await makeLayer({ size: [100, 64, 64], fill: () => 1 })
    expect(storage.chunkKeys('1_1_1/')).toEqual(['1_1_1/0-64_0-64_0-64', '1_1_1/64-100_0-64_0-64'])
    expect(storage.objects.get('1_1_1/64-100_0-64_0-64')!.bytes.byteLength).toBe(36 * 64 * 64)
  })

  it('non-aligned writes raise AlignmentError naming grid and nearest aligned box (test_non_aligned_write)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 128, 64], offset: [5, 7, 13], fill: () => 4 })
    const before = storage.log.length
    const e = (await rejection(vol.write([[6, 7], [8, 9], [14, 15]], new Uint8Array([9])))) as AlignmentError
    expect(isAlignmentError(e)).toBe(true)
    expect(e.message).toContain('voxel_offset [5, 7, 13]')
    expect(e.message).toContain('chunk size [64, 64, 64]')
    expect(e.message).toContain('[5:69, 7:71, 13:77]')
    expect(e.alignedBox).toEqual([[5, 69], [7, 71], [13, 77]])
    expect(storage.log.length).toBe(before) // no I/O
    vol.nonAlignedWrites = true
    await vol.write([[6, 7], [8, 9], [14, 15]], new Uint8Array([9]))
    const cut = await vol.read([[5, 8], [7, 10], [13, 16]])
    expect([...cut.data]).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 9, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4])
    // Aligned core plus shell: a write spanning chunks keeps the rest of each shell chunk.
    await vol.write([[60, 80], [7, 135], [13, 77]], 2)
    const wide = await vol.read([[55, 90], [7, 8], [13, 14]])
    expect([...wide.data]).toEqual([...new Array(5).fill(4), ...new Array(20).fill(2), ...new Array(10).fill(4)])
  })

  it('overwritePartialChunks needs nonAlignedWrites, then pads edge chunks with background without reading (test_overwrite_partial_chunks)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 4 })
    vol.overwritePartialChunks = true
    expect(isInvalidArgumentError(await rejection(vol.write([[0, 10], [0, 10], [0, 10]], 1)))).toBe(true)
    vol.nonAlignedWrites = true
    storage.log.length = 0
    await vol.write([[0, 10], [0, 10], [0, 10]], 1)
    expect(storage.log.filter((l) => l.startsWith('get'))).toEqual([])
    const cut = await vol.read([[9, 11], [0, 1], [0, 1]])
    expect([...cut.data]).toEqual([1, 0])
  })

  it('autocrop crops writes to the bounds (test_autocropped_write)', async () => {
    const { vol } = await makeLayer({ size: [64, 64, 64], fill: () => 0, options: { autocrop: true } })
    const box = [[-64, 64], [0, 64], [0, 64]]
    await vol.write(box, arrayOf('uint8', box, 1, (x) => (x < 0 ? 200 : 7)))
    const cut = await vol.read([[0, 64], [0, 64], [0, 64]])
    expect(cut.data.every((v) => v === 7)).toBe(true)
  })

  it('writes compressed_segmentation uint64 layers and reads them back (test_write_compressed_segmentation)', async () => {
    const big = (x: number, y: number, z: number): bigint => 864691135217871271n + BigInt((x >> 3) + (y >> 3) * 5 + (z >> 2) * 11)
    const { vol, storage } = await makeLayer({ size: [70, 40, 20], chunk: [32, 32, 16], dataType: 'uint64', encoding: 'compressed_segmentation', fill: big })
    const o = storage.objects.get('1_1_1/64-70_32-40_16-20')!
    expect(o).toMatchObject({ contentType: 'image/x.compressed_segmentation', compress: 'gzip' })
    const cut = await vol.read([[3, 69], [1, 39], [2, 19]])
    expect(firstDifference(cut.data, arrayOf('uint64', [[3, 69], [1, 39], [2, 19]], 1, big))).toBe(-1)
  })

  it('compressed_segmentation chunks decode straight into the cutout: clipped chunks, channel subsets, background outside', async () => {
    const fill = (x: number, y: number, z: number, c: number): number => 1000 * c + ((x >> 2) + (y >> 3) * 7 + (z >> 1) * 13) % 50
    const { vol } = await makeLayer({ size: [50, 37, 21], offset: [-5, 2, 0], chunk: [16, 16, 8], dataType: 'uint32', numChannels: 3, encoding: 'compressed_segmentation', layerType: 'image', fill })
    const box = [[-3, 40], [5, 38], [1, 20]]
    const all = await vol.read(box)
    expect(firstDifference(all.data, arrayOf('uint32', box, 3, fill))).toBe(-1)
    const some = await vol.read([...box, [1, 3]] as never)
    expect(some.shape).toEqual([43, 33, 19, 2])
    expect(firstDifference(some.data, arrayOf('uint32', box, 2, (x, y, z, c) => fill(x, y, z, c + 1)))).toBe(-1)
    vol.bounded = false
    const outside = [[-8, 3], [0, 10], [18, 23]]
    const cut = await vol.read(outside)
    const inside = (x: number, y: number, z: number): boolean => x >= -5 && x < 45 && y >= 2 && y < 39 && z >= 0 && z < 21
    expect(firstDifference(cut.data, arrayOf('uint32', outside, 3, (x, y, z, c) => (inside(x, y, z) ? fill(x, y, z, c) : 0)))).toBe(-1)
  })

  it('negative coordinates upload and download (test_negative_coords_upload_download)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 128, 64], offset: [-64, -64, -64], fill: (x, y, z) => (x + 64 + y + z + 200) % 256 })
    expect(storage.chunkKeys('1_1_1/-64-0_-64-0_-64-0')).toEqual(['1_1_1/-64-0_-64-0_-64-0'])
    const cut = await vol.read([[-10, 10], [-3, 3], [-64, -62]])
    expect(cut.data).toEqual(arrayOf('uint8', cut.bounds, 1, (x, y, z) => (x + 64 + y + z + 200) % 256))
  })

  it('dtype and shape mismatches fail before any I/O (test_setitem_mismatch)', async () => {
    const { vol, storage } = await makeLayer({ size: [64, 64, 64] })
    const n = storage.log.length
    const dtype = await rejection(vol.write([[0, 64], [0, 64], [0, 64]], new Uint16Array(64 ** 3)))
    expect(isInvalidArgumentError(dtype)).toBe(true)
    expect(dtype.message).toContain('uint8')
    expect(dtype.message).toContain('uint16')
    expect(isAlignmentError(await rejection(vol.write([[0, 64], [0, 64], [0, 64]], new Uint8Array(10))))).toBe(true)
    expect(isAlignmentError(await rejection(vol.write([[0, 64], [0, 64], [0, 64]], { data: new Uint8Array(64 ** 3), shape: [64, 64, 32, 2] })))).toBe(true)
    expect(isOutOfBoundsError(await rejection(vol.write([[0, 128], [0, 64], [0, 64]], 1)))).toBe(true)
    expect(storage.log.length).toBe(n)
  })

  it('a failing shell read stores nothing (encode everything, then store)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 4, options: { nonAlignedWrites: true } })
    storage.failing.add('1_1_1/64-128_0-64_0-64')
    storage.log.length = 0
    await expect(vol.write([[0, 100], [0, 64], [0, 64]], 1)).rejects.toThrow(/injected failure/)
    expect(storage.log.filter((l) => l.startsWith('set') || l.startsWith('delete'))).toEqual([])
  })

  it('deleteBlackUploads deletes all-background chunks instead of writing them (test_delete_black_uploads)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 4, options: { deleteBlackUploads: true } })
    await vol.write([[0, 64], [0, 64], [0, 64]], 0)
    expect(storage.chunkKeys('1_1_1/')).toEqual(['1_1_1/64-128_0-64_0-64'])
    vol.backgroundColor = 4
    await vol.write([[64, 128], [0, 64], [0, 64]], 4)
    expect(storage.chunkKeys('1_1_1/')).toEqual([])
  })

  it('cdnCache sets Cache-Control as CV does (test_cdn_cache_control)', async () => {
    const cases: Array<[boolean | number | string | undefined, string]> = [
      [undefined, 'max-age=3600, s-max-age=3600'],
      [true, 'max-age=3600, s-max-age=3600'],
      [1000, 'max-age=1000, s-max-age=1000'],
      [0, 'no-cache'],
      [false, 'no-cache'],
      ['private', 'private'],
    ]
    for (const [cdnCache, expected] of cases) {
      const { vol, storage } = await makeLayer({ size: [64, 64, 64], options: { cdnCache } })
      await vol.write([[0, 64], [0, 64], [0, 64]], 1)
      expect(storage.objects.get('1_1_1/0-64_0-64_0-64')!.cacheControl).toBe(expected)
      expect(storage.objects.get('info')!.cacheControl).toBe('no-cache')
    }
    const { vol } = await makeLayer({ size: [64, 64, 64], options: { cdnCache: -1 } })
    expect(isInvalidArgumentError(await rejection(vol.write([[0, 64], [0, 64], [0, 64]], 1)))).toBe(true)
  })

  it('compress chooses the transport compression (test_compression_methods)', async () => {
    for (const [compress, expected] of [[undefined, 'gzip'], [true, 'gzip'], ['gzip', 'gzip'], ['br', 'br'], [false, false]] as const) {
      const { vol, storage } = await makeLayer({ size: [64, 64, 64], options: { compress } })
      await vol.write([[0, 64], [0, 64], [0, 64]], 1)
      expect(storage.objects.get('1_1_1/0-64_0-64_0-64')!.compress).toBe(expected)
    }
    const { vol, storage } = await makeLayer({ size: [64, 64, 64], encoding: 'png' })
    await vol.write([[0, 64], [0, 64], [0, 64]], 1)
    expect(storage.objects.get('1_1_1/0-64_0-64_0-64')).toMatchObject({ compress: false, contentType: 'image/png' })
  })

  it('locked mips refuse writes and deletes (test_mip_locking)', async () => {
    const { vol, storage } = await makeLayer({ size: [64, 64, 64] })
    await vol.lockMips([0])
    expect(JSON.parse(storage.text('info')!).scales[0].locked).toBe(true)
    expect(isReadOnlyException(await rejection(vol.write([[0, 64], [0, 64], [0, 64]], 1)))).toBe(true)
    expect(isReadOnlyException(await rejection(vol.delete([[0, 64], [0, 64], [0, 64]])))).toBe(true)
    await vol.unlockMips([0])
    expect(JSON.parse(storage.text('info')!).scales[0].locked).toBeUndefined()
    await vol.write([[0, 64], [0, 64], [0, 64]], 1)
  })
})

describe('other operations (§6.5)', () => {
  it('exists and delete use chunk keys (test_exists, test_delete)', async () => {
    const { vol, storage } = await makeLayer({ size: [128, 64, 64], fill: () => 1 })
    expect(await vol.exists([[0, 10], [0, 10], [0, 10]])).toEqual({ '1_1_1/0-64_0-64_0-64': true })
    await vol.delete([[0, 64], [0, 64], [0, 64]])
    expect(await vol.exists([[0, 128], [0, 64], [0, 64]])).toEqual({ '1_1_1/0-64_0-64_0-64': false, '1_1_1/64-128_0-64_0-64': true })
    expect(isAlignmentError(await rejection(vol.delete([[0, 10], [0, 64], [0, 64]])))).toBe(true)
    await vol.delete([[64, 1000], [0, 64], [0, 64]]) // clamped to the bounds first
    expect(storage.chunkKeys('1_1_1/')).toEqual([])
    expect(isOutOfBoundsError(await rejection(vol.exists([[0, 200], [0, 1], [0, 1]])))).toBe(true)
  })

  it('downloadPoint maps a mip-0 point to the mip and centres the box', async () => {
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 1, layerType: 'image', dataType: 'uint8', encoding: 'raw', resolution: [4, 4, 40], voxelOffset: [0, 0, 0], volumeSize: [256, 256, 64], maxMip: 1 })
    const vol = await CloudVolume.open('map://t/l', { storage, info, fillMissing: true })
    const a = await vol.downloadPoint([100, 60, 30], { size: 8 })
    expect(a.bounds).toEqual([[96, 104], [56, 64], [26, 34]])
    const b = await vol.downloadPoint([100, 60, 30], { size: [4, 4, 1], mip: 1 })
    expect(b.bounds).toEqual([[48, 52], [28, 32], [30, 31]])
    const c = await vol.downloadPoint([25, 15, 3], { size: 2, coordResolution: [16, 16, 400] })
    expect(c.bounds).toEqual([[99, 101], [59, 61], [29, 31]])
  })

  it('transferTo copies chunks verbatim, or re-renders with another encoding (test_transfer)', async () => {
    const { vol } = await makeLayer({ size: [128, 64, 64], dataType: 'uint32', fill: (x, y, z) => (x >> 4) + (y >> 4) * 10 + z })
    const same = new MapStorage('map://dest/a')
    const a = await vol.transferTo('map://dest/a', { storage: same })
    expect(same.chunkKeys('1_1_1/')).toEqual(['1_1_1/0-64_0-64_0-64', '1_1_1/64-128_0-64_0-64'])
    expect(firstDifference((await a.read(a.bounds())).data, (await vol.read(vol.bounds())).data)).toBe(-1)
    const other = new MapStorage('map://dest/b')
    const b = await vol.transferTo('map://dest/b', { storage: other, encoding: 'compressed_segmentation', bounds: [[0, 64], [0, 64], [0, 64]] })
    expect(b.encoding()).toBe('compressed_segmentation')
    expect(JSON.parse(other.text('info')!).scales[0].compressed_segmentation_block_size).toEqual([8, 8, 8])
    expect(firstDifference((await b.read([[0, 64], [0, 64], [0, 64]])).data, (await vol.read([[0, 64], [0, 64], [0, 64]])).data)).toBe(-1)
    expect(other.chunkKeys('1_1_1/')).toEqual(['1_1_1/0-64_0-64_0-64'])
  })
})

describe('info, redirects, provenance (§1.3, §6.7, §6.8)', () => {
  it('commitInfo writes CV formatting and keeps unknown fields', async () => {
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 1, layerType: 'image', dataType: 'uint8', encoding: 'raw', resolution: [4.5, 4.5, 40], voxelOffset: [0, 0, 0], volumeSize: [10, 10, 10], chunkSize: [10, 10, 10] })
    ;(info as Record<string, unknown>).extra = { 'ünïcode': 'ok' }
    const vol = await CloudVolume.open('map://t/l', { storage, info })
    await vol.commitInfo()
    expect(storage.text('info')).toBe(
      '{\n  "data_type": "uint8",\n  "extra": {\n    "\\u00fcn\\u00efcode": "ok"\n  },\n  "num_channels": 1,\n  "scales": [\n    {\n      "chunk_sizes": [\n        [\n          10,\n          10,\n          10\n        ]\n      ],\n      "encoding": "raw",\n      "key": "4.5_4.5_40.0",\n      "resolution": [\n        4.5,\n        4.5,\n        40\n      ],\n      "size": [\n        10,\n        10,\n        10\n      ],\n      "voxel_offset": [\n        0,\n        0,\n        0\n      ]\n    }\n  ],\n  "type": "image"\n}',
    )
    const again = await CloudVolume.open('map://t/l', { storage })
    expect(again.info).toEqual(vol.info)
  })

  it('follows redirects, detects cycles and limits, and is read-only afterwards (test_redirects)', async () => {
    const storages = new Map<string, MapStorage>()
    const { vol: base } = await makeLayer({ size: [64, 64, 64], fill: () => 1 })
    const put = (name: string, redirect: string | undefined): void => {
      const s = new MapStorage(name)
      const info = structuredClone(base.info)
      if (redirect) info.redirect = redirect
      s.putText('info', formatInfo(info))
      s.objects.set('1_1_1/0-64_0-64_0-64', base.storage.objects.get('1_1_1/0-64_0-64_0-64')!)
      storages.set(name, s)
    }
    put('mem://r/a', 'mem://r/b')
    put('mem://r/b', 'mem://r/c')
    put('mem://r/c', 'mem://r/c') // self: ends the chain
    const opener = async (path: string, maxRedirects?: number) => {
      // Route every path through the map of storages.
      const { openStorageHook } = await import('./test-support/open-storage-hook.js')
      return openStorageHook(storages, () => CloudVolume.open(path, { maxRedirects }))
    }
    const vol = await opener('mem://r/a')
    expect(vol.cloudpath).toBe('mem://r/c')
    expect(vol.redirectedFrom).toEqual(['mem://r/a', 'mem://r/b'])
    expect(vol.readOnly).toBe(true)
    expect((await vol.read([[0, 1], [0, 1], [0, 1]])).data[0]).toBe(1)
    expect(isReadOnlyException(await rejection(vol.write([[0, 64], [0, 64], [0, 64]], 1)))).toBe(true)
    expect(isReadOnlyException(await rejection(vol.commitInfo()))).toBe(true)
    const limited = await rejection(opener('mem://r/a', 1))
    expect(limited.name).toBe('TooManyRedirects')
    const none = await opener('mem://r/a', 0)
    expect(none.cloudpath).toBe('mem://r/a')
    expect(none.readOnly).toBe(false)
    put('mem://r/c', 'mem://r/a')
    const cyc = await rejection(opener('mem://r/a'))
    expect(cyc.name).toBe('CyclicRedirect')
    expect(cyc.message).toContain('mem://r/a -> mem://r/b -> mem://r/c -> mem://r/a')
  })

  it('provenance: default when absent, lenient JSON5, schema checks, extra keys kept, CV formatting (test_provenance)', async () => {
    const { vol, storage } = await makeLayer({ size: [8, 8, 8], chunk: [8, 8, 8] })
    expect(vol.provenance).toEqual({ description: '', owners: [], processing: [], sources: [] })
    vol.provenance.sources.push('gs://src/layer')
    vol.provenance.processing.push({ method: { task: 'x' }, by: 'me', date: '2024-01-01 00:00 UTC' })
    vol.provenance.note = 'keep me'
    await vol.commitProvenance()
    expect(storage.objects.get('provenance')).toMatchObject({ contentType: 'application/json', cacheControl: 'no-cache', compress: false })
    expect(storage.text('provenance')).toBe(
      '{\n  "description": "",\n  "note": "keep me",\n  "owners": [],\n  "processing": [\n    {\n      "by": "me",\n      "date": "2024-01-01 00:00 UTC",\n      "method": {\n        "task": "x"\n      }\n    }\n  ],\n  "sources": [\n    "gs://src/layer"\n  ]\n}',
    )
    storage.putText('provenance', "{description: 'lenient', sources: ['a',], owners: null, // comment\n}")
    const p = await vol.refreshProvenance()
    expect(p).toEqual({ description: 'lenient', sources: ['a'], owners: [], processing: [] })
    storage.putText('provenance', '{"sources": 3}')
    expect(isSpecViolation(await rejection(vol.refreshProvenance()))).toBe(true)
    storage.putText('provenance', 'not json at all {')
    expect(isSpecViolation(await rejection(vol.refreshProvenance()))).toBe(true)
    const given = await CloudVolume.open('map://t/l', { storage, provenance: '{"description": "given"}' })
    expect(given.provenance.description).toBe('given')
  })

  it('a missing info is InfoUnavailableError; every error is a VolumeError', async () => {
    const e = await rejection(CloudVolume.open('map://t/l', { storage: new MapStorage() }))
    expect(e.name).toBe('InfoUnavailableError')
    expect(isVolumeError(e)).toBe(true)
  })
})

describe('sharded scales (§4, §6.4.6)', () => {
  const sharding = {
    '@type': 'neuroglancer_uint64_sharded_v1' as const,
    preshift_bits: 1,
    hash: 'identity' as const,
    minishard_bits: 1,
    shard_bits: 2,
    minishard_index_encoding: 'gzip' as const,
    data_encoding: 'gzip' as const,
  }
  const value = (x: number, y: number, z: number): bigint => 1n + BigInt((x >> 3) + 10 * (y >> 3) + 100 * (z >> 2))

  async function shardedLayer(options = {}) {
    const storage = new MapStorage()
    const info = createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint64', encoding: 'compressed_segmentation', resolution: [1, 1, 1], voxelOffset: [3, 0, -5], volumeSize: [60, 32, 16], chunkSize: [16, 16, 8] })
    info.scales[0]!.sharding = sharding
    const vol = await CloudVolume.open('map://t/sharded', { storage, info, ...options })
    await vol.commitInfo()
    return { vol, storage }
  }

  it('writes whole shards and reads any box back through the shard indexes', async () => {
    const { vol, storage } = await shardedLayer()
    expect(vol.isSharded()).toBe(true)
    await vol.write(vol.bounds(), arrayOf('uint64', vol.bounds(), 1, value))
    const shards = storage.chunkKeys('1_1_1/')
    expect(shards.every((k) => /^1_1_1\/[0-3]\.shard$/.test(k))).toBe(true)
    expect(storage.objects.get(shards[0]!)).toMatchObject({ compress: false, contentType: 'application/octet-stream' })
    storage.log.length = 0
    const box = [[5, 50], [3, 30], [-4, 10]]
    const cut = await vol.read(box)
    expect(firstDifference(cut.data, arrayOf('uint64', box, 1, value))).toBe(-1)
    expect(storage.log.every((l) => l.startsWith('getRange'))).toBe(true)
    const e = await vol.exists([[3, 19], [0, 16], [-5, 3]])
    expect(Object.entries(e)).toEqual([['1_1_1/0.shard#0', true]])
  })

  it('refuses partial-shard and non-aligned writes before any I/O', async () => {
    const { vol, storage } = await shardedLayer()
    const n = storage.log.length
    const partial = await rejection(vol.write([[3, 19], [0, 16], [-5, 3]], 1n))
    expect(isAlignmentError(partial)).toBe(true)
    expect(partial.message).toMatch(/covers 1 of the \d+ chunks of 1_1_1\/0\.shard/)
    expect(isAlignmentError(await rejection(vol.write([[4, 19], [0, 16], [-5, 3]], 1n)))).toBe(true)
    expect(storage.log.length).toBe(n)
  })

  it('missing chunks in shards follow fillMissing; deleteBlackUploads leaves them out; delete removes whole shards', async () => {
    const { vol, storage } = await shardedLayer({ deleteBlackUploads: true })
    const data = arrayOf('uint64', vol.bounds(), 1, (x, y, z) => (x < 19 && z < 3 ? 0n : value(x, y, z)))
    await vol.write(vol.bounds(), data)
    const e = (await rejection(vol.read([[3, 5], [0, 2], [-5, -3]]))) as EmptyVolumeException
    expect(isEmptyVolumeException(e)).toBe(true)
    expect(e.file).toMatch(/^1_1_1\/[0-3]\.shard#0$/)
    const filled = await vol.read(vol.bounds(), { fillMissing: true })
    expect(firstDifference(filled.data, data)).toBe(-1)
    await vol.delete(vol.bounds())
    expect(storage.chunkKeys('1_1_1/')).toEqual([])
  })
})
