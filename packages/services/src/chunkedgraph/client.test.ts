/**
 * The chunkedgraph client against msw: for every method the exact method, URL, query, headers and
 * body sent, and the parsed result (ids ≥ 2^53 exact). GET-with-body routes go through node:http,
 * which msw does not see: they are tested against a real local server in `client-get-body.test.ts`.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { encodeUint64LE, decodeUint64LE } from '../http/uint64.js'
import { isHttpError, isInvalidParameterError, isServerIncompatibilityError, type HttpError } from '../http/errors.js'
import { GLOBAL, LOCAL, TOKEN } from '../test-support/fake-auth.js'
import { P, TABLE, chunkedgraphTestContext, type ChunkedGraphContextOptions } from '../test-support/chunkedgraph-context.js'
import { createChunkedGraphClient } from './client.js'
import type { ChunkedGraphClientOptions } from './types.js'

const ROOT = 864691135217871271n
const ROOT2 = 864691135217871272n
const ROOT3 = 864691135218000001n
const SV = 88946092398213456n
const SV2 = 88946092398213457n
const L2 = 160032475051983415n
const OP = 864691135217871999n

interface Seen {
  method: string
  url: URL
  headers: Headers
  body: Uint8Array
}

const server = setupServer()
let seen: Seen[] = []
let versionCalls = 0
let serverVersion: string | null = '2.18.3'
/** Every request to {L} carries the token, except where a test says otherwise. */
let expectedAuthorization: string | null = `Bearer ${TOKEN}`

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  for (const s of seen) expect(`${s.method} ${s.url.pathname} ${s.headers.get('authorization')}`).toBe(`${s.method} ${s.url.pathname} ${expectedAuthorization}`)
})
afterAll(() => server.close())
beforeEach(() => {
  seen = []
  versionCalls = 0
  serverVersion = '2.18.3'
  expectedAuthorization = `Bearer ${TOKEN}`
  server.use(
    http.get(`${LOCAL}/segmentation/api/versions`, () => {
      versionCalls++
      return HttpResponse.json([0, 1])
    }),
    http.get(`${LOCAL}/segmentation/api/version`, () =>
      serverVersion === null ? HttpResponse.json({ message: 'not found' }, { status: 404 }) : HttpResponse.json(serverVersion),
    ),
  )
})

/** Answers `method path` (under P unless absolute) and records what arrived. */
function on(method: 'get' | 'post', path: string, respond: (body: Uint8Array, url: URL) => Response | Promise<Response>) {
  const url = path.startsWith('http') ? path : `${P}${path}`
  server.use(
    http[method](url, async ({ request }) => {
      const body = new Uint8Array(await request.arrayBuffer())
      const entry = { method: request.method, url: new URL(request.url), headers: request.headers, body }
      seen.push(entry)
      return respond(body, entry.url)
    }),
  )
}

const text = (t: string, status = 200, headers: Record<string, string> = {}) =>
  new HttpResponse(t, { status, headers: { 'content-type': 'application/json', ...headers } })
const bodyText = (s: Seen) => new TextDecoder().decode(s.body)
const query = (s: Seen) => Object.fromEntries(s.url.searchParams)
const only = () => {
  expect(seen).toHaveLength(1)
  return seen[0] as Seen
}

function client(options: ChunkedGraphClientOptions = {}, ctxOptions: ChunkedGraphContextOptions = {}) {
  const t = chunkedgraphTestContext(ctxOptions)
  return { cg: createChunkedGraphClient(t.ctx, options), ...t }
}

describe('construction and lazy initialisation', () => {
  it('sends nothing on construction, then reads info and both version endpoints once', async () => {
    const { cg, calls } = client()
    expect(calls.info).toBe(0)
    expect(versionCalls).toBe(0)
    on('get', `/node/${SV}/root`, () => text(`{"root_id":"${ROOT}"}`))
    await cg.getRootId(SV)
    await cg.getRootId(SV)
    expect(versionCalls).toBe(1)
    expect(await cg.tableId()).toBe(TABLE)
    expect(await cg.serverVersion()).toBe('2.18.3')
    expect(await cg.cloudvolumePath()).toBe(`graphene://${LOCAL}/segmentation/api/v1/${TABLE}`)
  })

  it('derives the table from legacy and middleauth sources, or takes options.tableId', async () => {
    const legacy = client({}, { segmentationSource: `graphene://${LOCAL}/segmentation/1.0/old_table` })
    expect(await legacy.cg.tableId()).toBe('old_table')
    const given = client({ tableId: 'other' })
    expect(await given.cg.tableId()).toBe('other')
    const precomputed = client({}, { segmentationSource: 'precomputed://gs://bucket/seg' })
    await expect(precomputed.cg.tableId()).rejects.toThrow(/not a graphene source/)
  })

  it('rejects bad client options before anything is sent', () => {
    expect(() => client({ tableId: 'a/b' })).toThrow(/tableId/)
    expect(() => client({ timestamp: 1.7e12 })).toThrow(/looks like milliseconds/)
  })

  it('an info outage fails the call, is not cached, and the next call works', async () => {
    const err = new Error('info down')
    let fail = true
    const t = chunkedgraphTestContext()
    const ctx = { ...t.ctx, localServer: async () => (fail ? Promise.reject(err) : LOCAL) }
    const cg = createChunkedGraphClient(ctx)
    on('get', `/node/${SV}/root`, () => text(`{"root_id":"${ROOT}"}`))
    await expect(cg.getRootId(SV)).rejects.toBe(err)
    fail = false
    expect(await cg.getRootId(SV)).toBe(ROOT)
  })

  it('a failing version probe falls back to v1 with a warning and is asked again next time', async () => {
    let probeFails = true
    server.use(
      http.get(`${LOCAL}/segmentation/api/versions`, () => {
        versionCalls++
        return probeFails ? new HttpResponse('busy', { status: 503 }) : HttpResponse.json([0, 1])
      }),
    )
    on('get', `/node/${SV}/root`, () => text(`{"root_id":"${ROOT}"}`))
    const { cg, logger } = client()
    expect(await cg.getRootId(SV)).toBe(ROOT)
    expect(logger.warnings.join('\n')).toMatch(/API version probe .*failed \(HTTP 503\); using v1/)
    probeFails = false
    await cg.getRootId(SV)
    await cg.getRootId(SV)
    expect(versionCalls).toBe(2)
  })

  it('a server that only speaks v0 is a ServerIncompatibilityError; pinning v0 is an InvalidParameterError', async () => {
    server.use(http.get(`${LOCAL}/segmentation/api/versions`, () => HttpResponse.json([0])))
    const a = client()
    await expect(a.cg.getRootId(SV)).rejects.toSatisfy(isServerIncompatibilityError)
    const b = client({}, { pinnedVersions: { chunkedgraph: 0 } })
    await expect(b.cg.getRootId(SV)).rejects.toSatisfy(isInvalidParameterError)
    expect(seen).toHaveLength(0)
  })
})

describe('roots', () => {
  it('getRoots posts packed little-endian ids with timestamp and stop_layer, answers in input order', async () => {
    on('post', '/roots_binary', (body) => new HttpResponse(encodeUint64LE(decodeUint64LE(body).map((v) => (v === SV ? ROOT : v === SV2 ? ROOT2 : 0n)))))
    const { cg } = client()
    const roots = await cg.getRoots([SV, SV2, 5n], { timestamp: new Date('2024-03-01T12:00:00.250Z'), stopLayer: 3 })
    expect([...roots]).toEqual([ROOT, ROOT2, 0n])
    const s = only()
    expect(s.method).toBe('POST')
    expect(s.url.pathname).toBe(`/segmentation/api/v1/table/${TABLE}/roots_binary`)
    expect(s.url.search).toBe('?timestamp=1709294400.25&stop_layer=3')
    expect(s.headers.get('content-type')).toBe('application/octet-stream')
    expect(s.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect([...decodeUint64LE(s.body)]).toEqual([SV, SV2, 5n])
  })

  it('batches with bounded concurrency, keeps input order, dedupes, reports progress, and uses one timestamp', async () => {
    let n = 0
    on('post', '/roots_binary', async (body) => {
      const ids = decodeUint64LE(body)
      // The first batch answers last.
      if (n++ === 0) await new Promise((r) => setTimeout(r, 30))
      return new HttpResponse(encodeUint64LE(ids.map((v) => v + 1000n)))
    })
    const { cg } = client({ timestamp: 1700000000.5 })
    const progress: number[] = []
    const input = [SV, SV2, SV, 7n, 8n, SV2, 9n]
    const roots = await cg.getRoots(input, { batchSize: 2, concurrency: 2, dedupe: true, onProgress: (p) => progress.push(p.done) })
    expect([...roots]).toEqual(input.map((v) => v + 1000n))
    expect(seen).toHaveLength(3) // 5 distinct ids in batches of 2
    expect(seen.flatMap((s) => [...decodeUint64LE(s.body)]).sort()).toEqual([7n, 8n, 9n, SV, SV2].sort())
    expect(new Set(seen.map((s) => s.url.searchParams.get('timestamp')))).toEqual(new Set(['1700000000.5']))
    expect(progress.at(-1)).toBe(5)
    expect(await cg.getRoots([])).toEqual(new BigUint64Array(0))
    expect(seen).toHaveLength(3)
  })

  it('retries a 503 (a POST that only reads) but stops all batches on a 4xx', async () => {
    let first = true
    on('post', '/roots_binary', (body) => {
      if (first) {
        first = false
        return new HttpResponse('busy', { status: 503 })
      }
      return new HttpResponse(encodeUint64LE(decodeUint64LE(body)))
    })
    const { cg } = client()
    expect([...(await cg.getRoots([SV]))]).toEqual([SV])
    expect(seen).toHaveLength(2)

    server.use(
      http.post(`${P}/roots_binary`, () =>
        text('{"code":400,"message":"Timestamp parameter timestamp is not a valid unix timestamp","traceback":["x"]}', 400),
      ),
    )
    const e = (await cg.getRoots([SV, SV2, 3n], { batchSize: 1, concurrency: 1 }).catch((x: unknown) => x)) as HttpError
    expect(isHttpError(e) && e.status).toBe(400)
    expect(e.serverMessage).toBe('Timestamp parameter timestamp is not a valid unix timestamp')
  })

  it('rejects a wrong-length answer and bad input before sending', async () => {
    on('post', '/roots_binary', () => new HttpResponse(encodeUint64LE([ROOT])))
    const { cg } = client()
    await expect(cg.getRoots([SV, SV2])).rejects.toThrow(/answered 1 ids for 2/)
    seen = []
    await expect(cg.getRoots([-1])).rejects.toThrow(/supervoxelIds\[0\] must not be negative/)
    await expect(cg.getRoots([1.5])).rejects.toThrow(/must be an integer/)
    await expect(cg.getRoots([SV], { batchSize: 0 })).rejects.toThrow(/batchSize/)
    await expect(cg.getRoots([SV], { stopLayer: 0 })).rejects.toThrow(/stopLayer/)
    await expect(cg.getRoots('123' as never)).rejects.toThrow(/list of ids/)
    expect(seen).toHaveLength(0)
  })

  it('getRootId: GET node/{id}/root with timestamp, stop_layer=2 for level2, int64_as_str', async () => {
    on('get', `/node/${SV}/root`, (_b, url) => text(url.searchParams.get('stop_layer') ? `{"root_id":${L2}}` : `{"root_id":"${ROOT}"}`))
    const { cg } = client()
    expect(await cg.getRootId(SV, { timestamp: '2024-03-01T12:00:00.123456' })).toBe(ROOT)
    expect(query(seen[0] as Seen)).toEqual({ timestamp: '1709294400.123456', int64_as_str: 'true' })
    expect(await cg.getRootId(`${SV}`, { level2: true, timestamp: 1709294400 })).toBe(L2)
    expect(query(seen[1] as Seen)).toEqual({ timestamp: '1709294400', stop_layer: '2', int64_as_str: 'true' })
    expect(seen.every((s) => s.method === 'GET' && s.body.length === 0)).toBe(true)
  })

  it('uses the client default timestamp when a call has none, else now', async () => {
    on('get', `/node/${SV}/root`, () => text(`{"root_id":"${ROOT}"}`))
    const withDefault = client({ timestamp: '2024-01-02T03:04:05Z' })
    expect(withDefault.cg.defaultTimestamp?.toISOString()).toBe('2024-01-02T03:04:05.000Z')
    await withDefault.cg.getRootId(SV)
    expect(seen[0]?.url.searchParams.get('timestamp')).toBe('1704164645')
    const before = Date.now() / 1000
    await client().cg.getRootId(SV)
    const sent = Number(seen[1]?.url.searchParams.get('timestamp'))
    expect(sent).toBeGreaterThanOrEqual(before - 1)
    expect(sent).toBeLessThanOrEqual(Date.now() / 1000 + 1)
  })

  it('sends no token when the local server is not a deployment origin', async () => {
    on('get', `/node/${SV}/root`, () => text(`{"root_id":"${ROOT}"}`))
    const { cg } = client({}, { origins: [GLOBAL] })
    await cg.getRootId(SV)
    expect(only().headers.get('authorization')).toBeNull()
    expectedAuthorization = null
  })
})

describe('leaves, children, graph', () => {
  it('getLeaves: bounds as x0-x1_y0-y1_z0-z1, stop_layer, int64_as_str', async () => {
    on('get', `/node/${ROOT}/leaves`, () => text(`{"leaf_ids":["${SV}",${SV2}]}`))
    const { cg } = client()
    const leaves = await cg.getLeaves(ROOT, { bounds: [[0, 512], [10, 20], [3, 4]], stopLayer: 2 })
    expect([...leaves]).toEqual([SV, SV2])
    const s = only()
    expect(s.method).toBe('GET')
    expect(s.url.search).toBe('?bounds=0-512_10-20_3-4&stop_layer=2&int64_as_str=true')
  })

  it('rejects bounds that are not 3×2 non-negative integers, naming the field and value', async () => {
    const { cg } = client()
    for (const bad of [[[0, 1], [0, 1]], [[0, 1, 2], [0, 1], [0, 1]], [[0, 1], [0, 1], [0, -1]], [[5, 1], [0, 1], [0, 1]], [[0, 1.5], [0, 1], [0, 1]], 'x']) {
      const e = await cg.getLeaves(ROOT, { bounds: bad as never }).catch((x: unknown) => x)
      expect(isInvalidParameterError(e) && e.parameter).toBe('bounds')
    }
    expect((await cg.getLeaves(ROOT, { bounds: [[0, 1], [0, 1]] as never }).catch((e: Error) => e.message)) as string).toContain('[[0,1],[0,1]]')
    expect(seen).toHaveLength(0)
  })

  it('getLeavesMany: POST node/leaves_many with node_ids, answers a map', async () => {
    on('post', '/node/leaves_many', () => text(`{"${ROOT}":["${SV}"],"${ROOT2}":[${SV2}]}`))
    const { cg } = client()
    const m = await cg.getLeavesMany([ROOT, ROOT2], { stopLayer: 1 })
    expect(m.get(ROOT)).toEqual(BigUint64Array.of(SV))
    expect(m.get(ROOT2)).toEqual(BigUint64Array.of(SV2))
    const s = only()
    expect(s.url.search).toBe('?stop_layer=1&int64_as_str=true')
    expect(s.headers.get('content-type')).toBe('application/json')
    expect(bodyText(s)).toBe(`{"node_ids":[${ROOT},${ROOT2}]}`)
  })

  it('getChildren', async () => {
    on('get', `/node/${ROOT}/children`, () => text(`{"children_ids":["${L2}"]}`))
    expect([...(await client().cg.getChildren(ROOT))]).toEqual([L2])
    expect(only().url.search).toBe('?int64_as_str=true')
  })

  it('getSubgraph: nodes (pairs), affinities, areas', async () => {
    on('get', `/node/${ROOT}/subgraph`, () => text(`{"nodes":[["${SV}","${SV2}"]],"affinities":[0.75],"areas":["12"]}`))
    const g = await client().cg.getSubgraph(ROOT, { bounds: [[0, 1], [2, 3], [4, 5]] })
    expect(g).toEqual({ edges: [[SV, SV2]], affinities: [0.75], areas: [12] })
    expect(only().url.search).toBe('?bounds=0-1_2-3_4-5&int64_as_str=true')
  })

  it('level2ChunkGraph: checks Used-Bounds when bounds were sent', async () => {
    let used = 'True'
    on('get', `/node/${ROOT}/lvl2_graph`, () => text(`{"edge_graph":[["${L2}",${L2 + 1n}]]}`, 200, { 'Used-Bounds': used }))
    const { cg } = client()
    expect(await cg.level2ChunkGraph(ROOT, { bounds: [[0, 1], [0, 1], [0, 1]] })).toEqual([[L2, L2 + 1n]])
    expect(seen[0]?.url.search).toBe('?bounds=0-1_0-1_0-1&int64_as_str=true')
    used = 'False'
    await expect(cg.level2ChunkGraph(ROOT, { bounds: [[0, 1], [0, 1], [0, 1]] })).rejects.toThrow(/did not apply the bounds \(Used-Bounds: False\)/)
    expect(await cg.level2ChunkGraph(ROOT)).toEqual([[L2, L2 + 1n]])
  })

  it('level2ChunkGraph(bounds) on a server older than 2.15.0 fails before the request', async () => {
    serverVersion = '2.14.9'
    const e = await client().cg.level2ChunkGraph(ROOT, { bounds: [[0, 1], [0, 1], [0, 1]] }).catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e) && e.actual).toBe('2.14.9')
    expect(seen).toHaveLength(0)
  })

  it('getContactSites: a body-free GET with bounds, partners and timestamp; keys become bigint', async () => {
    on('get', `/node/${ROOT}/contact_sites`, () => text(`{"contact_sites":{"${ROOT2}":[[1,2,3,4]]},"contact_site_metadata":{"n":1}}`))
    const { cg } = client({ timestamp: 1700000000 })
    const cs = await cg.getContactSites(ROOT, { bounds: [[0, 1], [0, 1], [0, 1]], calcPartners: true })
    expect(cs.contactSites.get(ROOT2)).toEqual([[1, 2, 3, 4]])
    expect(cs.metadata).toEqual({ n: 1 })
    const s = only()
    expect(s.url.search).toBe('?bounds=0-1_0-1_0-1&partners=true&timestamp=1700000000&int64_as_str=true')
    expect(s.body.length).toBe(0)
  })

  it('findPath: POST graph/find_path with [[root, x, y, z], …] in nm', async () => {
    on('post', '/graph/find_path', () => text(`{"centroids_list":[[1,2,3]],"l2_path":["${L2}"],"failed_l2_ids":[]}`))
    const r = await client().cg.findPath(ROOT, [1, 2, 3], [4, 5, 6.5])
    expect(r).toEqual({ centroids: [[1, 2, 3]], l2Path: BigUint64Array.of(L2), failedL2Ids: new BigUint64Array(0) })
    const s = only()
    expect(s.url.search).toBe('?precision_mode=false&int64_as_str=true')
    expect(bodyText(s)).toBe(`[[${ROOT},1,2,3],[${ROOT},4,5,6.5]]`)
  })

  it('getMinimalCoveringNodes: binary answer, and an error status is an error, not ids (§6.3 #8)', async () => {
    on('post', '/minimal_covering_nodes', () => new HttpResponse(encodeUint64LE([ROOT, L2])))
    const { cg } = client()
    expect([...(await cg.getMinimalCoveringNodes([SV, SV2]))]).toEqual([ROOT, L2])
    const s = only()
    expect(s.url.search).toBe('?as_array=true')
    expect(bodyText(s)).toBe(`{"node_ids":[${SV},${SV2}]}`)
    server.use(http.post(`${P}/minimal_covering_nodes`, () => text('{"code":500,"message":"boom","traceback":[]}', 500)))
    const e = await cg.getMinimalCoveringNodes([SV], { signal: AbortSignal.timeout(10_000) }).catch((x: unknown) => x)
    expect(isHttpError(e) && e.serverMessage).toBe('boom')
  })

  it('getMinimalCoveringNodes on 3.0.4 (gate >=2.18.0,<3 or >=3.0.5,<4) fails before the request', async () => {
    serverVersion = '3.0.4'
    const e = await client().cg.getMinimalCoveringNodes([SV]).catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e)).toBe(true)
    expect(seen).toHaveLength(0)
  })

  it('an unknown server version (404) lets gated calls through with a warning', async () => {
    serverVersion = null
    on('post', '/minimal_covering_nodes', () => new HttpResponse(encodeUint64LE([ROOT])))
    const { cg, logger } = client()
    expect([...(await cg.getMinimalCoveringNodes([SV]))]).toEqual([ROOT])
    expect(logger.warnings.join('\n')).toMatch(/reported no version, so trying anyway/)
  })
})

describe('history', () => {
  it('getChangeLog: filtered defaults to true; counts and ids converted', async () => {
    on('get', `/root/${ROOT}/change_log`, () =>
      text(`{"n_mergers":"2","n_splits":1,"operations_ids":["${OP}",5],"past_ids":[${ROOT2}],"user_info":{"7":{"n_mergers":2,"n_splits":"1"}}}`),
    )
    const { cg } = client()
    expect(await cg.getChangeLog(ROOT)).toEqual({
      nMergers: 2,
      nSplits: 1,
      operationIds: BigUint64Array.of(OP, 5n),
      pastIds: BigUint64Array.of(ROOT2),
      userInfo: { '7': { nMergers: 2, nSplits: 1 } },
    })
    expect(only().url.search).toBe('?filtered=true&int64_as_str=true')
    await cg.getChangeLog(ROOT, { filtered: false })
    expect(seen[1]?.url.searchParams.get('filtered')).toBe('false')
  })

  it('getMergeLog', async () => {
    on('get', `/root/${ROOT}/merge_log`, () => text(`{"merge_edges":[[["${SV}","${SV2}"]]],"merge_edge_coords":[[[1,2,3],[4,5,6]]]}`))
    expect(await client().cg.getMergeLog(ROOT)).toEqual({ mergeEdges: [[[SV, SV2]]], mergeEdgeCoords: [[[1, 2, 3], [4, 5, 6]]] })
    expect(only().url.search).toBe('?int64_as_str=true')
  })

  it('getLineageGraph: POST lineage_graph_multiple with both bounds under their own names (§6.3 #6), prunes on request', async () => {
    const graph = `{"directed":true,"multigraph":false,"graph":{},"nodes":[{"id":"${ROOT}","operation_id":"${OP}","timestamp":1700000000.5},{"id":"${ROOT2}","operation_id":"0","timestamp":1700000100.25},{"id":"${ROOT3}","timestamp":1700000300}],"links":[{"source":"${ROOT}","target":"${ROOT2}"},{"source":"${ROOT2}","target":"${ROOT3}"}]}`
    on('post', '/lineage_graph_multiple', () => text(graph))
    const { cg } = client()
    const g = await cg.getLineageGraph([ROOT2, ROOT, ROOT2], { timestampPast: 1700000000, timestampFuture: '2023-11-14T22:15:00Z' })
    expect(g.nodes.map((n) => n.id)).toEqual([ROOT, ROOT2, ROOT3])
    expect(g.nodes[0]).toEqual({ id: ROOT, operationId: OP, timestamp: new Date(1700000000500), timestampSeconds: 1700000000.5 })
    expect(g.links).toEqual([
      { source: ROOT, target: ROOT2 },
      { source: ROOT2, target: ROOT3 },
    ])
    const s = only()
    expect(s.method).toBe('POST')
    expect(query(s)).toEqual({ timestamp_past: '1700000000', timestamp_future: '1700000100', int64_as_str: 'true' })
    expect(bodyText(s)).toBe(`{"root_ids":[${ROOT},${ROOT2}]}`)
    const pruned = await cg.getLineageGraph(ROOT, { timestampFuture: 1700000200, excludeLinksToFuture: true })
    expect(pruned.nodes.map((n) => n.id)).toEqual([ROOT, ROOT2])
    expect(pruned.links).toEqual([{ source: ROOT, target: ROOT2 }])
    expect(query(seen[1] as Seen)).toEqual({ timestamp_future: '1700000200', int64_as_str: 'true' })
  })

  it('getLatestRoots: root timestamp, then the lineage forward to the timestamp (out-degree 0)', async () => {
    on('post', '/root_timestamps', () => text('{"timestamp":[1700000000.5]}'))
    on('post', '/lineage_graph_multiple', () =>
      text(
        `{"directed":true,"multigraph":false,"graph":{},"nodes":[{"id":"${ROOT}","timestamp":1700000000.5},{"id":"${ROOT2}","timestamp":1700000100},{"id":"${ROOT3}","timestamp":1800000000}],"links":[{"source":"${ROOT}","target":"${ROOT2}"},{"source":"${ROOT2}","target":"${ROOT3}"}]}`,
      ),
    )
    const latest = await client().cg.getLatestRoots(ROOT, { timestamp: 1700000200 })
    expect([...latest]).toEqual([ROOT2])
    expect(seen.map((s) => s.url.pathname.split('/').pop())).toEqual(['root_timestamps', 'lineage_graph_multiple'])
    expect(bodyText(seen[0] as Seen)).toBe(`{"node_ids":[${ROOT}]}`)
    expect(query(seen[1] as Seen)).toEqual({ timestamp_past: '1700000000.5', timestamp_future: '1700000200', int64_as_str: 'true' })
  })

  it('getLatestRoots before the root existed, and getOriginalRoots: in-degree 0', async () => {
    on('post', '/root_timestamps', () => text('{"timestamp":[1700000100]}'))
    on('post', '/lineage_graph_multiple', () =>
      text(
        `{"directed":true,"multigraph":false,"graph":{},"nodes":[{"id":"${ROOT}","timestamp":1600000000},{"id":"${ROOT3}","timestamp":1600000000},{"id":"${ROOT2}","timestamp":1700000100}],"links":[{"source":"${ROOT}","target":"${ROOT2}"},{"source":"${ROOT3}","target":"${ROOT2}"}]}`,
      ),
    )
    const { cg } = client()
    expect([...(await cg.getLatestRoots(ROOT2, { timestamp: 1650000000 }))]).toEqual([ROOT, ROOT3])
    expect(query(seen[1] as Seen)).toEqual({ timestamp_past: '1650000000', timestamp_future: '1700000100', int64_as_str: 'true' })
    expect([...(await cg.getOriginalRoots(ROOT2))]).toEqual([ROOT, ROOT3])
    expect(query(seen[3] as Seen)).toEqual({ timestamp_future: '1700000100', int64_as_str: 'true' })
  })

  it('suggestLatestRoots: overlap of nodes at n_layers − 4, sorted', async () => {
    on('post', '/root_timestamps', () => text('{"timestamp":[1700000000]}'))
    on('post', '/lineage_graph_multiple', () =>
      text(
        `{"directed":true,"multigraph":false,"graph":{},"nodes":[{"id":"${ROOT}","timestamp":1700000000},{"id":"${ROOT2}","timestamp":1700000001},{"id":"${ROOT3}","timestamp":1700000001}],"links":[{"source":"${ROOT}","target":"${ROOT2}"},{"source":"${ROOT}","target":"${ROOT3}"}]}`,
      ),
    )
    server.use(http.get(`${LOCAL}/segmentation/table/${TABLE}/info`, () => HttpResponse.json({ graph: { n_layers: 12 }, scales: [{ key: 'a', resolution: [8, 8, 40] }] })))
    on('get', `/node/${ROOT}/leaves`, () => text(`{"leaf_ids":["1","2","3","4"]}`))
    on('post', '/node/leaves_many', () => text(`{"${ROOT2}":["1"],"${ROOT3}":["2","3","4","9"]}`))
    const s = await client().cg.suggestLatestRoots(ROOT)
    expect(s).toEqual([
      { rootId: ROOT3, fractionOverlap: 0.75 },
      { rootId: ROOT2, fractionOverlap: 0.25 },
    ])
    const leaves = seen.find((x) => x.url.pathname.endsWith('/leaves')) as Seen
    expect(leaves.url.searchParams.get('stop_layer')).toBe('8')
  })

  it('isLatestRoots: timestamp only when given or defaulted', async () => {
    on('post', '/is_latest_roots', () => text('{"is_latest":[true,false]}'))
    expect(await client().cg.isLatestRoots([ROOT, ROOT2])).toEqual([true, false])
    expect(seen[0]?.url.search).toBe('')
    expect(bodyText(seen[0] as Seen)).toBe(`{"node_ids":[${ROOT},${ROOT2}]}`)
    await client({ timestamp: 1700000000 }).cg.isLatestRoots([ROOT, ROOT2])
    expect(seen[1]?.url.search).toBe('?timestamp=1700000000')
  })

  it('getRootTimestamps: Dates (ms truncated); latest sends latest=true&timestamp; 1969 answers are errors', async () => {
    let answer = '{"timestamp":[1700000000.123456,1700000100]}'
    on('post', '/root_timestamps', () => text(answer))
    const { cg } = client()
    expect(await cg.getRootTimestamps([ROOT, ROOT2])).toEqual([new Date(1700000000123), new Date(1700000100000)])
    expect(seen[0]?.url.search).toBe('')
    await cg.getRootTimestamps([ROOT, ROOT2], { latest: true, timestamp: 1700000500 })
    expect(seen[1]?.url.search).toBe('?latest=true&timestamp=1700000500')
    answer = '{"timestamp":[0,1700000100]}'
    await expect(cg.getRootTimestamps([ROOT, ROOT2])).rejects.toThrow(new RegExp(`answered 0 \\(before 1970\\) for node ${ROOT}`))
  })

  it('getRootTimestamps(latest) on 2.16.0 fails before the request', async () => {
    serverVersion = '2.16.0'
    const e = await client().cg.getRootTimestamps([ROOT], { latest: true }).catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e)).toBe(true)
    expect(seen).toHaveLength(0)
  })

  it('getDeltaRoots: both timestamps, future defaults to now', async () => {
    on('get', '/delta_roots', () => text(`{"old_roots":["${ROOT}"],"new_roots":["${ROOT2}","${ROOT3}"]}`))
    const r = await client().cg.getDeltaRoots(new Date(1700000000000), { timestampFuture: 1700000100 })
    expect(r).toEqual({ oldRoots: BigUint64Array.of(ROOT), newRoots: BigUint64Array.of(ROOT2, ROOT3) })
    expect(only().url.search).toBe('?timestamp_past=1700000000&timestamp_future=1700000100&int64_as_str=true')
  })

  it('getOperationDetails: operation_ids as JSON array text; timestamps parsed from the space-separated form', async () => {
    on('get', '/operation_details', () =>
      text(
        `{"${OP}":{"added_edges":[["${SV}","${SV2}"]],"roots":["${ROOT}"],"source_ids":["${SV}"],"sink_ids":["${SV2}"],"source_coords":[[1,2,3]],"sink_coords":[[4,5,6]],"timestamp":"2024-01-14 13:59:26.057051+00:00","operation_ts":"2024-01-14 13:59:26+00:00","operation_status":0,"operation_exception":"","user":"7","undo_operation_id":"12"}}`,
      ),
    )
    const d = (await client().cg.getOperationDetails([OP, 12n])).get(OP)
    expect(d?.timestamp).toEqual(new Date('2024-01-14T13:59:26.057Z'))
    expect(d?.operationTimestamp).toEqual(new Date('2024-01-14T13:59:26.000Z'))
    expect(d?.addedEdges).toEqual([[SV, SV2]])
    expect(d?.removedEdges).toBeUndefined()
    expect(d?.roots).toEqual(BigUint64Array.of(ROOT))
    expect(d?.user).toBe('7')
    expect(d?.undoOperationId).toBe(12n)
    const s = only()
    expect(s.url.searchParams.get('operation_ids')).toBe(`[${OP}, 12]`)
    expect(s.url.search).toBe(`?operation_ids=%5B${OP},%2012%5D&int64_as_str=true`)
  })

  it('getOldestTimestamp: {"iso": "… …"} → Date', async () => {
    on('get', '/oldest_timestamp', () => text('{"iso":"2024-01-11 05:18:42.569367+00:00"}'))
    expect(await client().cg.getOldestTimestamp()).toEqual(new Date('2024-01-11T05:18:42.569Z'))
    expect(only().url.search).toBe('')
  })
})

describe('edits (never retried)', () => {
  it('doMerge: POST merge?priority=false with [[sv, x·rx, y·ry, z·rz], …]', async () => {
    on('post', '/merge', () => text(`{"operation_id":"${OP}","new_root_ids":["${ROOT3}"]}`))
    const r = await client().cg.doMerge([SV, `${SV2}`], [[10, 20, 3], [11, 21, 4]])
    expect(r).toEqual({ operationId: OP, newRootIds: BigUint64Array.of(ROOT3) })
    const s = only()
    expect(s.url.search).toBe('?priority=false&int64_as_str=true')
    expect(s.headers.get('content-type')).toBe('application/json')
    expect(bodyText(s)).toBe(`[[${SV},40,80,120],[${SV2},44,84,160]]`)
  })

  it('doMerge with a custom resolution, and input checks', async () => {
    on('post', '/merge', () => text(`{"operation_id":1,"new_root_ids":["${ROOT3}"]}`))
    const { cg } = client()
    await cg.doMerge([SV, SV2], [[1, 1, 1], [2, 2, 2]], { resolution: [8, 8, 40] })
    expect(bodyText(only())).toBe(`[[${SV},8,8,40],[${SV2},16,16,80]]`)
    await expect(cg.doMerge([SV] as never, [[1, 1, 1]] as never)).rejects.toThrow(/exactly 2 supervoxels/)
    await expect(cg.doMerge([SV, SV2], [[1, 1], [2, 2, 2]] as never)).rejects.toThrow(/coords\[0\] must be a point/)
    expect(seen).toHaveLength(1)
  })

  it('a 503 on merge is not retried', async () => {
    on('post', '/merge', () => new HttpResponse('busy', { status: 503 }))
    const e = await client().cg.doMerge([SV, SV2], [[1, 1, 1], [2, 2, 2]]).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(503)
    expect(seen).toHaveLength(1)
  })

  it('executeSplit: sources/sinks with the root for missing supervoxels', async () => {
    on('post', '/split', () => text(`{"operation_id":"${OP}","new_root_ids":["${ROOT2}","${ROOT3}"]}`))
    const r = await client().cg.executeSplit([[1, 2, 3], [4, 5, 6]], [[7, 8, 9]], ROOT, { sourceSupervoxels: [SV, null] })
    expect(r).toEqual({ operationId: OP, newRootIds: BigUint64Array.of(ROOT2, ROOT3) })
    const s = only()
    expect(s.url.search).toBe('?priority=false&int64_as_str=true')
    expect(bodyText(s)).toBe(`{"sources":[[${SV},1,2,3],[${ROOT},4,5,6]],"sinks":[[${ROOT},7,8,9]]}`)
  })

  it('executeSplit input checks', async () => {
    const { cg } = client()
    await expect(cg.executeSplit([], [[1, 2, 3]], ROOT)).rejects.toThrow(/sourcePoints must contain at least one point/)
    await expect(cg.executeSplit([[1, 2, 3]], [[1, 2, 3]], ROOT, { sinkSupervoxels: [SV, SV2] })).rejects.toThrow(/sinkSupervoxels must have one entry per point/)
    await expect(cg.executeSplit([[1, 2, 3]], [[1, 2, 3]], -5)).rejects.toThrow(/rootId must not be negative/)
    expect(seen).toHaveLength(0)
  })

  it('previewSplit: components, success flag, extra components', async () => {
    on('post', '/graph/split_preview', () =>
      text(`{"supervoxel_connected_components":[["${SV}"],["${SV2}"],["5"]],"illegal_split":false}`),
    )
    const r = await client().cg.previewSplit([[1, 2, 3]], [[4, 5, 6]], ROOT)
    expect(r).toEqual({
      sourceConnectedComponent: BigUint64Array.of(SV),
      sinkConnectedComponent: BigUint64Array.of(SV2),
      successfulSplit: true,
      otherConnectedComponents: [BigUint64Array.of(5n)],
    })
    const s = only()
    expect(s.url.search).toBe('?int64_as_str=true')
    expect(bodyText(s)).toBe(`{"sources":[[${ROOT},1,2,3]],"sinks":[[${ROOT},4,5,6]]}`)
  })

  it('undoOperation: POST undo with {"operation_id": n}; the server message surfaces on failure', async () => {
    on('post', '/undo', () => text(`{"operation_id":"${OP + 1n}","new_root_ids":["${ROOT}"]}`))
    const { cg } = client()
    expect(await cg.undoOperation(OP)).toEqual({ operationId: OP + 1n, newRootIds: BigUint64Array.of(ROOT) })
    const s = only()
    expect(s.url.search).toBe('?priority=false&int64_as_str=true')
    expect(bodyText(s)).toBe(`{"operation_id":${OP}}`)
    server.use(http.post(`${P}/undo`, () => text('{"code":400,"message":"Operation 1 does not exist","traceback":["Traceback"]}', 400)))
    const e = (await cg.undoOperation(1).catch((x: unknown) => x)) as HttpError
    expect(e.serverMessage).toBe('Operation 1 does not exist')
    expect(e.message).toContain('Operation 1 does not exist')
  })

  it('remeshLevel2Chunks: POST {L}/meshing/api/v1/table/{t}/remeshing; the body is ignored', async () => {
    on('post', `${LOCAL}/meshing/api/v1/table/${TABLE}/remeshing`, () => new HttpResponse('ok'))
    await client().cg.remeshLevel2Chunks([L2])
    const s = only()
    expect(s.url.pathname).toBe(`/meshing/api/v1/table/${TABLE}/remeshing`)
    expect(bodyText(s)).toBe(`{"new_lvl2_ids":[${L2}]}`)
  })
})

describe('segmentation info', () => {
  it('is fetched once; baseResolution reads scales[0]', async () => {
    let n = 0
    server.use(
      http.get(`${LOCAL}/segmentation/table/${TABLE}/info`, () => {
        n++
        return HttpResponse.json({ graph: { n_layers: 12 }, scales: [{ key: '8_8_40', resolution: [8, 8, 40] }] })
      }),
    )
    const { cg } = client()
    expect((await cg.segmentationInfo()).graph?.n_layers).toBe(12)
    expect(await cg.baseResolution()).toEqual([8, 8, 40])
    expect(n).toBe(1)
  })
})

describe('abort', () => {
  it('every method takes a signal', async () => {
    const { cg } = client()
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(cg.getRootId(SV, { signal: controller.signal })).rejects.toBe(reason)
    await expect(cg.getRoots([SV], { signal: controller.signal })).rejects.toBe(reason)
    expect(seen).toHaveLength(0)
  })
})
