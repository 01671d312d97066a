/**
 * The chunkedgraph client (built on a FrameworkClient's context) against the local deployment's
 * chunkedgraph over real HTTP: roots now and at an earlier time, binary roots for every
 * supervoxel, leaves, lineage, past ids, change logs, merge/split/undo round trips, the wire
 * details (int64_as_str, GET bodies, binary bodies), auth and PyChunkedGraph-shaped errors.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FrameworkClient,
  createChunkedGraphClient,
  isAuthError,
  isHttpError,
  pastFutureIdMapping,
  type ChunkedGraphClient,
  type FrameworkClientOptions,
  type HttpError,
} from '@daf/services'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ChunkedGraphModel, layerOf, type RootRecord } from './data/chunkedgraph-model.js'
import {
  CG_SERVICE_VERSION,
  DEMO_DATASTACK,
  DEMO_TABLE_ID,
  DEV_TOKEN,
  NO_PERMISSION_TOKEN,
  chunkedGraphModelFor,
  startDevServer,
  type DevServer,
} from './index.js'

const quiet = { warn: () => {}, debug: () => {} }
const TWO_53 = 2n ** 53n

let server: DevServer
let secretsDir: string

beforeAll(async () => {
  server = await startDevServer()
  secretsDir = await mkdtemp(join(tmpdir(), 'daf-chunkedgraph-int-'))
})
afterAll(async () => {
  await server.close()
  await rm(secretsDir, { recursive: true, force: true })
})
beforeEach(() => server.faults.clear())

function framework(on: DevServer, extra: FrameworkClientOptions = {}) {
  return new FrameworkClient(DEMO_DATASTACK, {
    serverAddress: on.url,
    authToken: DEV_TOKEN,
    secretsDir,
    writeServerCache: false,
    logger: quiet,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  })
}

function chunkedgraph(on: DevServer = server, extra: FrameworkClientOptions = {}, timestamp?: number): ChunkedGraphClient {
  return createChunkedGraphClient(framework(on, extra).context, timestamp === undefined ? {} : { timestamp })
}

/** The seeded history, read from a model built from the same seed (this server is never edited). */
const seeded = new ChunkedGraphModel({ seed: 1 })
const firstMerge = seeded.operations.find((o) => o.isMerge && o.undoOf === undefined)
if (!firstMerge) throw new Error('the seeded history has no merge')
const mergedSv = firstMerge.sourceIds[0] as bigint

const P = (on: DevServer) => `${on.url}/segmentation/api/v1/table/${DEMO_TABLE_ID}`
const authHeaders = { Authorization: `Bearer ${DEV_TOKEN}` }

describe('reading the seeded chunkedgraph', () => {
  it('the root of a supervoxel now differs from its root before the first merge', async () => {
    const cg = chunkedgraph()
    const before = await cg.getRootId(mergedSv, { timestamp: new Date((seeded.t0 + 60) * 1000) })
    const now = await cg.getRootId(mergedSv)
    expect(before).toBe(firstMerge.beforeRoots[0])
    expect(now).toBe(seeded.rootAt(mergedSv))
    expect(now).not.toBe(before)
    expect(now > TWO_53 && before > TWO_53).toBe(true)
    // Right at the merge's timestamp the new root is already current (PCG reads up to and including t).
    expect(await cg.getRootId(mergedSv, { timestamp: firstMerge.timestamp })).toBe(firstMerge.afterRoots[0])
    expect(await cg.getRootId(mergedSv, { timestamp: firstMerge.timestamp - 0.001 })).toBe(firstMerge.beforeRoots[0])
    const l2 = await cg.getRootId(mergedSv, { level2: true })
    expect(layerOf(l2)).toBe(2)
  })

  it('getRoots: every supervoxel in batches over roots_binary equals the model, at two times', async () => {
    const cg = chunkedgraph()
    const ids = seeded.supervoxelIds
    const progress: number[] = []
    const now = await cg.getRoots(ids, { batchSize: 100, concurrency: 3, onProgress: (p) => progress.push(p.done) })
    expect(now).toEqual(seeded.rootsAt(ids))
    expect(progress.at(-1)).toBe(ids.length)
    const early = await cg.getRoots(ids, { timestamp: seeded.t0 + 1 })
    expect(early).toEqual(seeded.rootsAt(ids, seeded.t0 + 1))
    expect(early).not.toEqual(now)
    expect([...(await cg.getRoots([mergedSv, 12345n, mergedSv], { dedupe: true }))]).toEqual([now[ids.indexOf(mergedSv)], 0n, now[ids.indexOf(mergedSv)]])
  })

  it('leaves, level-2 leaves with bounds, children, subgraph and level-2 graph of a current root', async () => {
    const cg = chunkedgraph()
    const root = seeded.rootAt(mergedSv)
    const leaves = await cg.getLeaves(root)
    expect([...leaves].sort()).toEqual(seeded.supervoxelsOf(root).sort())
    expect(leaves).toContain(mergedSv)
    const l2 = await cg.getLeaves(root, { stopLayer: 2 })
    expect([...(await cg.getChildren(root))].sort()).toEqual([...l2].sort())
    const chunk = seeded.supervoxel(mergedSv)?.chunk as [number, number, number]
    const bounds = [0, 1, 2].map((d) => [chunk[d]! * seeded.geometry.chunkSize[d]!, (chunk[d]! + 1) * seeded.geometry.chunkSize[d]!]) as never
    const inChunk = await cg.getLeaves(root, { bounds })
    expect(inChunk).toContain(mergedSv)
    expect(inChunk.length).toBeLessThan(leaves.length)
    const many = await cg.getLeavesMany([root, firstMerge.beforeRoots[0] as bigint])
    expect(many.get(root)?.length).toBe(leaves.length)
    const sub = await cg.getSubgraph(root)
    expect(sub.edges.length).toBe(sub.affinities.length)
    expect(sub.edges.every(([a, b]) => leaves.includes(a) && leaves.includes(b))).toBe(true)
    const graph = await cg.level2ChunkGraph(root, { bounds: [[0, 512], [0, 512], [0, 64]] })
    expect(graph.every(([a, b]) => l2.includes(a) && l2.includes(b))).toBe(true)
    expect([...(await cg.getMinimalCoveringNodes(l2))]).toEqual([root])
  })

  it('lineage, latest and original roots, past ids (GET body) = the same mapping computed from the lineage', async () => {
    const cg = chunkedgraph()
    const old = firstMerge.beforeRoots[0] as bigint
    const now = seeded.rootAt(mergedSv)
    const lineage = await cg.getLineageGraph(now)
    expect(lineage.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([now, old, firstMerge.afterRoots[0]]))
    expect(lineage.links).toContainEqual({ source: old, target: firstMerge.afterRoots[0] })
    const merged = lineage.nodes.find((n) => n.id === old)
    expect(merged?.operationId).toBe(firstMerge.id)
    expect(merged?.timestamp.getTime()).toBe(Math.floor(seeded.t0 * 1000))

    expect([...(await cg.getLatestRoots(old))]).toContain(now)
    expect([...(await cg.getLatestRoots(old, { timestamp: firstMerge.timestamp + 1 }))]).toEqual([firstMerge.afterRoots[0]])
    const originals = await cg.getOriginalRoots(now)
    expect([...originals]).toEqual(expect.arrayContaining([...firstMerge.beforeRoots]))
    expect([...(await cg.isLatestRoots([now, old]))]).toEqual([true, false])
    expect(await cg.isLatestRoots([old], { timestamp: seeded.t0 + 1 })).toEqual([true])

    const past = await cg.getPastIds([now])
    expect([...(past.pastIdMap.get(now) ?? [])].sort()).toEqual([...originals].sort())
    const fromLineage = pastFutureIdMapping(await cg.getLineageGraph([now]), [now])
    expect(fromLineage.pastIdMap).toEqual(past.pastIdMap)
    expect(fromLineage.futureIdMap).toEqual(past.futureIdMap)

    const suggested = await cg.suggestLatestRoots(old)
    expect(suggested.map((s) => s.rootId)).toContain(now)
    expect(suggested[0]?.fractionOverlap).toBeGreaterThan(0)
  })

  it('change logs, merge log, operation details and timestamps agree with the seeded history', async () => {
    const cg = chunkedgraph()
    const now = seeded.rootAt(mergedSv)
    const log = await cg.getChangeLog(now, { filtered: false })
    const ops = seeded.pastOperations(now)
    expect([...log.operationIds]).toEqual(ops.map((o) => o.id))
    expect(log.nMergers + log.nSplits).toBe(ops.length)
    const tab = (await cg.getTabularChangeLog([now], { filtered: false })).get(now) ?? []
    expect(tab.map((r) => r.operationId)).toEqual(ops.map((o) => o.id))
    const row = tab.find((r) => r.operationId === firstMerge.id)
    expect(row?.isMerge).toBe(true)
    expect(row?.timestamp.getTime()).toBe(Math.floor(firstMerge.timestamp * 1000))
    expect(row?.userName).toBe('Dev User')
    expect(row?.beforeRootIds).toEqual(firstMerge.beforeRoots)
    expect((await cg.getMergeLog(now)).mergeEdges).toContainEqual([[firstMerge.addedEdges?.[0]?.[0], firstMerge.addedEdges?.[0]?.[1]]])

    const details = (await cg.getOperationDetails([firstMerge.id])).get(firstMerge.id)
    expect(details?.addedEdges).toEqual([[...(firstMerge.addedEdges?.[0] ?? [])]])
    expect(details?.roots).toEqual(BigUint64Array.from(firstMerge.afterRoots))
    expect(details?.timestamp?.getTime()).toBe(Math.floor(firstMerge.timestamp * 1000))

    expect((await cg.getOldestTimestamp()).getTime()).toBe(Math.floor(seeded.t0 * 1000))
    const [created] = await cg.getRootTimestamps([firstMerge.afterRoots[0] as bigint])
    expect(created?.getTime()).toBe(Math.floor(firstMerge.timestamp * 1000))
    const [ended] = await cg.getRootTimestamps([firstMerge.beforeRoots[0] as bigint], { latest: true })
    expect(ended?.getTime()).toBe(Math.floor(firstMerge.timestamp * 1000))
    const delta = await cg.getDeltaRoots(firstMerge.timestamp - 1, { timestampFuture: firstMerge.timestamp + 1 })
    expect([...delta.newRoots]).toEqual([...firstMerge.afterRoots])
    expect([...delta.oldRoots].sort()).toEqual([...firstMerge.beforeRoots].sort())
    expect(await cg.isValidNodes([now, mergedSv, 7n])).toEqual([true, true, false])
  })

  it('segmentation info, base resolution, cloud-volume path, versions', async () => {
    const cg = chunkedgraph()
    const info = await cg.segmentationInfo()
    expect(info.graph?.n_layers).toBe(12)
    expect(info.app?.supported_api_versions).toEqual([0, 1])
    expect(await cg.baseResolution()).toEqual([8, 8, 40])
    expect(await cg.cloudvolumePath()).toBe(`graphene://${server.url}/segmentation/api/v1/${DEMO_TABLE_ID}`)
    expect(await cg.serverVersion()).toBe(CG_SERVICE_VERSION)
    // The same graphene info under P and under the cloud-volume path.
    for (const path of [`${P(server)}/info`, `${server.url}/segmentation/api/v1/${DEMO_TABLE_ID}/info`]) {
      expect(await (await fetch(path, { headers: authHeaders })).json()).toEqual(JSON.parse(JSON.stringify(info)))
    }
  })
})

describe('edits', () => {
  let edited: DevServer
  beforeAll(async () => {
    edited = await startDevServer()
  })
  afterAll(() => edited.close())

  it('merge → split → undo round trip, with roots over time following along', async () => {
    const cg = chunkedgraph(edited)
    const model = chunkedGraphModelFor(edited.dataset)
    const [ra, rb] = nearbyRoots(model)
    const a = ra.svs.map((i) => model.supervoxels[i]?.id as bigint)[0] as bigint
    const b = rb.svs.map((i) => model.supervoxels[i]?.id as bigint)[0] as bigint
    const pos = (sv: bigint) => model.supervoxel(sv)?.position as [number, number, number]
    const beforeMerge = Date.now() / 1000

    const merge = await cg.doMerge([a, b], [pos(a), pos(b)], { resolution: [8, 8, 40] })
    expect(merge.newRootIds).toHaveLength(1)
    const merged = merge.newRootIds[0] as bigint
    expect(await cg.getRootId(a)).toBe(merged)
    expect(await cg.getRootId(b)).toBe(merged)
    expect(await cg.getRootId(a, { timestamp: beforeMerge - 1 })).toBe(ra.id)
    expect([...(await cg.isLatestRoots([ra.id, merged]))]).toEqual([false, true])
    const details = (await cg.getOperationDetails([merge.operationId])).get(merge.operationId)
    expect(details?.user).toBe('1')
    expect(details?.sourceIds).toEqual(BigUint64Array.of(a))

    const nm = (sv: bigint) => {
      const p = pos(sv)
      return [p[0] * 8, p[1] * 8, p[2] * 40] as [number, number, number]
    }
    const preview = await cg.previewSplit([nm(a)], [nm(b)], merged, { sourceSupervoxels: [a], sinkSupervoxels: [b] })
    expect(preview.successfulSplit).toBe(true)
    expect(preview.sourceConnectedComponent).toContain(a)
    expect(preview.sinkConnectedComponent).toContain(b)

    // Sources given by point only: the server finds the root's supervoxel nearest the point.
    const split = await cg.executeSplit([nm(a)], [nm(b)], merged)
    expect(split.operationId).not.toBe(merge.operationId)
    const [rootA, rootB] = await Promise.all([cg.getRootId(a), cg.getRootId(b)])
    expect(rootA).not.toBe(rootB)
    expect([...split.newRootIds]).toEqual(expect.arrayContaining([rootA, rootB]))

    const undo = await cg.undoOperation(split.operationId)
    expect(await cg.getRootId(a)).toBe(await cg.getRootId(b))
    expect(undo.newRootIds).toContain(await cg.getRootId(a))
    const undoDetails = (await cg.getOperationDetails([undo.operationId])).get(undo.operationId)
    expect(undoDetails?.undoOperationId).toBe(split.operationId)

    const lineage = await cg.getLineageGraph(undo.newRootIds[0] as bigint)
    expect(lineage.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([ra.id, rb.id, merged, rootA, rootB]))
    const log = await cg.getChangeLog(undo.newRootIds[0] as bigint, { filtered: false })
    expect([...log.operationIds]).toEqual(expect.arrayContaining([merge.operationId, split.operationId, undo.operationId]))
    await cg.remeshLevel2Chunks(await cg.getLeaves(undo.newRootIds[0] as bigint, { stopLayer: 2 }))
  })

  it('refused edits answer 400 with the PyChunkedGraph error shape; edits are not retried', async () => {
    const cg = chunkedgraph(edited)
    const model = chunkedGraphModelFor(edited.dataset)
    const root = model.root(model.currentRoots()[0] as bigint) as RootRecord
    const [s0, s1] = root.svs.map((i) => model.supervoxels[i]?.id as bigint)
    const e = (await cg.doMerge([s0 as bigint, s1 as bigint], [[1, 1, 1], [2, 2, 2]]).catch((x: unknown) => x)) as HttpError
    expect(isHttpError(e) && e.status).toBe(400)
    expect(e.serverMessage).toMatch(/already belong to the same object/)
    const raw = await fetch(`${P(edited)}/undo`, { method: 'POST', headers: { ...authHeaders, 'Content-Type': 'application/json' }, body: '{"operation_id": 1}' })
    expect(raw.status).toBe(400)
    const body = (await raw.json()) as Record<string, unknown>
    expect(body).toMatchObject({ code: 400, message: 'Operation 1 does not exist' })
    expect(Array.isArray(body.traceback)).toBe(true)

    edited.faults.add({ method: 'POST', path: `/segmentation/api/v1/table/${DEMO_TABLE_ID}/undo`, status: 503, times: 1 })
    const before = edited.requests.length
    const busy = await cg.undoOperation(1n).catch((x: unknown) => x)
    expect(isHttpError(busy) && busy.status).toBe(503)
    expect(edited.requests.slice(before).filter((r) => r.path.endsWith('/undo'))).toHaveLength(1)
  })

  it('edits need edit permission; reads need a token', async () => {
    edited.tokens.add({ token: 'a'.repeat(32), permissions: ['view'] })
    const viewer = chunkedgraph(edited, { authToken: 'a'.repeat(32) })
    const root = chunkedGraphModelFor(edited.dataset).currentRoots()[0] as bigint
    expect((await viewer.getLeaves(root)).length).toBeGreaterThan(0)
    const e = await viewer.undoOperation(1n).catch((x: unknown) => x)
    expect(isAuthError(e) && e.status).toBe(403)
    const none = await chunkedgraph(edited, { authToken: NO_PERMISSION_TOKEN }).getLeaves(root).catch((x: unknown) => x)
    expect(isAuthError(none) && none.serverMessage).toMatch(/Missing permission: view/)
  })
})

describe('wire details of the emulated PyChunkedGraph', () => {
  it('int64_as_str turns ids into strings; without it ids are bare integers above 2^53', async () => {
    const root = seeded.rootAt(mergedSv)
    const asStr = await (await fetch(`${P(server)}/node/${mergedSv}/root?int64_as_str=true`, { headers: authHeaders })).text()
    expect(asStr).toBe(`{"root_id":"${root}"}`)
    const bare = await (await fetch(`${P(server)}/node/${mergedSv}/root`, { headers: authHeaders })).text()
    expect(bare).toBe(`{"root_id":${root}}`)
  })

  it('roots_binary: little-endian uint64 in and out', async () => {
    const ids = seeded.supervoxelIds.slice(0, 4)
    const body = new Uint8Array(ids.buffer.slice(0))
    const res = await fetch(`${P(server)}/roots_binary`, { method: 'POST', headers: { ...authHeaders, 'Content-Type': 'application/octet-stream' }, body })
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    const out = new BigUint64Array(await res.arrayBuffer())
    expect(out).toEqual(seeded.rootsAt(ids))
    const odd = await fetch(`${P(server)}/roots_binary`, { method: 'POST', headers: authHeaders, body: new Uint8Array(7) })
    expect(odd.status).toBe(400)
  })

  it('versions are public; an unknown table is 400 Invalid table_id for service; bad timestamps are 400', async () => {
    expect(await (await fetch(`${server.url}/segmentation/api/versions`)).json()).toEqual([0, 1])
    expect(await (await fetch(`${server.url}/segmentation/api/version`)).json()).toBe(CG_SERVICE_VERSION)
    const unknown = await fetch(`${server.url}/segmentation/api/v1/table/nope/node/1/root`, { headers: authHeaders })
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toBe('Invalid table_id for service')
    const bad = await fetch(`${P(server)}/node/${mergedSv}/root?timestamp=yesterday`, { headers: authHeaders })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toBe('Timestamp parameter timestamp is not a valid unix timestamp')
  })

  it('a 503 burst on roots_binary is ridden out (a POST that only reads is retried)', async () => {
    server.faults.add({ method: 'POST', path: `/segmentation/api/v1/table/${DEMO_TABLE_ID}/roots_binary`, status: 503, times: 2 })
    const roots = await chunkedgraph().getRoots([mergedSv])
    expect(roots[0]).toBe(seeded.rootAt(mergedSv))
  })

  it('lvl2_graph sends Used-Bounds (exposed to browsers)', async () => {
    const root = seeded.rootAt(mergedSv)
    const res = await fetch(`${P(server)}/node/${root}/lvl2_graph?bounds=0-512_0-512_0-64`, { headers: authHeaders })
    expect(res.headers.get('used-bounds')).toBe('True')
    expect(res.headers.get('access-control-expose-headers')).toContain('Used-Bounds')
  })
})

/** Two current roots with supervoxels in the same chunk (a merge PyChunkedGraph would accept). */
function nearbyRoots(model: ChunkedGraphModel): [RootRecord, RootRecord] {
  const roots = model.currentRoots().map((id) => model.root(id) as RootRecord)
  for (const ra of roots) {
    for (const rb of roots) {
      if (ra === rb) continue
      const a = model.supervoxels[ra.svs[0] as number]?.chunk
      const b = model.supervoxels[rb.svs[0] as number]?.chunk
      if (a && b && a.every((v, i) => v === b[i])) return [ra, rb]
    }
  }
  throw new Error('no two roots share a chunk')
}
