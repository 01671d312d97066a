/**
 * Interop with CloudVolume's on-disk layout (volumes.md §2.2, §3.2, §6.7): layers built by hand
 * from the spec (not with our writer) are read through `file://`, and layers written by us are
 * checked file by file. Also the real FIB-25 chunk packed as a raw and a compressed_segmentation layer.
 */
import { encodeCompressedSegmentation, init } from '@daf/codec-wasm'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloudVolume } from './cloudvolume.js'
import { isEmptyVolumeException } from './errors.js'
import { firstDifference } from './test-support/volumes.js'

const FIB25 = new URL('../../../../shared/fixtures/fib25-64x64x64-uint64.raw', import.meta.url)

let root: string
beforeAll(async () => {
  await init()
  root = await mkdtemp(join(tmpdir(), 'daf-volume-interop-'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const value = (x: number, y: number, z: number): number => (x * 3 + y * 5 + z * 11) & 255

/** The §2.2 worked example, written as CloudVolume lays it out: info, provenance, `.gz` chunks. */
async function handBuiltLayer(dir: string): Promise<void> {
  await mkdir(join(dir, '8_8_40'), { recursive: true })
  // json.dumps(info, indent=2, sort_keys=True)
  await writeFile(
    join(dir, 'info'),
    `{
  "data_type": "uint8",
  "num_channels": 1,
  "scales": [
    {
      "chunk_sizes": [
        [
          64,
          64,
          16
        ]
      ],
      "encoding": "raw",
      "key": "8_8_40",
      "resolution": [
        8,
        8,
        40
      ],
      "size": [
        150,
        64,
        20
      ],
      "voxel_offset": [
        100,
        200,
        10
      ]
    }
  ],
  "type": "image"
}`,
  )
  await writeFile(join(dir, 'provenance'), '{\n  "description": "hand made",\n  "owners": [],\n  "processing": [],\n  "sources": []\n}')
  for (const [x0, x1] of [[100, 164], [164, 228], [228, 250]] as const) {
    for (const [z0, z1] of [[10, 26], [26, 30]] as const) {
      const [y0, y1] = [200, 264]
      const sx = x1 - x0
      const sy = y1 - y0
      const bytes = new Uint8Array(sx * sy * (z1 - z0))
      for (let z = z0; z < z1; z++)
        for (let y = y0; y < y1; y++)
          for (let x = x0; x < x1; x++) bytes[x - x0 + sx * (y - y0 + sy * (z - z0))] = value(x, y, z)
      await writeFile(join(dir, '8_8_40', `${x0}-${x1}_${y0}-${y1}_${z0}-${z1}.gz`), gzipSync(bytes))
    }
  }
}

describe('reading layers laid out as CloudVolume writes them', () => {
  it('reads the §2.2 worked example from hand-made .gz files', async () => {
    const dir = join(root, 'hand')
    await handBuiltLayer(dir)
    const vol = await CloudVolume.open(`precomputed://file://${dir}`)
    expect(vol.provenance.description).toBe('hand made')
    expect(vol.bounds()).toEqual([[100, 250], [200, 264], [10, 30]])
    const cut = await vol.read([[120, 130], [210, 220], [25, 27]])
    expect(cut.shape).toEqual([10, 10, 2, 1])
    for (let z = 25; z < 27; z++)
      for (let y = 210; y < 220; y++)
        for (let x = 120; x < 130; x++) expect(cut.data[x - 120 + 10 * (y - 210 + 10 * (z - 25))]).toBe(value(x, y, z))
    const all = await vol.read(vol.bounds())
    expect(all.data[149 + 150 * (63 + 64 * 19)]).toBe(value(249, 263, 29))
    expect(all.data.reduce((a, v) => a + v, 0)).toBeGreaterThan(0)
    expect(await vol.exists([[228, 250], [200, 264], [26, 30]])).toEqual({ '8_8_40/228-250_200-264_26-30': true })
    await rm(join(dir, '8_8_40', '228-250_200-264_26-30.gz'))
    const e = await vol.read([[240, 241], [200, 201], [29, 30]]).catch((x: unknown) => x)
    expect(isEmptyVolumeException(e)).toBe(true)
    expect((e as Error).message).toContain('228-250_200-264_26-30')
  })

  it('reads the FIB-25 chunk packed as a raw and as a compressed_segmentation layer', async () => {
    const raw = new Uint8Array(await readFile(FIB25))
    expect(raw.byteLength).toBe(2_097_152)
    expect(createHash('sha256').update(raw).digest('hex')).toBe('ca9b371e0e20bf72488db0733f806ff8886a4207affffe85bb5a0852f1e24c18')
    const labels = new BigUint64Array(raw.buffer.slice(0))
    const cseg = encodeCompressedSegmentation(labels, [64, 64, 64], [8, 8, 8])
    expect(cseg.byteLength).toBe(71_348)
    for (const [name, encoding, bytes] of [['fib-raw', 'raw', raw], ['fib-cseg', 'compressed_segmentation', cseg]] as const) {
      const dir = join(root, name)
      await mkdir(join(dir, '8_8_8'), { recursive: true })
      const info = {
        data_type: 'uint64',
        num_channels: 1,
        scales: [
          {
            chunk_sizes: [[64, 64, 64]],
            encoding,
            key: '8_8_8',
            resolution: [8, 8, 8],
            size: [64, 64, 64],
            voxel_offset: [3000, 3000, 3000],
            ...(encoding === 'compressed_segmentation' ? { compressed_segmentation_block_size: [8, 8, 8] } : {}),
          },
        ],
        type: 'segmentation',
      }
      await writeFile(join(dir, 'info'), JSON.stringify(info, null, 2))
      await writeFile(join(dir, '8_8_8', '3000-3064_3000-3064_3000-3064.gz'), gzipSync(bytes))
      const vol = await CloudVolume.open(`file://${dir}`)
      const cut = await vol.read([[3000, 3064], [3000, 3064], [3000, 3064]])
      expect(firstDifference(cut.data, labels)).toBe(-1)
      const ids = [...new Set(cut.data as BigUint64Array)].sort((a, b) => (a < b ? -1 : 1))
      expect(ids).toHaveLength(52)
      expect([ids[0], ids[51]]).toEqual([534n, 150303n])
      const part = await vol.read([[3010, 3020], [3001, 3003], [3063, 3064]])
      expect(part.data[0]).toBe(labels[10 + 64 * (1 + 64 * 63)])
    }
  })
})

describe('writing layers byte for byte as CloudVolume does', () => {
  it('writes info, provenance and gzip chunk files with CV names and contents', async () => {
    const dir = join(root, 'ours')
    const info = CloudVolume.createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint32', encoding: 'raw', resolution: [4, 4, 40], voxelOffset: [-8, 0, 0], volumeSize: [100, 64, 8], chunkSize: [64, 64, 8] })
    const vol = await CloudVolume.open(`file://${dir}`, { info })
    await vol.commitInfo()
    vol.provenance.description = 'written by @daf/volume'
    vol.provenance.owners.push('someone@example.com')
    await vol.commitProvenance()
    const data = Uint32Array.from({ length: 100 * 64 * 8 }, (_, i) => i)
    await vol.write(vol.bounds(), data)
    expect((await readdir(join(dir, '4_4_40'))).sort()).toEqual(['-8-56_0-64_0-8.gz', '56-92_0-64_0-8.gz'])
    const chunk = gunzipSync(await readFile(join(dir, '4_4_40', '56-92_0-64_0-8.gz')))
    expect(chunk.byteLength).toBe(36 * 64 * 8 * 4)
    expect(new DataView(chunk.buffer, chunk.byteOffset).getUint32(4 * (1 + 36 * 2), true)).toBe(65 + 100 * 2)
    expect(await readFile(join(dir, 'info'), 'utf8')).toBe(
      '{\n  "data_type": "uint32",\n  "num_channels": 1,\n  "scales": [\n    {\n      "chunk_sizes": [\n        [\n          64,\n          64,\n          8\n        ]\n      ],\n      "encoding": "raw",\n      "key": "4_4_40",\n      "resolution": [\n        4,\n        4,\n        40\n      ],\n      "size": [\n        100,\n        64,\n        8\n      ],\n      "voxel_offset": [\n        -8,\n        0,\n        0\n      ]\n    }\n  ],\n  "type": "segmentation"\n}',
    )
    expect(await readFile(join(dir, 'provenance'), 'utf8')).toBe(
      '{\n  "description": "written by @daf/volume",\n  "owners": [\n    "someone@example.com"\n  ],\n  "processing": [],\n  "sources": []\n}',
    )
    // exists/delete see the .gz files through the suffix convention.
    expect(await vol.exists([[-8, 56], [0, 64], [0, 8]])).toEqual({ '4_4_40/-8-56_0-64_0-8': true })
    await vol.delete([[-8, 56], [0, 64], [0, 8]])
    expect(await readdir(join(dir, '4_4_40'))).toEqual(['56-92_0-64_0-8.gz'])
  })

  it('uses mem:// through storageFor as well', async () => {
    const info = CloudVolume.createNewInfo({ numChannels: 1, layerType: 'image', dataType: 'uint8', encoding: 'raw', resolution: [1, 1, 1], voxelOffset: [0, 0, 0], volumeSize: [16, 16, 16], chunkSize: [8, 8, 8] })
    const vol = await CloudVolume.open('mem://interop/layer', { info })
    await vol.commitInfo()
    await vol.write(vol.bounds(), 7)
    const again = await CloudVolume.open('mem://interop/layer')
    expect((await again.read([[0, 16], [0, 16], [0, 16]])).data.every((v) => v === 7)).toBe(true)
  })
})
