/**
 * LookupClient against a fake deployment (msw: info + chunkedgraph; mem:// volumes): ids, point
 * shapes, resolution conversion, request counts, out-of-bounds handling, errors before any request,
 * flat segmentations, abort.
 */
import { isInvalidParameterError } from '@daf/services'
import { isEmptyVolumeException } from '@daf/volume'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isPointOutOfBoundsError, type PointOutOfBoundsError } from './errors.js'
import { makeLookupClient, type OutOfBoundsReport } from './lookup.js'
import { normalizePoints, toVoxels } from './points.js'
import { CHUNK, MERGE_TIME, SIZE, TABLE, rootOf, startFakeDeployment, supervoxelAt, writeVolumes, type FakeDeployment } from './test-support/fake-deployment.js'

let dep: FakeDeployment
beforeAll(async () => {
  await writeVolumes()
  dep = startFakeDeployment()
})
afterAll(() => dep.close())
beforeEach(() => {
  dep.seen.length = 0
})

/** Deterministic random points (voxels at 4 × 4 × 40 nm, i.e. x and y twice the segmentation's). */
function randomPoints(n: number, seed = 7): number[][] {
  let s = seed
  const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32)
  return Array.from({ length: n }, () => [Math.floor(r() * SIZE[0] * 2), Math.floor(r() * SIZE[1] * 2), Math.floor(r() * SIZE[2])])
}

const svOf = (p: number[]) => supervoxelAt(Math.floor(p[0]! / 2), Math.floor(p[1]! / 2), p[2]!)
const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

describe('lookupSupervoxels', () => {
  it('reads the supervoxel at every point (4 × 4 × 40 nm points → 8 × 8 × 40 nm voxels, floor)', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'))
    const pts = randomPoints(500)
    const ids = await lookup.lookupSupervoxels(pts)
    expect(ids).toBeInstanceOf(BigUint64Array)
    expect([...ids]).toEqual(pts.map(svOf))
    expect(ids.some((v) => v === 0n)).toBe(true) // background voxels are 0
  })

  it('accepts [[x, y, z]], flat Float64Array / Int32Array triples and { x, y, z } columns alike', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'))
    const pts = randomPoints(50, 3)
    const expected = pts.map(svOf)
    const flat = Float64Array.from(pts.flat())
    expect([...(await lookup.lookupSupervoxels(flat))]).toEqual(expected)
    expect([...(await lookup.lookupSupervoxels(Int32Array.from(pts.flat())))]).toEqual(expected)
    const cols = { x: pts.map((p) => p[0]!), y: pts.map((p) => p[1]!), z: Float32Array.from(pts, (p) => p[2]!) }
    expect([...(await lookup.lookupSupervoxels(cols))]).toEqual(expected)
    expect([...(await lookup.lookupSupervoxels(pts.map((p) => Int32Array.from(p))))]).toEqual(expected)
  })

  it('converts from voxelResolution with floor; fractional coordinates are floored too', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { voxelResolution: [1, 1, 1] })
    // 8 nm voxels: nm 0..7 → voxel 0, 8 → 1; 40 nm z.
    const ids = await lookup.lookupSupervoxels([
      [31.9, 0, 0],
      [32, 0, 0],
      [63.999, 64, 159.9],
      [64, 64, 160],
    ])
    expect([...ids]).toEqual([supervoxelAt(3, 0, 0), supervoxelAt(4, 0, 0), supervoxelAt(7, 8, 3), supervoxelAt(8, 8, 4)])
    expect([...toVoxels(Float64Array.from([-0.5, 7.99, 8]), [1, 1, 1], [8, 8, 8])]).toEqual([-1, 0, 1])
    // Per call: points already in segmentation voxels.
    const same = await lookup.lookupSupervoxels([[5, 9, 3]], { voxelResolution: [8, 8, 40] })
    expect(same[0]).toBe(supervoxelAt(5, 9, 3))
  })

  it('fetches each needed chunk once and reads nothing else', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { voxelResolution: [8, 8, 40] })
    await lookup.lookupSupervoxels([[0, 0, 0]]) // opens the segmentation (info requests)
    // Points in 3 distinct chunks, many per chunk.
    const pts: number[][] = []
    for (let i = 0; i < 30; i++) pts.push([i % 16, (i * 7) % 16, i % 8], [16 + (i % 16), 0, 8 + (i % 8)], [48 + (i % 16), 32 + (i % 16), 0])
    const result = await lookup.lookupPoints(pts)
    expect(result.stats.chunks).toBe(3)
    expect(result.stats.points).toBe(90)
    const distinct = new Set([...result.supervoxelIds].filter((v) => v !== 0n)).size
    expect(result.stats.distinctSupervoxels).toBe(distinct)
    expect(result.stats.rootRequests).toBe(1)
  })
})

describe('lookupRootIds and lookupPoints', () => {
  it('maps supervoxels to roots at the timestamp, deduplicated, 0 kept and not sent', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'))
    const sv = [supervoxelAt(0, 0, 0), 0n, supervoxelAt(4, 0, 0), supervoxelAt(0, 0, 0), supervoxelAt(4, 0, 0)]
    const before = await lookup.lookupRootIds(sv, { timestamp: MERGE_TIME - 100 })
    expect([...before]).toEqual(sv.map((s) => rootOf(s, MERGE_TIME - 100)))
    const calls = dep.seen.filter((s) => s.url.pathname.endsWith('/roots_binary'))
    expect(calls).toHaveLength(1)
    expect(calls[0]!.body.byteLength).toBe(2 * 8) // two distinct non-zero ids
    expect(Number(calls[0]!.url.searchParams.get('timestamp'))).toBe(MERGE_TIME - 100)
    const after = await lookup.lookupRootIds(BigUint64Array.from(sv), { timestamp: new Date((MERGE_TIME + 5) * 1000) })
    expect([...after]).toEqual(sv.map((s) => rootOf(s, MERGE_TIME + 5)))
    expect(after[2]).not.toBe(before[2]) // an odd supervoxel: merged into its even neighbour's root
    expect(after[2]).toBe(after[0])
  })

  it('lookupPoints: supervoxels and roots in one pass; the timestamp is reported; batches of batchSize', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { batchSize: 10, timestamp: MERGE_TIME + 1 })
    const pts = randomPoints(300, 11)
    const r = await lookup.lookupPoints(pts)
    expect([...r.supervoxelIds]).toEqual(pts.map(svOf))
    expect([...r.rootIds]).toEqual(pts.map((p) => rootOf(svOf(p), MERGE_TIME + 1)))
    expect(r.timestamp?.getTime()).toBe((MERGE_TIME + 1) * 1000)
    expect(r.flat).toBe(false)
    expect(r.stats.rootRequests).toBe(Math.ceil(r.stats.distinctSupervoxels / 10))
    expect(dep.count('/roots_binary')).toBe(r.stats.rootRequests)
    const old = await lookup.lookupPoints(pts, { timestamp: MERGE_TIME - 1 })
    expect([...old.rootIds]).toEqual(pts.map((p) => rootOf(svOf(p), MERGE_TIME - 1)))
  })
})

describe('points outside the volume', () => {
  const inside = [2, 2, 2]
  const outside = [[-1, 0, 0], [0, SIZE[1] * 2, 0], [0, 0, SIZE[2]]]

  it('get id 0 and are reported (logger warning by default, or onOutOfBounds)', async () => {
    const warnings: string[] = []
    const lookup = makeLookupClient(dep.client('graphene_ds', { logger: { warn: (m) => void warnings.push(m) } }))
    const r = await lookup.lookupPoints([inside, ...outside, inside])
    expect([...r.outOfBounds]).toEqual([1, 2, 3])
    expect([...r.supervoxelIds]).toEqual([svOf(inside), 0n, 0n, 0n, svOf(inside)])
    expect(r.rootIds[1]).toBe(0n)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/3 of 5 points \(1, 2, 3\) lie outside the segmentation volume \[0:64, 0:48, 0:16\] at mip 0/)
    const reports: OutOfBoundsReport[] = []
    await lookup.lookupSupervoxels(outside, { onOutOfBounds: (rep) => reports.push(rep) })
    expect(reports.map((x) => [...x.indices])).toEqual([[0, 1, 2]])
    expect(warnings).toHaveLength(1)
  })

  it('strict: PointOutOfBoundsError before any chunk or chunkedgraph request', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { strict: true })
    await lookup.lookupPoints([inside]) // warm: info records
    dep.seen.length = 0
    const e = await rejection(lookup.lookupPoints([inside, ...outside]))
    expect(isPointOutOfBoundsError(e)).toBe(true)
    expect(isInvalidParameterError(e)).toBe(true)
    expect([...(e as PointOutOfBoundsError).indices]).toEqual([1, 2, 3])
    expect(e.message).toContain('points 1, 2, 3')
    expect(dep.seen).toHaveLength(0)
  })
})

describe('errors before any request', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['mismatched columns', { x: [1, 2], y: [1], z: [1, 2] }, /same length, got 2, 1, 2/],
    ['NaN', [[1, 2, 3], [1, NaN, 3]], /points\[1\] has a NaN .* y coordinate/],
    ['Infinity', Float64Array.from([1, 2, Infinity]), /points\[0\] has a non-finite z/],
    ['flat length', new Float64Array(4), /not a multiple of 3/],
    ['short point', [[1, 2]], /points\[0\] must have 3 coordinates/],
    ['plain numbers', [1, 2, 3], /must be \[x, y, z\].*typed array/],
    ['string coordinate', [['1', 2, 3]], /NaN/],
  ]
  for (const [what, points, message] of cases) {
    it(what, async () => {
      const lookup = makeLookupClient(dep.client('graphene_ds'))
      const e = await rejection(lookup.lookupPoints(points as never))
      expect(isInvalidParameterError(e)).toBe(true)
      expect(e.message).toMatch(message)
      expect(dep.seen).toHaveLength(0)
    })
  }

  it('bad options: mip, voxelResolution, timestamp, batchSize', async () => {
    const client = dep.client('graphene_ds')
    expect(() => makeLookupClient(client, { segmentationMip: -1 })).toThrow(/segmentationMip/)
    expect(() => makeLookupClient(client, { voxelResolution: [4, 0, 40] })).toThrow(/voxelResolution/)
    expect(() => makeLookupClient(client, { batchSize: 0 })).toThrow(/batchSize/)
    expect(() => makeLookupClient(client, { timestamp: 'yesterday' })).toThrow(/timestamp/)
    const lookup = makeLookupClient(client)
    expect(isInvalidParameterError(await rejection(lookup.lookupPoints([[1, 2, 3]], { timestamp: Date.now() })))).toBe(true) // milliseconds
    expect(isInvalidParameterError(await rejection(lookup.lookupRootIds([-1])))).toBe(true)
    expect(dep.seen).toHaveLength(0)
  })

  it('normalizePoints names the offending point', () => {
    expect(() => normalizePoints([[0, 0, 0], [0, 0, 0], [1, undefined as unknown as number, 2]])).toThrow('points[2] has a NaN (or non-numeric) y coordinate')
  })
})

describe('flat segmentation and missing chunks', () => {
  it('a precomputed segmentation: root ids are the segment ids, no chunkedgraph request', async () => {
    const lookup = makeLookupClient(dep.client('flat_ds'))
    const pts = randomPoints(200, 5)
    const r = await lookup.lookupPoints(pts)
    const expected = pts.map((p) => svOf(p) & 0xffffffn)
    expect([...r.rootIds]).toEqual(expected)
    expect([...r.supervoxelIds]).toEqual(expected)
    expect(r.flat).toBe(true)
    expect(r.timestamp).toBeUndefined()
    expect(r.stats.rootRequests).toBe(0)
    expect(dep.count('/segmentation/')).toBe(0)
    expect([...(await lookup.lookupRootIds([5n, 0n]))]).toEqual([5n, 0n])
    const info = await lookup.segmentationInfo()
    expect(info).toMatchObject({ flat: true, mip: 0, resolution: [8, 8, 40], voxelResolution: [4, 4, 40], bounds: [[0, 64], [0, 48], [0, 16]] })
  })

  it('a missing chunk raises EmptyVolumeException naming it, or reads as 0 with fillMissing', async () => {
    const { MemStorage } = await import('@daf/volume')
    const store = new MemStorage('lookup-unit', 'flat')
    const key = `8_8_40/${CHUNK[0]}-${2 * CHUNK[0]}_0-${CHUNK[1]}_0-${CHUNK[2]}`
    const saved = await store.get(key)
    await store.delete(key)
    try {
      const lookup = makeLookupClient(dep.client('flat_ds'), { voxelResolution: [8, 8, 40] })
      const e = await rejection(lookup.lookupSupervoxels([[20, 3, 3]]))
      expect(isEmptyVolumeException(e)).toBe(true)
      expect(e.message).toContain(key)
      const ids = await lookup.lookupSupervoxels([[20, 3, 3], [3, 3, 3]], { fillMissing: true })
      expect([...ids]).toEqual([0n, supervoxelAt(3, 3, 3) & 0xffffffn])
    } finally {
      await store.set(key, saved!)
    }
  })
})

describe('abort', () => {
  it('an abort mid-way (after the first chunk) rejects with the reason', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { concurrency: 1 })
    const ac = new AbortController()
    const reason = new Error('stop now')
    const pts = randomPoints(400, 9)
    let chunks = 0
    const e = await rejection(
      lookup.lookupPoints(pts, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'chunks' && ++chunks === 1) ac.abort(reason)
        },
      }),
    )
    expect(e).toBe(reason)
    expect(chunks).toBeLessThan(5)
    expect(dep.count('/roots_binary')).toBe(0)
    const pre = new AbortController()
    pre.abort(reason)
    expect(await rejection(lookup.lookupSupervoxels([[1, 1, 1]], { signal: pre.signal }))).toBe(reason)
  })
})

describe('a graphene source other than the datastack’s', () => {
  it('uses its own chunkedgraph table', async () => {
    const { LOCAL } = await import('./test-support/fake-deployment.js')
    const lookup = makeLookupClient(dep.client('flat_ds'), { segmentationSource: `graphene://${LOCAL}/segmentation/table/${TABLE}`, timestamp: MERGE_TIME + 1 })
    const r = await lookup.lookupPoints([[2, 2, 2]])
    expect(r.flat).toBe(false)
    expect(r.rootIds[0]).toBe(rootOf(svOf([2, 2, 2]), MERGE_TIME + 1))
  })
})
