/**
 * In Chromium: @daf/lookup against the local deployment — lookupPoints at every supervoxel's own
 * voxel (ids from the chunkedgraph model of the same seed; roots at a time inside the seeded
 * history, so live edits by other browser tests do not matter), a records table, and an overlay of
 * a slice drawn to a canvas (pixels equal renderOverlay's) and encoded as PNG.
 */
import { drawOverlay, makeImageryClient, makeLookupClient, overlayPng, renderOverlay, segmentColor } from '@daf/lookup'
import { FrameworkClient } from '@daf/services'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_DATASTACK } from './constants.js'
import { ChunkedGraphModel } from './data/chunkedgraph-model.js'

const url = inject('devServerUrl')
const token = inject('devServerToken')
const quiet = { warn: () => {}, debug: () => {} }
const framework = () => new FrameworkClient(DEMO_DATASTACK, { serverAddress: url, authToken: token, logger: quiet })

const seeded = new ChunkedGraphModel({ seed: 1 })
/** After the seeded history, long before any live edit. */
const settled = seeded.lastEditTime + 60
const early = seeded.t0 + 60

describe('browser: LookupClient against the local deployment', () => {
  it('lookupPoints at every supervoxel position: supervoxel ids and roots (two timestamps) match the model', async () => {
    const lookup = makeLookupClient(framework(), { voxelResolution: [8, 8, 40] })
    const svs = seeded.supervoxels
    const pts = Int32Array.from(svs.flatMap((s) => [...s.position]))
    const r = await lookup.lookupPoints(pts, { timestamp: settled })
    expect(r.supervoxelIds).toEqual(BigUint64Array.from(svs, (s) => s.id))
    expect(r.rootIds).toEqual(seeded.rootsAt(r.supervoxelIds, settled))
    expect(r.stats.chunks).toBe(new Set(svs.map((s) => s.chunk.join())).size)
    const before = await lookup.lookupPoints(pts, { timestamp: early })
    expect(before.rootIds).toEqual(seeded.rootsAt(r.supervoxelIds, early))
    expect(before.rootIds.some((id, i) => id !== r.rootIds[i])).toBe(true)
  })

  it('lookupDataframe on records in the viewer resolution (4 × 4 × 40 nm by default)', async () => {
    const lookup = makeLookupClient(framework(), { timestamp: settled })
    const rows = seeded.supervoxels.slice(0, 20).map((s, i) => ({ i, pt_position: [2 * s.position[0] + 1, 2 * s.position[1], s.position[2]] }))
    const out = await lookup.lookupDataframe(rows, { pointColumn: 'pt_position' })
    expect(out.map((r) => r.pt_supervoxel_id)).toEqual(seeded.supervoxels.slice(0, 20).map((s) => s.id))
    expect(out.map((r) => r.pt_root_id)).toEqual(seeded.supervoxels.slice(0, 20).map((s) => seeded.rootAt(s.id, settled)))
  })
})

describe('browser: ImageryClient overlay', () => {
  it('draws a slice with the segmentation overlay onto a canvas and encodes a PNG', async () => {
    const imagery = makeImageryClient(framework(), { resolution: [8, 8, 40], timestamp: settled })
    const sv = seeded.supervoxels[0]!
    const both = await imagery.imageAndSegmentation({ center: [...sv.position] as [number, number, number], size: [96, 64] }, { imageMip: 1 })
    const canvas = document.createElement('canvas')
    const drawn = drawOverlay(canvas, both, { alpha: 0.5 })
    expect([canvas.width, canvas.height]).toEqual([96, 64])
    const read = canvas.getContext('2d')!.getImageData(0, 0, 96, 64)
    const expected = renderOverlay(both, { alpha: 0.5 })
    expect(read.data).toEqual(expected.data)
    expect(drawn.data).toEqual(expected.data)
    // The supervoxel's own voxel is tinted with its root's colour.
    const [[x0], [y0]] = both.bounds
    const i = sv.position[0] - x0 + 96 * (sv.position[1] - y0)
    const root = seeded.rootAt(sv.id, settled)
    expect(both.segmentation.data[i]).toBe(root)
    const [r] = segmentColor(root)
    const grey = Number(both.image.data[i])
    expect(read.data[4 * i]).toBe(Uint8ClampedArray.of((grey + r) / 2)[0])
    const png = overlayPng(both, { alpha: 0.5 })
    expect([...png.subarray(1, 4)]).toEqual([80, 78, 71]) // "PNG"
    const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }))
    expect([bitmap.width, bitmap.height]).toEqual([96, 64])
  })
})
