/**
 * What the client does where a GET cannot carry a body (browsers): `#get-with-body` is swapped for
 * the browser implementation, so the Node test runner sees the same `UnsupportedInBrowserError`
 * Chromium would. Tabular change logs use the per-root route, past ids are computed from the
 * lineage graph, valid nodes (no alternative) fail with the typed error before sending.
 */
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { isUnsupportedInBrowserError } from '../http/errors.js'
import { LOCAL } from '../test-support/fake-auth.js'
import { P, chunkedgraphTestContext } from '../test-support/chunkedgraph-context.js'
import { createChunkedGraphClient } from './client.js'
import { pastFutureIdMapping } from './lineage.js'
import type { LineageGraph } from './types.js'

vi.mock('#get-with-body', async () => await import('../http/get-with-body-browser.js'))

const A = 864691135217000001n
const B = 864691135217000002n
const C = 864691135217000003n
const D = 864691135217000004n

const server = setupServer()
const seen: Array<{ method: string; url: URL; body: string }> = []
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
beforeEach(() => {
  seen.length = 0
  server.use(
    http.get(`${LOCAL}/segmentation/api/versions`, () => HttpResponse.json([1])),
    http.get(`${LOCAL}/segmentation/api/version`, () => HttpResponse.json('3.0.9')),
  )
})

function record(method: 'get' | 'post', path: string, body: (url: URL) => string) {
  server.use(
    http[method](`${P}${path}`, async ({ request }) => {
      const url = new URL(request.url)
      seen.push({ method: request.method, url, body: await request.text() })
      return new HttpResponse(body(url), { headers: { 'content-type': 'application/json' } })
    }),
  )
}

const client = () => createChunkedGraphClient(chunkedgraphTestContext().ctx)

describe('without GET bodies (browser behaviour)', () => {
  it('getTabularChangeLog asks GET root/{id}/tabular_change_log once per root', async () => {
    record('get', '/root/:root/tabular_change_log', (url) => {
      const root = url.pathname.split('/').at(-2)
      return `{"operation_id":{"0":${root === String(A) ? 7 : 8}},"timestamp":{"0":1700000000000},"user_id":{"0":"1"},"before_root_ids":{"0":[${C}]},"after_root_ids":{"0":[${root}]},"is_merge":{"0":true}}`
    })
    const logs = await client().getTabularChangeLog([B, A, B], { filtered: true })
    expect([...logs.keys()]).toEqual([A, B])
    expect(logs.get(A)?.[0]?.operationId).toBe(7n)
    expect(logs.get(B)?.[0]?.afterRootIds).toEqual([B])
    expect(seen.map((s) => `${s.method} ${s.url.pathname}${s.url.search}`).sort()).toEqual([
      `GET /segmentation/api/v1/table/fly_v1/root/${A}/tabular_change_log?filtered=true`,
      `GET /segmentation/api/v1/table/fly_v1/root/${B}/tabular_change_log?filtered=true`,
    ])
  })

  it('getPastIds computes the mapping from POST lineage_graph_multiple with the same timestamps', async () => {
    // A and B merged into C.
    record('post', '/lineage_graph_multiple', () =>
      JSON.stringify({
        directed: true,
        multigraph: false,
        graph: {},
        nodes: [A, B, C].map((id, i) => ({ id: String(id), timestamp: 1700000000 + i })),
        links: [
          { source: String(A), target: String(C) },
          { source: String(B), target: String(C) },
        ],
      }),
    )
    const r = await client().getPastIds([C], { timestampPast: 1600000000 })
    expect(r.pastIdMap.get(C)).toEqual(BigUint64Array.of(A, B))
    expect(r.futureIdMap.get(A)).toEqual(BigUint64Array.of(C))
    expect(r.futureIdMap.get(B)).toEqual(BigUint64Array.of(C))
    expect(seen).toHaveLength(1)
    expect(seen[0]?.url.search).toBe('?timestamp_past=1600000000&int64_as_str=true')
    expect(seen[0]?.body).toBe(`{"root_ids":[${C}]}`)
  })

  it('isValidNodes has no body-free form: UnsupportedInBrowserError, nothing sent', async () => {
    const e = await client().isValidNodes([A]).catch((x: unknown) => x)
    expect(isUnsupportedInBrowserError(e)).toBe(true)
    expect(seen).toHaveLength(0)
  })
})

describe('pastFutureIdMapping (PyChunkedGraph History.past_future_id_mapping)', () => {
  const node = (id: bigint) => ({ id, operationId: undefined, timestamp: new Date(0), timestampSeconds: 1 })
  const graph = (ids: bigint[], links: Array<[bigint, bigint]>): LineageGraph => ({
    directed: true,
    multigraph: false,
    graph: {},
    nodes: ids.map(node),
    links: links.map(([source, target]) => ({ source, target })),
  })

  it('a root without history maps to itself and forward to itself', () => {
    const r = pastFutureIdMapping(graph([A], []), [A])
    expect(r.pastIdMap.get(A)).toEqual(BigUint64Array.of(A))
    expect(r.futureIdMap.get(A)).toEqual(BigUint64Array.of(A))
  })

  it('a split downstream leaves the past id without a future id', () => {
    // A split into B and C; C is the queried root.
    const r = pastFutureIdMapping(graph([A, B, C], [[A, B], [A, C]]), [C])
    expect(r.pastIdMap.get(C)).toEqual(BigUint64Array.of(A))
    expect(r.futureIdMap.has(A)).toBe(false)
  })

  it('merges keep a single future id; a chain through a single-parent node does not', () => {
    const merged = pastFutureIdMapping(graph([A, B, C], [[A, C], [B, C]]), [C])
    expect(merged.pastIdMap.get(C)).toEqual(BigUint64Array.of(A, B))
    expect(merged.futureIdMap.get(A)).toEqual(BigUint64Array.of(C))
    const chain = pastFutureIdMapping(graph([A, B, C, D], [[A, C], [B, C], [C, D]]), [D])
    expect(chain.pastIdMap.get(D)).toEqual(BigUint64Array.of(A, B))
    expect(chain.futureIdMap.size).toBe(0)
  })
})
