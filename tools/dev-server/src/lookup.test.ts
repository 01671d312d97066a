/**
 * @daf/lookup against the local deployment over real HTTP: supervoxel and root ids of 10,000
 * random points equal the generated ground truth (the painted ws layer read back in full, and the
 * chunkedgraph model's roots now and before the seeded edits), exact request counts from the
 * request log (distinct chunks + ⌈distinct supervoxels / batch⌉), records and Arrow tables,
 * suffixes, a flat segmentation, out-of-bounds points, abort mid-way, and the ImageryClient.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isPointOutOfBoundsError, makeImageryClient, makeLookupClient, overlayPng, type OutOfBoundsReport } from '@daf/lookup'
import { FrameworkClient, type FrameworkClientOptions } from '@daf/services'
import { CloudVolume, type Cutout } from '@daf/volume'
import { Field, FixedSizeList, Float64, Table, makeVector, vectorFromArray } from 'apache-arrow'
import { decode } from 'fast-png'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_DATASTACK, DEV_TOKEN, chunkedGraphModelFor, startDevServer, type DevServer } from './index.js'
import type { ChunkedGraphModel } from './data/chunkedgraph-model.js'
import { LAYERS, generatedVolumes } from './volumes/generate.js'
import { StaticStore } from './volumes/store.js'

const quiet = { warn: () => {}, debug: () => {} }
const N = 10_000

let server: DevServer
let secretsDir: string
let model: ChunkedGraphModel
/** The whole ws layer at mip 0, decoded by CloudVolume straight from the generated objects (no HTTP). */
let truth: Cutout
/** A time after the generation and before the first seeded edit. */
let past: number

beforeAll(async () => {
  server = await startDevServer()
  secretsDir = await mkdtemp(join(tmpdir(), 'daf-lookup-int-'))
  model = chunkedGraphModelFor(server.dataset)
  const volumes = await generatedVolumes(server.dataset.seed)
  const ws = await CloudVolume.open('generated://ws', { storage: new StaticStore('generated://volumes', volumes.objects).layer(LAYERS.ws) })
  truth = await ws.read(ws.bounds(0))
  past = (model.t0 + Math.min(...model.operations.map((o) => o.timestamp))) / 2
}, 120_000)
afterAll(async () => {
  await server.close()
  await rm(secretsDir, { recursive: true, force: true })
})
beforeEach(() => server.faults.clear())

function framework(extra: FrameworkClientOptions = {}) {
  return new FrameworkClient(DEMO_DATASTACK, { serverAddress: server.url, authToken: DEV_TOKEN, secretsDir, writeServerCache: false, logger: quiet, ...extra })
}

const svAt = (x: number, y: number, z: number): bigint => truth.data[x + truth.shape[0] * (y + truth.shape[1] * z)] as bigint

/** `n` points in 4 × 4 × 40 nm voxels (the viewer resolution) inside the 512 × 512 × 64 volume at 8 × 8 × 40 nm. */
function randomPoints(n: number, seed: number): number[][] {
  let s = seed
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
  return Array.from({ length: n }, () => [Math.floor(r() * 1024), Math.floor(r() * 1024), Math.floor(r() * 64)])
}
const svOf = (p: readonly number[]) => svAt(p[0]! >> 1, p[1]! >> 1, p[2]!)
const chunkOf = (p: readonly number[]) => `${p[0]! >> 7}_${p[1]! >> 7}_${p[2]! >> 5}` // 64 × 64 × 32 voxels of 8 nm = 128 × 128 × 32 points
const wsRequests = () => server.requests.filter((r) => r.path.startsWith(`/volumes/${DEMO_DATASTACK}/ws/`))
const rootRequests = () => server.requests.filter((r) => r.path.endsWith('/roots_binary'))

describe('LookupClient against the local deployment', () => {
  it('10,000 random points: supervoxels and roots (now and in the past) equal the ground truth; requests = distinct chunks + ⌈distinct supervoxels / batch⌉', async () => {
    const lookup = makeLookupClient(framework(), { batchSize: 500 })
    await lookup.lookupSupervoxels([[0, 0, 0]]) // opens the segmentation: info record, chunkedgraph info and versions
    const pts = randomPoints(N, 1)
    server.requests.length = 0
    const now = await lookup.lookupPoints(pts)
    const expectedSv = pts.map(svOf)
    expect(now.supervoxelIds).toEqual(BigUint64Array.from(expectedSv))
    expect(now.rootIds).toEqual(model.rootsAt(now.supervoxelIds))
    expect(now.supervoxelIds.filter((v) => v === 0n).length).toBeGreaterThan(0) // membranes
    expect(now.supervoxelIds.filter((v) => v !== 0n).length).toBeGreaterThan(N / 2)

    const chunks = new Set(pts.map(chunkOf)).size
    const distinct = new Set(expectedSv.filter((v) => v !== 0n)).size
    expect(now.stats).toEqual({ points: N, outOfBounds: 0, chunks, distinctSupervoxels: distinct, rootRequests: Math.ceil(distinct / 500) })
    expect(wsRequests()).toHaveLength(chunks)
    expect(new Set(wsRequests().map((r) => r.path)).size).toBe(chunks) // each chunk once
    expect(rootRequests()).toHaveLength(Math.ceil(distinct / 500))
    expect(server.requests).toHaveLength(chunks + Math.ceil(distinct / 500)) // and nothing else
    expect(wsRequests().every((r) => !r.hasAuth)).toBe(true) // storage never gets the token

    server.requests.length = 0
    const then = await lookup.lookupPoints(pts, { timestamp: new Date(past * 1000) })
    expect(then.supervoxelIds).toEqual(now.supervoxelIds)
    expect(then.rootIds).toEqual(model.rootsAt(then.supervoxelIds, past))
    const changed = now.rootIds.filter((r, i) => r !== then.rootIds[i]).length
    expect(changed).toBeGreaterThan(0) // the seeded merges and splits happened after `past`
    expect(then.timestamp?.getTime()).toBe(Math.round(past * 1000))
    expect(rootRequests().map((r) => Number(r.query.timestamp))).toEqual(new Array(Math.ceil(distinct / 500)).fill(Math.round(past * 1000) / 1000))
  }, 60_000)

  it('every supervoxel’s own position holds its id; points in a few chunks cost only those chunks', async () => {
    const lookup = makeLookupClient(framework(), { voxelResolution: [8, 8, 40] })
    const svs = model.supervoxels
    const ids = await lookup.lookupSupervoxels(svs.map((s) => [...s.position]))
    expect(ids).toEqual(BigUint64Array.from(svs, (s) => s.id))
    server.requests.length = 0
    const few = [[1, 2, 3], [60, 60, 30], [70, 5, 5], [127, 127, 31], [64, 64, 32]]
    const r = await lookup.lookupPoints(few)
    expect(r.stats.chunks).toBe(4) // (0,0,0) ×2, (1,0,0), (1,1,0), (1,1,1)
    expect(wsRequests()).toHaveLength(r.stats.chunks)
    expect(r.supervoxelIds).toEqual(BigUint64Array.from(few, (p) => svAt(p[0]!, p[1]!, p[2]!)))
  })

  it('records and Arrow tables with pre/post points, custom suffixes; the input is untouched', async () => {
    const lookup = makeLookupClient(framework())
    const pre = randomPoints(300, 2)
    const post = randomPoints(300, 3)
    const rows = pre.map((p, i) => ({ id: i, pre_pt: p, post_pt: post[i]!, kind: i % 2 ? 'a' : 'b' }))
    const before = structuredClone(rows)
    server.requests.length = 0
    const out = await lookup.lookupDataframe(rows, { pointColumn: ['pre_pt', 'post_pt'], timestamp: past })
    expect(rows).toEqual(before)
    expect(rootRequests()).toHaveLength(1) // both columns in one pass
    expect(Object.keys(out[0]!)).toEqual(['id', 'pre_pt_position', 'pre_pt_supervoxel_id', 'pre_pt_root_id', 'post_pt_position', 'post_pt_supervoxel_id', 'post_pt_root_id', 'kind'])
    out.forEach((row, i) => {
      expect(row.pre_pt_supervoxel_id).toBe(svOf(pre[i]!))
      expect(row.pre_pt_root_id).toBe(model.rootAt(svOf(pre[i]!), past))
      expect(row.post_pt_root_id).toBe(model.rootAt(svOf(post[i]!), past))
    })

    const type = new FixedSizeList(3, new Field('item', new Float64(), false))
    const table = new Table({ id: makeVector(Int32Array.from(pre, (_, i) => i)), pt_position: vectorFromArray(pre, type) })
    const arrow = await lookup.lookupDataframe(table, { pointColumn: 'pt_position', suffixes: { rootId: '_root' } })
    expect(arrow.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int32', 'pt_position:FixedSizeList[3]<Float64>', 'pt_supervoxel_id:Uint64', 'pt_root:Uint64'])
    expect([...arrow.getChild('pt_supervoxel_id')!.toArray()]).toEqual(pre.map(svOf))
    expect([...arrow.getChild('pt_root')!.toArray()]).toEqual(pre.map((p) => model.rootAt(svOf(p))))
  })

  it('a flat (precomputed) segmentation: root = segment id, no supervoxel column, no chunkedgraph request', async () => {
    const lookup = makeLookupClient(framework(), { segmentationSource: `precomputed://${server.url}/volumes/${DEMO_DATASTACK}/ws` })
    const pts = randomPoints(500, 4)
    server.requests.length = 0
    const r = await lookup.lookupPoints(pts)
    expect(r.flat).toBe(true)
    expect(r.rootIds).toEqual(BigUint64Array.from(pts, svOf))
    const out = await lookup.lookupDataframe(pts.slice(0, 5).map((p) => ({ pt: p })), { pointColumn: 'pt' })
    expect(Object.keys(out[0]!)).toEqual(['pt_position', 'pt_root_id'])
    expect(server.requests.filter((q) => q.path.startsWith('/segmentation'))).toHaveLength(0)
  })

  it('points outside the volume get 0 and are reported; strict refuses them before any chunk request', async () => {
    const reports: OutOfBoundsReport[] = []
    const lookup = makeLookupClient(framework(), { onOutOfBounds: (r) => reports.push(r) })
    const pts = [[10, 10, 10], [-1, 10, 10], [1024, 10, 10], [10, 10, 64], [20, 20, 20]]
    const r = await lookup.lookupPoints(pts)
    expect([...r.outOfBounds]).toEqual([1, 2, 3])
    expect([...r.supervoxelIds]).toEqual([svOf(pts[0]!), 0n, 0n, 0n, svOf(pts[4]!)])
    expect(reports[0]?.bounds).toEqual([[0, 512], [0, 512], [0, 64]])
    server.requests.length = 0
    await expect(lookup.lookupPoints(pts, { strict: true })).rejects.toSatisfy(isPointOutOfBoundsError)
    expect(server.requests).toHaveLength(0)
  })

  it('abort mid-way: while chunks download, and while roots are asked', async () => {
    const lookup = makeLookupClient(framework(), { concurrency: 2 })
    await lookup.lookupSupervoxels([[0, 0, 0]])
    const pts = randomPoints(2000, 5)
    const chunks = new Set(pts.map(chunkOf)).size
    server.faults.add({ path: `/volumes/${DEMO_DATASTACK}/ws/`, delayMs: 50 })
    server.requests.length = 0
    const ac = new AbortController()
    const reason = new Error('user cancelled')
    const p = lookup.lookupPoints(pts, { signal: ac.signal, onProgress: (e) => e.phase === 'chunks' && e.done === 3 && ac.abort(reason) })
    await expect(p).rejects.toBe(reason)
    expect(wsRequests().length).toBeLessThan(chunks / 2)
    expect(rootRequests()).toHaveLength(0)

    server.faults.clear()
    server.faults.add({ path: /roots_binary/, delayMs: 2000 })
    const ac2 = new AbortController()
    const started = Date.now()
    const q = lookup.lookupPoints(pts, { signal: ac2.signal, onProgress: (e) => e.phase === 'chunks' && e.done === e.total && setTimeout(() => ac2.abort(reason), 50) })
    await expect(q).rejects.toBe(reason)
    expect(Date.now() - started).toBeLessThan(1900)
  })
})

describe('ImageryClient against the local deployment', () => {
  it('image + segmentation of one box (image at the coarser mip resampled onto the segmentation grid), roots now and in the past, an overlay PNG', async () => {
    const imagery = makeImageryClient(framework(), { resolution: [8, 8, 40] })
    const merge = model.operations.find((o) => o.isMerge && o.undoOf === undefined)!
    const sv = model.supervoxel(merge.sourceIds[0]!)!
    const box = { center: [...sv.position] as [number, number, number], size: [128, 128, 1] as [number, number, number] }
    const both = await imagery.imageAndSegmentation(box, { imageMip: 1, timestamp: past })
    expect(both.resolution).toEqual([8, 8, 40])
    expect(both.image.shape).toEqual([128, 128, 1])
    const [[x0], [y0], [z0]] = both.bounds
    const em = await CloudVolume.open(`precomputed://${server.url}/volumes/${DEMO_DATASTACK}/em`, { bounded: false, fillMissing: true })
    const mip1 = await em.read([[Math.floor(x0 / 2), Math.floor(x0 / 2) + 65], [Math.floor(y0 / 2), Math.floor(y0 / 2) + 65], [z0, z0 + 1]], { mip: 1 })
    const m1 = (x: number, y: number) => mip1.data[x - mip1.bounds[0][0] + mip1.shape[0] * (y - mip1.bounds[1][0])]
    for (let y = 0; y < 128; y += 7) for (let x = 0; x < 128; x += 5) expect(both.image.data[x + 128 * y]).toBe(m1((x0 + x) >> 1, (y0 + y) >> 1))
    for (let y = 0; y < 128; y += 3)
      for (let x = 0; x < 128; x += 3) {
        const X = x0 + x
        const Y = y0 + y
        const inside = X >= 0 && Y >= 0 && X < 512 && Y < 512
        expect(both.segmentation.data[x + 128 * y]).toBe(inside ? model.rootAt(svAt(X, Y, z0), past) : 0n)
      }
    const nowSeg = await imagery.segmentation(box)
    const at = sv.position[0] - x0 + 128 * (sv.position[1] - y0)
    expect(nowSeg.data[at]).toBe(model.rootAt(sv.id))
    expect(both.segmentation.data[at]).toBe(model.rootAt(sv.id, past))
    expect(nowSeg.data[at]).not.toBe(both.segmentation.data[at]) // merged since

    const png = overlayPng(both)
    const img = decode(png)
    expect([img.width, img.height]).toEqual([128, 128])
    expect(png.byteLength).toBeGreaterThan(1000)
  })
})
