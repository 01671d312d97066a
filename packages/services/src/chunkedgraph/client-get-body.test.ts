/**
 * The three GET-with-JSON-body routes (`tabular_change_log_many`, `past_id_mapping`,
 * `valid_nodes`) go through `node:http` in Node; msw does not see those, so they are checked
 * against a real server on 127.0.0.1: method GET, exact URL, headers and body, parsed result.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TOKEN } from '../test-support/fake-auth.js'
import { TABLE, chunkedgraphTestContext } from '../test-support/chunkedgraph-context.js'
import { startServer, type Received } from '../test-support/local-server.js'
import { createChunkedGraphClient } from './client.js'

const ROOT = 864691135217871271n
const ROOT2 = 864691135217871272n
const OLD = 864691135217000001n
const OP = 864691135217871999n
const PATH = `/segmentation/api/v1/table/${TABLE}`

let srv: Awaited<ReturnType<typeof startServer>>
let answer: { status: number; body: string } = { status: 200, body: '{}' }

beforeAll(async () => {
  srv = await startServer((req, res) => {
    const path = req.url.split('?')[0]
    if (path === '/segmentation/api/versions') return void res.writeHead(200, { 'content-type': 'application/json' }).end('[0, 1]')
    if (path === '/segmentation/api/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end('"2.18.3"')
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body)
  })
})
afterAll(() => srv.close())
beforeEach(() => {
  srv.received.length = 0
})

const client = (timestamp?: number) =>
  createChunkedGraphClient(chunkedgraphTestContext({ local: srv.origin }).ctx, timestamp === undefined ? {} : { timestamp })

/** The one request that was not a version probe. */
function sent(): Received {
  const calls = srv.received.filter((r) => !r.url.startsWith('/segmentation/api/version'))
  expect(calls).toHaveLength(1)
  expect(calls[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`)
  return calls[0] as Received
}

describe('GET with a JSON body (Node)', () => {
  it('getTabularChangeLog: unique sorted root_ids in the body, pandas tables parsed (ms timestamps)', async () => {
    const table = `{"operation_id":{"0":${OP},"1":5},"timestamp":{"0":1705240766057,"1":1705325370380},"user_id":{"0":"1","1":"2001"},"before_root_ids":{"0":[${OLD}],"1":[${ROOT2}]},"after_root_ids":{"0":[${ROOT2}],"1":[${ROOT}]},"is_merge":{"0":true,"1":false},"user_name":{"0":"Dev User","1":"Ada"},"user_affiliation":{"0":"Lab","1":"Lab"}}`
    answer = { status: 200, body: JSON.stringify({ [String(ROOT)]: table }) }
    const logs = await client().getTabularChangeLog([ROOT, ROOT, ROOT2].reverse(), { filtered: false })
    const r = sent()
    expect(r.method).toBe('GET')
    expect(r.url).toBe(`${PATH}/tabular_change_log_many?filtered=false`)
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(r.body.toString()).toBe(`{"root_ids":[${ROOT},${ROOT2}]}`)
    expect(logs.get(ROOT)).toEqual([
      {
        operationId: OP,
        timestamp: new Date(1705240766057),
        userId: '1',
        beforeRootIds: [OLD],
        afterRootIds: [ROOT2],
        isMerge: true,
        userName: 'Dev User',
        userAffiliation: 'Lab',
      },
      {
        operationId: 5n,
        timestamp: new Date(1705325370380),
        userId: '2001',
        beforeRootIds: [ROOT2],
        afterRootIds: [ROOT],
        isMerge: false,
        userName: 'Ada',
        userAffiliation: 'Lab',
      },
    ])
  })

  it('getPastIds: timestamps by name, id maps with lists (past) and single ids (future)', async () => {
    answer = { status: 200, body: `{"past_id_map":{"${ROOT}":["${OLD}"]},"future_id_map":{"${OLD}":"${ROOT}"}}` }
    const r0 = await client().getPastIds([ROOT], { timestampPast: 1700000000.5, timestampFuture: new Date(1700000100000) })
    const r = sent()
    expect(r.method).toBe('GET')
    expect(r.url).toBe(`${PATH}/past_id_mapping?timestamp_past=1700000000.5&timestamp_future=1700000100&int64_as_str=true`)
    expect(r.body.toString()).toBe(`{"root_ids":[${ROOT}]}`)
    expect(r0.pastIdMap.get(ROOT)).toEqual(BigUint64Array.of(OLD))
    expect(r0.futureIdMap.get(OLD)).toEqual(BigUint64Array.of(ROOT))
  })

  it('isValidNodes: start defaults to 2000-01-01, end from the client default; 0 is answered without asking', async () => {
    answer = { status: 200, body: `{"valid_roots":["${ROOT2}"]}` }
    const mask = await client(1700000000).isValidNodes([ROOT, 0n, ROOT2])
    expect(mask).toEqual([false, false, true])
    const r = sent()
    expect(r.method).toBe('GET')
    expect(r.url).toBe(`${PATH}/valid_nodes?start_timestamp=946684800&end_timestamp=1700000000&int64_as_str=true`)
    expect(r.body.toString()).toBe(`{"node_ids":[${ROOT},${ROOT2}]}`)
    srv.received.length = 0
    expect(await client().isValidNodes([0n, 0n])).toEqual([false, false])
    expect(srv.received).toHaveLength(0)
  })

  it('server errors surface with the server message', async () => {
    answer = { status: 400, body: '{"code":400,"message":"864691135217871271 is not a root","traceback":["Traceback"]}' }
    await expect(client().getPastIds([ROOT])).rejects.toThrow(/864691135217871271 is not a root/)
  })
})
