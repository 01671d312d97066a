import { gunzipSync } from 'node:zlib'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHttpClient } from './client.js'
import { isInvalidParameterError, isResponseFormatError } from './errors.js'
import { encodeUint64LE } from './uint64.js'
import { ELSEWHERE, GLOBAL, LOCAL, TOKEN, fakeAuth, recordingLogger } from '../test-support/fake-auth.js'
import { scriptedFetch, json } from '../test-support/scripted-fetch.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

describe('request', () => {
  it('fills the template, joins the address without // and parses ids losslessly', async () => {
    let seen = ''
    server.use(
      http.get(`${GLOBAL}/info/api/v2/datastack/full/:ds`, ({ request }) => {
        seen = request.url
        return new HttpResponse('{"local_server":"https://local.test","root":864691135217871271}', {
          headers: { 'content-type': 'application/json' },
        })
      }),
    )
    const client = createHttpClient()
    const info = await client.request('GET /info/api/v2/datastack/full/{datastack}', {
      baseUrl: `${GLOBAL}/`,
      params: { datastack: 'my stack' },
      query: { image_source_name: 'mirror', int64_as_str: false },
    })
    expect(seen).toBe(`${GLOBAL}/info/api/v2/datastack/full/my%20stack?image_source_name=mirror&int64_as_str=false`)
    expect(info).toEqual({ local_server: 'https://local.test', root: 864691135217871271n })
  })

  it('rejects a missing parameter before sending anything', async () => {
    const { fetch, calls } = scriptedFetch([json({})])
    const client = createHttpClient({ fetch })
    const p = client.request('GET /info/api/v2/datastack/full/{datastack}', { baseUrl: GLOBAL, params: {} as { datastack: string } })
    await expect(p).rejects.toSatisfy(isInvalidParameterError)
    await expect(p).rejects.toThrow(/needs parameter "datastack"/)
    expect(calls).toHaveLength(0)
  })

  it('builds URLs without sending', () => {
    const client = createHttpClient()
    expect(client.url('POST /segmentation/api/v1/table/{table_id}/roots_binary', { baseUrl: LOCAL, params: { table_id: 't' }, query: { timestamp: 1.5 } })).toEqual({
      method: 'POST',
      url: `${LOCAL}/segmentation/api/v1/table/t/roots_binary?timestamp=1.5`,
    })
  })
})

describe('auth headers', () => {
  it('sends the token only to origins the Authorizer allows', async () => {
    const seen: Record<string, string | null> = {}
    server.use(
      http.get(`${GLOBAL}/x`, ({ request }) => {
        seen.global = request.headers.get('authorization')
        return HttpResponse.json(1)
      }),
      http.get(`${LOCAL}/x`, ({ request }) => {
        seen.local = request.headers.get('authorization')
        return HttpResponse.json(2)
      }),
      http.get(`${ELSEWHERE}/x`, ({ request }) => {
        seen.elsewhere = request.headers.get('authorization')
        seen.cookie = request.headers.get('cookie')
        return HttpResponse.json(3)
      }),
    )
    const client = createHttpClient({ auth: fakeAuth([GLOBAL, LOCAL]) })
    await client.send('GET', `${GLOBAL}/x`)
    await client.send('GET', `${LOCAL}/x`)
    await client.send('GET', `${ELSEWHERE}/x`)
    expect(seen).toEqual({ global: `Bearer ${TOKEN}`, local: `Bearer ${TOKEN}`, elsewhere: null, cookie: null })
  })

  it('never asks for credentials: include, and handles redirects itself', async () => {
    const { fetch, calls } = scriptedFetch([json(1)])
    await createHttpClient({ fetch, auth: fakeAuth() }).send('GET', `${GLOBAL}/x`)
    expect(calls[0]?.init.credentials).not.toBe('include')
    expect(calls[0]?.init.redirect).toBe('manual')
  })

  it('re-decides auth on every redirect hop and drops caller credentials across origins', async () => {
    const seen: (string | null)[] = []
    server.use(
      http.get(`${GLOBAL}/moved`, ({ request }) => {
        seen.push(request.headers.get('authorization'))
        return new HttpResponse(null, { status: 307, headers: { location: `${ELSEWHERE}/file` } })
      }),
      http.get(`${ELSEWHERE}/file`, ({ request }) => {
        seen.push(request.headers.get('authorization'), request.headers.get('x-keep'))
        return HttpResponse.json('ok')
      }),
    )
    const client = createHttpClient({ auth: fakeAuth([GLOBAL]) })
    expect(await client.send('GET', `${GLOBAL}/moved`, { headers: { 'x-keep': 'yes' } })).toBe('ok')
    expect(seen).toEqual([`Bearer ${TOKEN}`, null, 'yes'])
    seen.length = 0
    await client.send('GET', `${GLOBAL}/moved`, { headers: { Authorization: 'Bearer caller-set' } })
    expect(seen[1]).toBeNull()
  })

  it('looks fetch up at call time', async () => {
    const client = createHttpClient()
    const { fetch, calls } = scriptedFetch([json('patched')])
    vi.stubGlobal('fetch', fetch)
    try {
      expect(await client.send('GET', `${GLOBAL}/late`)).toBe('patched')
      expect(calls).toHaveLength(1)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('bodies', () => {
  it('sends bigint ids as bare JSON integers', async () => {
    let body = ''
    let type: string | null = null
    server.use(
      http.post(`${LOCAL}/leaves_many`, async ({ request }) => {
        body = await request.text()
        type = request.headers.get('content-type')
        return HttpResponse.json({})
      }),
    )
    await createHttpClient().send('POST', `${LOCAL}/leaves_many`, { json: { node_ids: [864691135217871271n, 18446744073709551615n] } })
    expect(body).toBe('{"node_ids":[864691135217871271,18446744073709551615]}')
    expect(type).toBe('application/json')
  })

  it('sends and receives packed little-endian uint64', async () => {
    const ids = new BigUint64Array([864691135217871271n, 18446744073709551615n, 0n])
    let type: string | null = null
    server.use(
      http.post(`${LOCAL}/roots_binary`, async ({ request }) => {
        type = request.headers.get('content-type')
        const got = new BigUint64Array(await request.arrayBuffer())
        const roots = got.map((v) => (v === 0n ? 0n : v + 1n))
        return new HttpResponse(encodeUint64LE(roots))
      }),
    )
    const out = await createHttpClient().send('POST', `${LOCAL}/roots_binary`, { body: ids, responseType: 'uint64', retryable: true })
    expect(type).toBe('application/octet-stream')
    expect(out).toBeInstanceOf(BigUint64Array)
    expect(Array.from(out)).toEqual([864691135217871272n, 0n, 0n])
  })

  it('rejects a uint64 body whose length is not a multiple of 8', async () => {
    server.use(http.get(`${LOCAL}/bin`, () => new HttpResponse(new Uint8Array(12))))
    const p = createHttpClient().send('GET', `${LOCAL}/bin`, { responseType: 'uint64' })
    await expect(p).rejects.toSatisfy(isResponseFormatError)
    await expect(p).rejects.toThrow(`GET ${LOCAL}/bin: uint64 data must be a multiple of 8 bytes long, got 12 bytes`)
  })

  it('gzips large bodies when asked, and only then', async () => {
    const received: { encoding: string | null; bytes: Uint8Array }[] = []
    server.use(
      http.post(`${GLOBAL}/upload`, async ({ request }) => {
        received.push({ encoding: request.headers.get('content-encoding'), bytes: new Uint8Array(await request.arrayBuffer()) })
        return HttpResponse.json(1)
      }),
    )
    const client = createHttpClient({ gzipThresholdBytes: 1000 })
    const big = { rows: Array.from({ length: 500 }, (_, i) => ({ id: BigInt(i) + 864691135217871271n })) }
    await client.send('POST', `${GLOBAL}/upload`, { json: big, gzip: true })
    await client.send('POST', `${GLOBAL}/upload`, { json: { small: 1 }, gzip: true })
    await client.send('POST', `${GLOBAL}/upload`, { json: big })
    expect(received.map((r) => r.encoding)).toEqual(['gzip', null, null])
    const first = received[0] as { bytes: Uint8Array }
    expect(first.bytes.byteLength).toBeLessThan((received[2] as { bytes: Uint8Array }).bytes.byteLength)
    const text = gunzipSync(first.bytes).toString('utf8')
    expect(text).toBe(new TextDecoder().decode((received[2] as { bytes: Uint8Array }).bytes))
    expect(text).toContain('864691135217871271')
  })

  it('rejects json and body together, and HEAD with a body', async () => {
    const client = createHttpClient()
    await expect(client.send('POST', `${GLOBAL}/x`, { json: 1, body: 'x' })).rejects.toThrow(/either json or body/)
    await expect(client.send('HEAD', `${GLOBAL}/x`, { body: 'x' })).rejects.toThrow(/HEAD/)
  })
})

describe('responses', () => {
  it('reads text, arrayBuffer, raw responses and empty JSON', async () => {
    server.use(
      http.get(`${GLOBAL}/t`, () => HttpResponse.text('hello')),
      http.get(`${GLOBAL}/empty`, () => new HttpResponse(null, { status: 204 })),
    )
    const client = createHttpClient()
    expect(await client.send('GET', `${GLOBAL}/t`, { responseType: 'text' })).toBe('hello')
    expect(new TextDecoder().decode(await client.send('GET', `${GLOBAL}/t`, { responseType: 'arrayBuffer' }))).toBe('hello')
    const raw = await client.send('GET', `${GLOBAL}/t`, { responseType: 'response' })
    expect(raw.status).toBe(200)
    expect(await raw.text()).toBe('hello')
    expect(await client.send('GET', `${GLOBAL}/empty`)).toBeUndefined()
  })

  it('reports a 200 that is not JSON', async () => {
    server.use(http.get(`${GLOBAL}/html`, () => HttpResponse.html('<html>login</html>')))
    const p = createHttpClient().send('GET', `${GLOBAL}/html`)
    await expect(p).rejects.toSatisfy(isResponseFormatError)
    await expect(p).rejects.toThrow(/answered 200 with a body that is not JSON/)
  })

  it('logs a Warning header on success', async () => {
    server.use(http.get(`${LOCAL}/q`, () => HttpResponse.json([], { headers: { warning: '201 - "Limited query to 200000 rows"' } })))
    const logger = recordingLogger()
    await createHttpClient({ logger }).send('GET', `${LOCAL}/q`)
    expect(logger.warnings).toEqual([`GET ${LOCAL}/q: server warning: 201 - "Limited query to 200000 rows"`])
  })
})

describe('typing of routes', () => {
  it('requires the params of a literal route (the @ts-expect-error is checked by pnpm typecheck)', () => {
    const client = createHttpClient()
    // @ts-expect-error — `params.datastack` is required by the template
    expect(() => client.url('GET /info/api/v2/datastack/full/{datastack}', { baseUrl: GLOBAL })).toThrow(/needs parameter "datastack"/)
    // @ts-expect-error — `datastacks` has no placeholders
    expect(() => client.url('GET /info/api/v2/datastacks', { baseUrl: GLOBAL, params: { x: 1 } })).toThrow(/no parameter "x"/)
  })

  it('accepts params for a route only known as string', async () => {
    const { fetch, calls } = scriptedFetch([json(1)])
    const route: string = 'GET /info/api/v2/aligned_volume/{aligned_volume}'
    await createHttpClient({ fetch }).request(route, { baseUrl: GLOBAL, params: { aligned_volume: 'av' } })
    expect(calls[0]?.url).toBe(`${GLOBAL}/info/api/v2/aligned_volume/av`)
  })
})
