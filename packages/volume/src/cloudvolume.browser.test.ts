/**
 * CloudVolume in Chromium against the local deployment's generated volumes over HTTP: a raw
 * (gzip) image layer and a compressed_segmentation (gzip) segmentation, incl. the jpeg mip and
 * the sharded mip; plus writing and reading back a small layer in mem:// (jpeg/png encoders in
 * the browser).
 */
import { describe, expect, inject, it } from 'vitest'
import type { Cutout } from './cloudvolume.js'
import { CloudVolume } from './index.js'

const url = inject('devServerUrl')
const base = `${url}/volumes/minnie_demo`

const at = (c: Cutout, x: number, y: number, z: number): number | bigint => {
  const [sx, sy] = c.shape
  return c.data[x - c.bounds[0][0] + sx * (y - c.bounds[1][0] + sy * (z - c.bounds[2][0]))]!
}

describe('CloudVolume in the browser', () => {
  it('reads a raw image layer and a compressed_segmentation layer over HTTP, and they agree', async () => {
    const em = await CloudVolume.open(`precomputed://${base}/em`)
    const ws = await CloudVolume.open(`precomputed://${base}/ws`)
    expect([em.encoding(0), ws.encoding(0)]).toEqual(['raw', 'compressed_segmentation'])
    const box = [[60, 200], [300, 380], [5, 40]]
    const img = await em.read(box)
    const seg = await ws.read(box)
    expect(img.shape).toEqual([140, 80, 35, 1])
    expect(seg.data).toBeInstanceOf(BigUint64Array)
    let agree = 0
    for (let i = 0; i < img.data.length; i++) agree += Number((seg.data[i] === 0n) === ((img.data[i] as number) < 100))
    expect(agree).toBe(img.data.length)
    const labels = new Set(seg.data as BigUint64Array)
    expect(labels.size).toBeGreaterThan(3)
    expect([...labels].every((l) => l === 0n || l >> 56n === 1n)).toBe(true) // layer-1 ids
  })

  it('reads the jpeg mip and the sharded mip', async () => {
    const em = await CloudVolume.open(`precomputed://${base}/em`)
    const ws = await CloudVolume.open(`precomputed://${base}/ws`)
    const jpeg = await em.read([[10, 74], [20, 84], [0, 2]], { mip: 1 })
    expect(jpeg.resolution).toEqual([16, 16, 40])
    expect(Math.max(...(jpeg.data as Uint8Array))).toBeGreaterThan(120)
    const full = await ws.read([[20, 148], [40, 168], [0, 2]])
    const half = await ws.read([[10, 74], [20, 84], [0, 2]], { mip: 1 })
    expect(ws.isSharded(1)).toBe(true)
    for (let z = 0; z < 2; z++) for (let y = 20; y < 84; y++) for (let x = 10; x < 74; x++) expect(at(half, x, y, z)).toBe(at(full, 2 * x, 2 * y, z))
  })

  it('writes and reads jpeg, png and compressed_segmentation layers in mem://', async () => {
    for (const [encoding, dataType] of [['jpeg', 'uint8'], ['png', 'uint16'], ['compressed_segmentation', 'uint64']] as const) {
      const info = CloudVolume.createNewInfo({ numChannels: 1, layerType: dataType === 'uint64' ? 'segmentation' : 'image', dataType, encoding, resolution: [4, 4, 40], voxelOffset: [0, 0, 0], volumeSize: [64, 64, 8], chunkSize: [32, 32, 8] })
      const vol = await CloudVolume.open(`mem://browser-cv-${encoding}/layer`, { info })
      await vol.commitInfo()
      await vol.write(vol.bounds(), dataType === 'uint64' ? 123456789012345678n : 100)
      const back = await vol.read([[30, 34], [0, 1], [0, 1]])
      expect([...back.data].map((v) => (typeof v === 'bigint' ? v : Math.round(v / 4) * 4))).toEqual(new Array(4).fill(dataType === 'uint64' ? 123456789012345678n : 100))
    }
  })
})
