/**
 * ImageryClient on the fake deployment: bounds forms and their errors, image and segmentation
 * cutouts (agglomerated at a timestamp, root filters, masks), image and segmentation on one grid
 * when mips differ (nearest-neighbour resampling), and overlay rendering to pixels and PNG.
 */
import { isInvalidParameterError } from '@daf/services'
import { decode } from 'fast-png'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { boundsToVoxels, parseBounds } from './bounds.js'
import { makeImageryClient } from './imagery.js'
import { overlayImageData, overlayPng, renderOverlay, segmentColor } from './render.js'
import { resample, sourceBox } from './resample.js'
import { MERGE_TIME, imageAt, rootOf, startFakeDeployment, supervoxelAt, writeVolumes, type FakeDeployment } from './test-support/fake-deployment.js'

let dep: FakeDeployment
beforeAll(async () => {
  await writeVolumes()
  dep = startFakeDeployment()
})
afterAll(() => dep.close())
beforeEach(() => {
  dep.seen.length = 0
})

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

describe('bounds', () => {
  it('three ranges, two corners or center + size; converted with floor/ceil', () => {
    const unit: [number, number, number] = [4, 4, 40]
    const to: [number, number, number] = [8, 8, 40]
    expect(boundsToVoxels(parseBounds([[3, 17], [0, 8], [2, 3]]), unit, to)).toEqual([[1, 9], [0, 4], [2, 3]])
    expect(boundsToVoxels(parseBounds([[3, 0, 2], [17, 8, 3]]), unit, to)).toEqual([[1, 9], [0, 4], [2, 3]])
    expect(boundsToVoxels(parseBounds({ center: [40, 40, 5], size: [10, 6] }), unit, to)).toEqual([[15, 25], [17, 23], [5, 6]])
    expect(boundsToVoxels(parseBounds({ center: [41, 40, 5], size: [3, 3, 3] }), unit, to)).toEqual([[19, 22], [19, 22], [4, 7]])
  })

  it('errors: min > max, empty axes, wrong shapes, bad sizes, non-finite values', () => {
    const bad: Array<[unknown, RegExp]> = [
      [[[10, 5], [0, 1], [0, 1]], /axis x has min 10 > max 5/],
      [[[0, 4, 9], [4, 8, 3]], /axis z has min 9 > max 3/],
      [[[0, 4], [2, 2], [0, 1]], /axis y is empty/],
      [[[0, 1], [0, 1]], /must be \[\[x0, x1\]/],
      [{ center: [1, 2, 3], size: [0, 4] }, /size must be/],
      [{ center: [1, 2], size: [4, 4] }, /center must be/],
      [[[0, NaN], [0, 1], [0, 1]], /non-finite/],
      ['0,1,0,1,0,1', /must be/],
    ]
    for (const [b, m] of bad) {
      let error: unknown
      try {
        parseBounds(b)
      } catch (e) {
        error = e
      }
      expect(isInvalidParameterError(error), String(m)).toBe(true)
      expect((error as Error).message).toMatch(m)
    }
  })

  it('the clients refuse bad bounds before any request', async () => {
    const imagery = makeImageryClient(dep.client('graphene_ds'))
    expect(isInvalidParameterError(await rejection(imagery.image([[5, 1], [0, 1], [0, 1]])))).toBe(true)
    expect(isInvalidParameterError(await rejection(imagery.segmentation([[0, 1], [0, 1], [3, 1]])))).toBe(true)
    expect(isInvalidParameterError(await rejection(imagery.imageAndSegmentation({ center: [0, 0, 0], size: [-1, 1] })))).toBe(true)
    expect(dep.seen).toHaveLength(0)
  })
})

describe('cutouts', () => {
  it('image: voxels of the requested mip (or resolution); edges filled with 0', async () => {
    const imagery = makeImageryClient(dep.client('graphene_ds'))
    const cut = await imagery.image([[20, 60], [10, 30], [3, 5]]) // 4 nm units → mip 0 voxels [10, 30) × [5, 15)
    expect(cut.bounds).toEqual([[10, 30], [5, 15], [3, 5]])
    expect(cut.shape).toEqual([20, 10, 2])
    expect(cut.data[0]).toBe(imageAt(10, 5, 3))
    expect(cut.data[19 + 20 * 9 + 200]).toBe(imageAt(29, 14, 4))
    const coarse = await imagery.image({ center: [40, 40, 2], size: [4, 4] }, { resolution: [16, 16, 40] })
    expect(coarse.mip).toBe(1)
    expect(coarse.bounds).toEqual([[8, 12], [8, 12], [2, 3]])
    expect(coarse.data[0]).toBe(imageAt(16, 16, 2))
    const edge = await imagery.image([[-8, 8], [0, 2], [0, 1]], { mip: 0 })
    expect([...edge.data.slice(0, 4)]).toEqual([0, 0, 0, 0])
    expect(edge.data[4]).toBe(imageAt(0, 0, 0))
    await expect(imagery.image([[0, 2], [0, 2], [0, 1]], { resolution: [3, 3, 3] })).rejects.toThrow(/no mip with resolution \[3, 3, 3\]; available: \[8, 8, 40\], \[16, 16, 40\]/)
  })

  it('segmentation: root ids at the timestamp; rootIds filter; masks per root', async () => {
    const imagery = makeImageryClient(dep.client('graphene_ds'), { resolution: [8, 8, 40] })
    const box = [[0, 16], [0, 8], [0, 1]] as const
    const now = await imagery.segmentation(box, { timestamp: MERGE_TIME + 1 })
    expect(now.flat).toBe(false)
    expect(now.timestamp?.getTime()).toBe((MERGE_TIME + 1) * 1000)
    expect(now.data[5]).toBe(rootOf(supervoxelAt(5, 0, 0), MERGE_TIME + 1))
    expect(now.data[15]).toBe(0n) // the zero plane
    const before = await imagery.segmentation(box, { timestamp: MERGE_TIME - 1 })
    expect(before.ids.length).toBe(4) // four supervoxels, each its own root
    expect(now.ids.length).toBe(2) // merged in pairs
    expect(dep.count('/roots_binary')).toBe(2)
    const keep = now.ids[1]!
    const only = await imagery.segmentation(box, { timestamp: MERGE_TIME + 1, rootIds: [keep], split: true })
    expect([...only.ids]).toEqual([keep])
    expect([...only.masks!.keys()]).toEqual([keep])
    const mask = only.masks!.get(keep)!
    expect(mask.reduce((a, b) => a + b, 0)).toBe(only.data.filter((v) => v === keep).length)
    expect([...only.data].every((v) => v === 0n || v === keep)).toBe(true)
    const svs = await imagery.segmentation(box, { agglomerate: false })
    expect(svs.data[5]).toBe(supervoxelAt(5, 0, 0))
    expect(svs.timestamp).toBeUndefined()
  })

  it('flat segmentation: ids as stored (uint32 → bigint), no chunkedgraph', async () => {
    const imagery = makeImageryClient(dep.client('flat_ds'), { resolution: [8, 8, 40] })
    const cut = await imagery.segmentation([[0, 8], [0, 8], [1, 2]], { split: true, includeNull: false })
    expect(cut.flat).toBe(true)
    expect(cut.data[3]).toBe(supervoxelAt(3, 0, 1) & 0xffffffn)
    expect(cut.masks?.size).toBe(cut.ids.length)
    expect(dep.count('/segmentation/')).toBe(0)
  })

  it('imageAndSegmentation: both on the finer grid when the image mip is coarser (nearest neighbour)', async () => {
    const imagery = makeImageryClient(dep.client('graphene_ds'), { resolution: [8, 8, 40], timestamp: MERGE_TIME + 1 })
    const both = await imagery.imageAndSegmentation({ center: [21, 13, 4], size: [9, 7, 2] }, { imageMip: 1, segmentationMip: 0 })
    expect(both.resolution).toEqual([8, 8, 40])
    expect(both.bounds).toEqual([[17, 26], [10, 17], [3, 5]])
    expect(both.image.shape).toEqual([9, 7, 2])
    expect(both.segmentation.shape).toEqual([9, 7, 2])
    for (let z = 0; z < 2; z++)
      for (let y = 0; y < 7; y++)
        for (let x = 0; x < 9; x++) {
          const [X, Y, Z] = [17 + x, 10 + y, 3 + z]
          const i = x + 9 * (y + 7 * z)
          // The image's mip-1 voxel holding (X, Y) is (X >> 1, Y >> 1), whose value is imageAt(2 (X >> 1), 2 (Y >> 1)).
          expect(both.image.data[i]).toBe(imageAt(2 * (X >> 1), 2 * (Y >> 1), Z))
          expect(both.segmentation.data[i]).toBe(rootOf(supervoxelAt(X, Y, Z), MERGE_TIME + 1))
        }
    // Same resolution: no resampling, the boxes are read as asked.
    const other = await imagery.imageAndSegmentation([[16, 20], [8, 10], [0, 1]], { imageMip: 0 })
    expect(other.image.data[1]).toBe(imageAt(17, 8, 0))
    expect(other.image.mip).toBe(0)
    expect(other.segmentation.data[1]).toBe(rootOf(supervoxelAt(17, 8, 0), MERGE_TIME + 1))
  })
})

describe('resampling helpers', () => {
  it('sourceBox covers the output box; resample picks the voxel holding each centre', () => {
    expect(sourceBox([[17, 26], [10, 17], [3, 5]], [8, 8, 40], [16, 16, 40])).toEqual([[8, 13], [5, 9], [3, 5]])
    const src = Uint8Array.from([1, 2, 3, 4]) // 2 × 2 × 1 at 16 nm
    const out = resample(src, [[0, 2], [0, 2], [0, 1]], [16, 16, 40], [[1, 4], [0, 1], [0, 1]], [8, 8, 40], (n) => new Uint8Array(n))
    expect([...out]).toEqual([1, 2, 2])
    expect(resample(src, [[0, 2], [0, 2], [0, 1]], [16, 16, 40], [[0, 2], [0, 2], [0, 1]], [16, 16, 40], (n) => new Uint8Array(n))).toBe(src)
  })
})

describe('overlays', () => {
  it('renders a z-slice: grey image, each id in its own colour blended at alpha; PNG round-trips', async () => {
    const imagery = makeImageryClient(dep.client('graphene_ds'), { resolution: [8, 8, 40], timestamp: MERGE_TIME + 1 })
    const both = await imagery.imageAndSegmentation([[0, 32], [0, 16], [2, 4]])
    const rgba = renderOverlay(both, { z: 3, alpha: 0.5 })
    expect([rgba.width, rgba.height]).toEqual([32, 16])
    const px = (x: number, y: number) => [...rgba.data.slice(4 * (x + 32 * y), 4 * (x + 32 * y) + 4)]
    const g = imageAt(15, 0, 3)
    expect(px(15, 0)).toEqual([g, g, g, 255]) // background (id 0) stays grey
    const id = rootOf(supervoxelAt(3, 2, 3), MERGE_TIME + 1)
    const [r, gg, b] = segmentColor(id)
    const v = imageAt(3, 2, 3)
    const blend = (c: number) => Uint8ClampedArray.of((v + c) / 2)[0]
    expect(px(3, 2)).toEqual([blend(r), blend(gg), blend(b), 255])
    const png = overlayPng(both, { z: 3, alpha: 0.5 })
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10])
    const decoded = decode(png)
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([32, 16, 4])
    expect([...decoded.data]).toEqual([...rgba.data])
    // Custom colours, outlines, the middle slice by default.
    const outline = renderOverlay(both, { outline: true, colors: () => [255, 0, 0] })
    expect(outline.data.some((_, i) => i % 4 === 0 && outline.data[i] === 255 && outline.data[i + 1] === 0)).toBe(true)
    expect(() => renderOverlay(both, { z: 9 })).toThrow(/z must be an integer in \[2, 4\)/)
    expect(() => renderOverlay({ image: both.image, segmentation: { ...both.segmentation, bounds: [[1, 33], [0, 16], [2, 4]] } })).toThrow(/same voxels/)
    expect(() => overlayImageData(both)).toThrow(/ImageData is not available/)
  })

  it('segmentColor is stable and bright', () => {
    expect(segmentColor(864691135217871271n)).toEqual(segmentColor(864691135217871271n))
    expect(segmentColor(1n)).not.toEqual(segmentColor(2n))
    for (const id of [1n, 2n, 3n, 864691135217871271n, 2n ** 64n - 1n]) expect(Math.max(...segmentColor(id))).toBe(255)
  })
})
