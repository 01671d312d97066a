import { describe, expect, it } from 'vitest'
import { isInvalidArgumentError, isScaleUnavailableError, isSpecViolation } from './errors.js'
import { addScale, createNewInfo, formatInfo, resolveMip, scaleDirectory, scaleKeyOf, scaleOf, validateInfo, type VolumeInfo } from './info.js'

// google/neuroglancer testdata/datasource/precomputed/one_channel/info (written by tensorstore).
const ONE_CHANNEL =
  '{"@type":"neuroglancer_multiscale_volume","data_type":"uint16","num_channels":1,"scales":[{"chunk_sizes":[[10,20,30]],"encoding":"raw","key":"3_4_5","resolution":[3.0,4.0,5.0],"size":[10,20,30],"voxel_offset":[0,0,0]},{"chunk_sizes":[[5,10,15]],"encoding":"raw","key":"6_8_10","resolution":[6.0,8.0,10.0],"size":[5,10,15],"voxel_offset":[0,0,0]},{"chunk_sizes":[[3,5,8]],"encoding":"raw","key":"12_16_20","resolution":[12.0,16.0,20.0],"size":[3,5,8],"voxel_offset":[0,0,0]}],"type":"image"}'

const err = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

describe('info parsing and validation (§1)', () => {
  it('parses neuroglancer one_channel fixture', () => {
    const info = validateInfo(JSON.parse(ONE_CHANNEL))
    expect(info.scales.map((s) => s.chunk_sizes[0])).toEqual([[10, 20, 30], [5, 10, 15], [3, 5, 8]])
    const s2 = scaleOf(info, 2)
    expect(s2).toMatchObject({ key: '12_16_20', size: [3, 5, 8], resolution: [12, 16, 20], encoding: 'raw', voxelOffset: [0, 0, 0] })
  })

  it('selects mips by index (negative from the end) or by resolution, numerically', () => {
    const info = validateInfo(JSON.parse(ONE_CHANNEL))
    expect(resolveMip(info, 1)).toBe(1)
    expect(resolveMip(info, -1)).toBe(2)
    expect(resolveMip(info, [6, 8, 10])).toBe(1)
    expect(resolveMip(info, [12.0, 16.0, 20.0])).toBe(2)
    const e = err(() => resolveMip(info, [7, 8, 10])) as Error
    expect(isScaleUnavailableError(e)).toBe(true)
    expect(e.message).toContain('[3, 4, 5]')
    expect(isScaleUnavailableError(err(() => resolveMip(info, 3)))).toBe(true)
    expect(isInvalidArgumentError(err(() => resolveMip(info, 0.5)))).toBe(true)
  })

  it('names the field for bad infos', () => {
    const base = (): VolumeInfo => JSON.parse(ONE_CHANNEL)
    const cases: Array<[(i: VolumeInfo) => void, string]> = [
      [(i) => (i['@type'] = 'x'), '@type'],
      [(i) => (i.data_type = 'complex64'), 'data_type'],
      [(i) => (i.num_channels = 0), 'num_channels'],
      [(i) => (i.scales = []), 'scales'],
      [(i) => (i.scales[1]!.size = [1, 2]), 'scales[1].size'],
      [(i) => (i.scales[1]!.resolution = [1, 1, 1]), 'scales[1].resolution'],
      [(i) => (i.scales[0]!.chunk_sizes = []), 'scales[0].chunk_sizes'],
      [(i) => (i.scales[0]!.key = 'gs://x/y'), 'scales[0].key'],
      [(i) => (i.scales[0]!.encoding = 'compressed_segmentation'), 'scales[0].compressed_segmentation_block_size'],
      [(i) => (i.scales[0]!.sharding = { '@type': 'neuroglancer_uint64_sharded_v1', preshift_bits: 0, hash: 'identity', minishard_bits: 40, shard_bits: 30 }), 'scales[0].sharding'],
    ]
    for (const [mutate, field] of cases) {
      const info = base()
      mutate(info)
      const e = err(() => validateInfo(info)) as { field?: string }
      expect(isSpecViolation(e), field).toBe(true)
      expect(e.field).toBe(field)
    }
    const seg = base()
    seg.type = 'segmentation'
    seg.num_channels = 3
    expect((err(() => validateInfo(seg)) as { field: string }).field).toBe('num_channels')
  })

  it('accepts data_type case-insensitively and keeps unknown fields', () => {
    const info = JSON.parse(ONE_CHANNEL)
    info.data_type = 'UINT16'
    info.scales[0].rois = [[0, 0, 0, 5, 5, 5]]
    info.custom = { nested: [1] }
    const v = validateInfo(info)
    expect(v.custom).toEqual({ nested: [1] })
    expect(formatInfo(v)).toContain('"rois"')
  })

  it('normalises scale keys with . and .. segments and rejects absolute ones', () => {
    expect(scaleDirectory('a/./b/../c')).toBe('a/c')
    expect(scaleDirectory('../other/8_8_40')).toBe('../other/8_8_40')
    expect(() => scaleDirectory('/abs')).toThrow(/relative/)
    expect(() => scaleDirectory('s3://b/k')).toThrow(/relative/)
  })
})

describe('scale keys, createNewInfo, addScale (§1.4, §6.6)', () => {
  it('formats keys as Python str() does', () => {
    expect(scaleKeyOf([4, 4, 40])).toBe('4_4_40')
    expect(scaleKeyOf([4.5, 4.5, 40])).toBe('4.5_4.5_40.0')
  })

  it('createNewInfo matches CV test_create_new_info', () => {
    const info = createNewInfo({
      numChannels: 1,
      layerType: 'segmentation',
      dataType: 'uint64',
      encoding: 'compressed_segmentation',
      resolution: [7, 8, 9],
      voxelOffset: [1, 2, 3],
      volumeSize: [100, 101, 102],
      mesh: true,
      skeletons: 'skel',
      chunkSize: [64, 64, 64],
    })
    expect(info).toEqual({
      num_channels: 1,
      type: 'segmentation',
      data_type: 'uint64',
      mesh: 'mesh',
      skeletons: 'skel',
      scales: [
        {
          encoding: 'compressed_segmentation',
          compressed_segmentation_block_size: [8, 8, 8],
          chunk_sizes: [[64, 64, 64]],
          key: '7_8_9',
          resolution: [7, 8, 9],
          voxel_offset: [1, 2, 3],
          size: [100, 101, 102],
        },
      ],
    })
  })

  it('maxMip adds factor**m scales; addScale computes size, offset, key and replaces same-resolution scales', () => {
    const info = createNewInfo({
      numChannels: 1,
      layerType: 'image',
      dataType: 'uint8',
      encoding: 'jpeg',
      resolution: [4, 4, 40],
      voxelOffset: [3, 5, 7],
      volumeSize: [1001, 1000, 100],
      chunkSize: [128, 128, 16],
      maxMip: 2,
      encodingLevel: 90,
    })
    expect(info.scales.map((s) => s.key)).toEqual(['4_4_40', '8_8_40', '16_16_40'])
    expect(info.scales[0]!.jpeg_quality).toBe(90)
    expect(info.scales[1]).toMatchObject({ size: [501, 500, 100], voxel_offset: [1, 2, 7], chunk_sizes: [[64, 64, 16]], encoding: 'jpeg' })
    expect(info.scales[2]).toMatchObject({ size: [251, 250, 100], voxel_offset: [0, 1, 7] })
    const warnings: string[] = []
    addScale(info, [2, 2, 1], { chunkSize: [32, 32, 32], warn: (m) => warnings.push(m) })
    expect(info.scales).toHaveLength(3)
    expect(info.scales[1]!.chunk_sizes).toEqual([[32, 32, 32]])
    addScale(info, [3, 3, 1], { warn: (m) => warnings.push(m) })
    expect(info.scales[3]!.key).toBe('12_12_40')
    expect(warnings).toHaveLength(1)
  })

  it('formatInfo validates compressed_segmentation scales and formats like CV', () => {
    const info = validateInfo(JSON.parse(ONE_CHANNEL))
    const text = formatInfo(info)
    expect(text.startsWith('{\n  "@type": "neuroglancer_multiscale_volume",\n  "data_type": "uint16",\n  "num_channels": 1,\n  "scales": [\n    {\n      "chunk_sizes": [\n        [\n          10,\n')).toBe(true)
    expect(text.endsWith('\n  ],\n  "type": "image"\n}')).toBe(true)
    info.scales[0]!.encoding = 'compressed_segmentation'
    info.scales[0]!.compressed_segmentation_block_size = [8, 8, 8]
    expect(isSpecViolation(err(() => formatInfo(info)))).toBe(true)
  })
})
