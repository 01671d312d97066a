/**
 * In Chromium: `client.chunkedgraph` against the local deployment — roots now and in the past
 * with ids above 2^53 exact, `roots_binary` as a preflighted cross-origin POST, the body-free
 * alternatives where a GET would need a body (per-root tabular change logs, past ids from the
 * lineage graph), the typed error where there is none, `Used-Bounds` readable through CORS, and a
 * merge/undo round trip. The seeded history comes from the same model the server runs (seed 1).
 */
import { FrameworkClient, isUnsupportedInBrowserError, type ChunkedGraphClient } from '@daf/services'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_DATASTACK } from './constants.js'
import { ChunkedGraphModel, layerOf, type RootRecord } from './data/chunkedgraph-model.js'

const url = inject('devServerUrl')
const token = inject('devServerToken')
const quiet = { warn: () => {}, debug: () => {} }
const chunkedgraph = (): ChunkedGraphClient => new FrameworkClient(DEMO_DATASTACK, { serverAddress: url, authToken: token, logger: quiet }).chunkedgraph

// The history up to now is fixed by the seed; only this file edits the shared server's graph.
const seeded = new ChunkedGraphModel({ seed: 1 })
const firstMerge = seeded.operations.find((o) => o.isMerge && o.undoOf === undefined)
const sv = firstMerge?.sourceIds[0] as bigint
const early = seeded.t0 + 60

describe('browser: chunkedgraph client against the local deployment', () => {
  it('the root of a supervoxel now and before its first merge, ids exact above 2^53', async () => {
    const cg = chunkedgraph()
    const before = await cg.getRootId(sv, { timestamp: new Date(early * 1000) })
    expect(before).toBe(firstMerge?.beforeRoots[0])
    const now = await cg.getRootId(sv)
    expect(now).not.toBe(before)
    expect(layerOf(now)).toBe(12)
    expect(now > 2n ** 53n).toBe(true)
  })

  it('getRoots of every supervoxel over roots_binary (batched, cross-origin, octet-stream)', async () => {
    const cg = chunkedgraph()
    const ids = seeded.supervoxelIds
    const past = await cg.getRoots(ids, { timestamp: early, batchSize: 256, concurrency: 2 })
    expect(past).toEqual(seeded.rootsAt(ids, early))
    const now = await cg.getRoots(ids)
    expect(now[ids.indexOf(sv)]).toBe(await cg.getRootId(sv))
  })

  it('uses the body-free routes for change logs and past ids, and says so where none exists', async () => {
    const cg = chunkedgraph()
    const root = firstMerge?.afterRoots[0] as bigint
    const logs = await cg.getTabularChangeLog([root], { filtered: false })
    expect(logs.get(root)?.map((r) => r.operationId)).toEqual([firstMerge?.id])
    expect(logs.get(root)?.[0]?.isMerge).toBe(true)
    const past = await cg.getPastIds([root], { timestampFuture: firstMerge?.timestamp })
    expect([...(past.pastIdMap.get(root) ?? [])].sort()).toEqual([...(firstMerge?.beforeRoots ?? [])].sort())
    const e = await cg.isValidNodes([root]).catch((x: unknown) => x)
    expect(isUnsupportedInBrowserError(e)).toBe(true)
  })

  it('level2ChunkGraph with bounds: the Used-Bounds header is readable cross-origin', async () => {
    const cg = chunkedgraph()
    const root = await cg.getRootId(sv)
    const edges = await cg.level2ChunkGraph(root, { bounds: [[0, 512], [0, 512], [0, 64]] })
    const l2 = await cg.getLeaves(root, { stopLayer: 2 })
    expect(edges.every(([a, b]) => l2.includes(a) && l2.includes(b))).toBe(true)
  })

  it('merge then undo: the two objects share a root, then not again', async () => {
    const cg = chunkedgraph()
    const roots = seeded.currentRoots().map((id) => seeded.root(id) as RootRecord)
    const latest = await cg.isLatestRoots(roots.map((r) => r.id))
    const current = roots.filter((_, i) => latest[i])
    let pair: [bigint, bigint] | undefined
    for (const a of current) {
      const b = current.find((r) => r !== a && seeded.supervoxels[r.svs[0] as number]?.chunk.every((v, i) => v === seeded.supervoxels[a.svs[0] as number]?.chunk[i]))
      if (b) {
        pair = [seeded.supervoxels[a.svs[0] as number]?.id as bigint, seeded.supervoxels[b.svs[0] as number]?.id as bigint]
        break
      }
    }
    const [a, b] = pair as [bigint, bigint]
    const pos = (id: bigint) => seeded.supervoxel(id)?.position as [number, number, number]
    const merge = await cg.doMerge([a, b], [pos(a), pos(b)], { resolution: [8, 8, 40] })
    expect(await cg.getRootId(a)).toBe(merge.newRootIds[0])
    expect(await cg.getRootId(b)).toBe(merge.newRootIds[0])
    const undo = await cg.undoOperation(merge.operationId)
    expect(undo.newRootIds.length).toBe(2)
    expect(await cg.getRootId(a)).not.toBe(await cg.getRootId(b))
  })
})
