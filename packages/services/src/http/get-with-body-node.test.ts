import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient } from './client.js'
import { isAuthError, isTimeoutError, type AuthError } from './errors.js'
import { sendGetWithBody } from '#get-with-body'
import { TOKEN, fakeAuth } from '../test-support/fake-auth.js'
import { startServer } from '../test-support/local-server.js'

let srv: Awaited<ReturnType<typeof startServer>>
let failuresLeft = 0
beforeAll(async () => {
  srv = await startServer((req, res) => {
    const path = req.url.split('?')[0]
    if (path === '/hang') return
    if (path === '/flaky' && failuresLeft-- > 0) {
      res.writeHead(503).end('busy')
      return
    }
    if (path === '/tos') {
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'missing_tos', message: 'accept', data: { tos_id: 1, tos_name: 'T', tos_form_url: 'https://global.test/auth/api/v1/tos/1/accept' } }))
      return
    }
    if (path === '/login') {
      res.writeHead(302, { location: 'https://global.test/auth/api/v1/authorize?redirect=x' }).end()
      return
    }
    // Echo the parsed body back with one more id, gzipped like a real deployment would.
    const text = req.body.toString('utf8')
    const reply = text.replace(/\]\}$/, ', 18446744073709551615]}')
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    res.end(gzipSync(reply))
  })
})
afterAll(() => srv.close())

const roots = { root_ids: [864691135217871271n] }

describe('GET with a JSON body (Node, node:http)', () => {
  it('resolves #get-with-body to the Node sender', () => {
    expect(sendGetWithBody.name).toBe('sendGetWithBody')
    expect(sendGetWithBody.toString()).not.toContain('UnsupportedInBrowserError')
  })

  it('sends method GET with the body and auth headers, and decodes the gzipped reply losslessly', async () => {
    const client = createHttpClient({ auth: fakeAuth([srv.origin]) })
    const out = await client.request('GET /segmentation/api/v1/table/{table_id}/past_id_mapping', {
      baseUrl: srv.origin,
      params: { table_id: 'fly' },
      query: { timestamp_past: 1700000000.5 },
      json: roots,
    })
    expect(out).toEqual({ root_ids: [864691135217871271n, 18446744073709551615n] })
    const got = srv.received.at(-1)
    expect(got?.method).toBe('GET')
    expect(got?.url).toBe('/segmentation/api/v1/table/fly/past_id_mapping?timestamp_past=1700000000.5')
    expect(got?.body.toString()).toBe('{"root_ids":[864691135217871271]}')
    expect(got?.headers['content-type']).toBe('application/json')
    expect(got?.headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  it('sends no token to an origin the Authorizer does not allow', async () => {
    const client = createHttpClient({ auth: fakeAuth(['https://global.test']) })
    await client.send('GET', `${srv.origin}/x`, { json: roots })
    expect(srv.received.at(-1)?.headers.authorization).toBeUndefined()
  })

  it('retries like any GET', async () => {
    failuresLeft = 2
    const client = createHttpClient({ retry: { baseDelayMs: 1 } })
    const before = srv.received.length
    expect(await client.send('GET', `${srv.origin}/flaky`, { json: roots })).toEqual({ root_ids: [864691135217871271n, 18446744073709551615n] })
    expect(srv.received.length - before).toBe(3)
  })

  it('maps errors and login redirects the same way', async () => {
    const client = createHttpClient({ retry: { retries: 0 } })
    const e = (await client.send('GET', `${srv.origin}/tos`, { json: roots }).catch((x: unknown) => x)) as AuthError
    expect(isAuthError(e)).toBe(true)
    expect(e.tosFormUrl).toBe('https://global.test/auth/api/v1/tos/1/accept')
    const r = (await client.send('GET', `${srv.origin}/login`, { json: roots }).catch((x: unknown) => x)) as AuthError
    expect(isAuthError(r)).toBe(true)
    expect(r.loginUrl).toBe('https://global.test/auth/api/v1/authorize')
  })

  it('honours the timeout and the caller’s signal', async () => {
    const client = createHttpClient({ timeoutMs: 60, retry: { retries: 0 } })
    await expect(client.send('GET', `${srv.origin}/hang`, { json: roots })).rejects.toSatisfy(isTimeoutError)
    const controller = new AbortController()
    const reason = new Error('stop')
    setTimeout(() => controller.abort(reason), 30)
    await expect(createHttpClient().send('GET', `${srv.origin}/hang`, { json: roots, signal: controller.signal })).rejects.toBe(reason)
  })
})
