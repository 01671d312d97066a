import { createServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_DATASTACK, DEV_TOKEN, FaultInjector, startDevServer, type DevServer, type FaultSnapshot } from './index.js'

let server: DevServer
const INFO = `/info/api/v2/datastack/full/${DEMO_DATASTACK}`
const auth = { Authorization: `Bearer ${DEV_TOKEN}` }

function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } })
}

beforeAll(async () => {
  server = await startDevServer()
})
afterEach(() => {
  server.faults.clear()
})
afterAll(async () => {
  await server.close()
})

describe('fault injection', () => {
  it('a 503 burst is counted, then the route recovers', async () => {
    const fault = server.faults.add({ path: '/info/api/v2/datastack', status: 503, times: 3 })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await get(INFO)).status)
    expect(statuses).toEqual([503, 503, 503, 200])
    expect(fault.hits).toBe(3)
    expect(fault.remaining).toBe(0)
    expect(fault.active).toBe(false)
    // Non-matching paths were never affected.
    expect((await get('/info/api/v2/datastacks')).status).toBe(200)
  })

  it('the default fault body is JSON with a message', async () => {
    server.faults.add({ path: INFO, status: 503, times: 1 })
    const res = await get(INFO)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual({ message: 'Service Unavailable (injected fault)' })
  })

  it('a slow response takes at least delayMs and is otherwise normal', async () => {
    server.faults.add({ path: INFO, delayMs: 250, times: 1 })
    const t0 = performance.now()
    const res = await get(INFO)
    const elapsed = performance.now() - t0
    expect(res.status).toBe(200)
    expect(elapsed).toBeGreaterThanOrEqual(240)
    const t1 = performance.now()
    expect((await get(INFO)).status).toBe(200)
    expect(performance.now() - t1).toBeLessThan(200)
  })

  it('429 with Retry-After (seconds or HTTP date), exposed to browsers', async () => {
    server.faults.add({ path: INFO, status: 429, retryAfter: 1, times: 1 })
    const date = new Date(Date.now() + 5000).toUTCString()
    server.faults.add({ path: INFO, status: 429, retryAfter: date, times: 1 })
    const a = await get(INFO)
    expect(a.status).toBe(429)
    expect(a.headers.get('retry-after')).toBe('1')
    expect(a.headers.get('access-control-expose-headers')).toContain('Retry-After')
    const b = await get(INFO)
    expect(b.headers.get('retry-after')).toBe(date)
    expect((await get(INFO)).status).toBe(200)
  })

  it('a 502 gateway HTML page', async () => {
    const body = '<html><title>502 Bad Gateway</title></html>'
    server.faults.add({ status: 502, body, contentType: 'text/html', times: 1 })
    const res = await get(INFO)
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('text/html')
    expect(await res.text()).toBe(body)
  })

  it('dropConnection makes fetch fail; the log marks the request dropped', async () => {
    const fault = server.faults.add({ path: /datastack\/full/, dropConnection: true, times: 1 })
    await expect(get(INFO)).rejects.toThrow(TypeError)
    expect(fault.hits).toBe(1)
    const entry = [...server.requests].reverse().find((e) => e.path === INFO)
    expect(entry).toMatchObject({ fault: fault.id, dropped: true })
    expect(entry?.status).toBeUndefined()
    expect((await get(INFO)).status).toBe(200)
  })

  it('method filter, skip, RegExp on path + query, first match wins', async () => {
    server.faults.add({ path: /image_source_name=x/, status: 500 })
    server.faults.add({ path: INFO, method: 'POST', status: 418 })
    server.faults.add({ path: INFO, status: 503, skip: 1, times: 1 })
    expect((await get(`${INFO}?image_source_name=x`)).status).toBe(500)
    expect((await get(INFO)).status).toBe(200) // skipped once
    expect((await get(INFO)).status).toBe(503)
    expect((await get(INFO)).status).toBe(200)
    expect((await get(INFO, { method: 'POST' })).status).toBe(418)
  })

  it('preflights and admin routes are not faulted unless OPTIONS is named', async () => {
    server.faults.add({ status: 503 })
    expect((await fetch(`${server.url}${INFO}`, { method: 'OPTIONS' })).status).toBe(204)
    expect((await fetch(`${server.url}/__dev/faults`)).status).toBe(200)
    server.faults.clear()
    server.faults.add({ method: 'OPTIONS', status: 503, times: 1 })
    expect((await fetch(`${server.url}${INFO}`, { method: 'OPTIONS' })).status).toBe(503)
  })

  it('faults given at start are active immediately', async () => {
    const s = await startDevServer({ faults: [{ path: '/info', status: 503, times: 2 }] })
    try {
      const f = async (): Promise<number> => (await fetch(`${s.url}${INFO}`, { headers: auth })).status
      expect([await f(), await f(), await f()]).toEqual([503, 503, 200])
      expect(s.faults.hits).toBe(2)
    } finally {
      await s.close()
    }
  })

  it('rejects faults that do nothing', () => {
    const faults = new FaultInjector()
    expect(() => faults.add({ path: '/x' })).toThrow(/needs status, delayMs or dropConnection/)
    expect(() => faults.add({ status: 42 })).toThrow(/status/)
  })
})

describe('admin route /__dev/faults', () => {
  it('adds, lists, counts and clears faults over HTTP', async () => {
    const add = await fetch(`${server.url}/__dev/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'burst', pathRegex: '^/info/api/v2/datastack/full/', status: 503, times: 2 }),
    })
    expect(add.status).toBe(201)
    expect(await add.json()).toMatchObject({ id: 'burst', status: 503, times: 2, hits: 0, remaining: 2 })
    expect((await get(INFO)).status).toBe(503)
    const list = (await (await fetch(`${server.url}/__dev/faults`)).json()) as FaultSnapshot[]
    expect(list).toEqual([expect.objectContaining({ id: 'burst', hits: 1, remaining: 1, active: true })])
    expect((await fetch(`${server.url}/__dev/faults`, { method: 'DELETE' })).status).toBe(204)
    expect(server.faults.list()).toEqual([])
    expect((await get(INFO)).status).toBe(200)
  })

  it('accepts an array, removes one by id, rejects invalid faults with 400', async () => {
    const res = await fetch(`${server.url}/__dev/faults`, {
      method: 'POST',
      body: JSON.stringify([
        { path: '/a', status: 500 },
        { path: '/b', delayMs: 10 },
      ]),
    })
    expect(res.status).toBe(201)
    const added = (await res.json()) as FaultSnapshot[]
    expect(added).toHaveLength(2)
    expect((await fetch(`${server.url}/__dev/faults/${added[0]?.id}`, { method: 'DELETE' })).status).toBe(204)
    expect(server.faults.list().map((f) => f.id)).toEqual([added[1]?.id])
    const bad = await fetch(`${server.url}/__dev/faults`, { method: 'POST', body: JSON.stringify([{ path: '/c', status: 500 }, { path: '/d' }]) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toMatch(/needs status/)
    expect(server.faults.list()).toHaveLength(1) // nothing from the rejected batch
    expect((await fetch(`${server.url}/__dev/faults`, { method: 'POST', body: '{' })).status).toBe(400)
  })
})

describe('request log', () => {
  it('records method, path, query and headers with credentials redacted', async () => {
    server.requests.length = 0
    await get(`${INFO}?image_source_name=minnie_demo_em_mirror`, { headers: { 'X-Test': 'yes' } })
    await fetch(`${server.url}${INFO}?middle_auth_token=${DEV_TOKEN}`, { headers: { 'X-Requested-With': 'x' } })
    await fetch(`${server.url}${INFO}`, { headers: { Origin: 'http://o.test', Cookie: `middle_auth_token=${DEV_TOKEN}; a=b` } })
    await fetch(`${server.url}${INFO}`, { headers: { Authorization: 'Bearer 0123456789abcdef0123456789abcdef' } })
    await fetch(`${server.url}/__dev/faults`)
    expect(server.requests).toHaveLength(4) // admin route not logged
    const [a, b, c, d] = server.requests
    expect(a).toMatchObject({
      method: 'GET',
      path: INFO,
      query: { image_source_name: 'minnie_demo_em_mirror' },
      hasAuth: true,
      tokenSource: 'header',
      tokenValid: true,
      status: 200,
    })
    expect(a?.headers['x-test']).toBe('yes')
    expect(a?.headers).not.toHaveProperty('authorization')
    expect(b).toMatchObject({ query: { middle_auth_token: '[redacted]' }, hasAuth: false, tokenSource: 'query', tokenValid: true })
    expect(c).toMatchObject({ tokenSource: 'cookie', tokenValid: true })
    expect(c?.headers.cookie).toBe('middle_auth_token=[redacted]; a=b')
    expect(d).toMatchObject({ hasAuth: true, tokenValid: false, status: 401 })
    expect(JSON.stringify(server.requests)).not.toContain(DEV_TOKEN)
    expect(server.requests.map((e) => e.seq)).toEqual([...server.requests.map((e) => e.seq)].sort((x, y) => x - y))
  })

  it('is readable over HTTP, with ?since=', async () => {
    server.requests.length = 0
    await get('/info/api/v2/datastacks')
    await get('/info/version')
    const all = (await (await fetch(`${server.url}/__dev/requests`)).json()) as Array<{ seq: number; path: string }>
    expect(all.map((e) => e.path)).toEqual(['/info/api/v2/datastacks', '/info/version'])
    const since = (await (await fetch(`${server.url}/__dev/requests?since=${all[0]?.seq}`)).json()) as unknown[]
    expect(since).toHaveLength(1)
    expect((await fetch(`${server.url}/__dev/requests`, { method: 'DELETE' })).status).toBe(204)
    expect(server.requests).toHaveLength(0)
  })
})

describe('close()', () => {
  it('frees the port and ends pending delayed responses', async () => {
    const s = await startDevServer()
    s.faults.add({ delayMs: 10_000 })
    const pending = fetch(`${s.url}/info/version`).then(
      () => 'answered',
      () => 'failed',
    )
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    await s.close()
    await s.close() // idempotent
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(await pending).toBe('failed')
    await expect(fetch(`${s.url}/info/version`)).rejects.toThrow()
    // The port can be bound again.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer()
      probe.once('error', reject)
      probe.listen(s.port, '127.0.0.1', () => probe.close(() => resolve()))
    })
  })

  it('a new server can listen on the same port', async () => {
    const a = await startDevServer()
    const port = a.port
    await a.close()
    const b = await startDevServer({ port })
    try {
      expect(b.url).toBe(`http://127.0.0.1:${port}`)
      expect((await fetch(`${b.url}/info/version`)).status).toBe(200)
    } finally {
      await b.close()
    }
  })
})
