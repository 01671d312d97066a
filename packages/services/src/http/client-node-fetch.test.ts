// Node's own fetch (undici) against a real server: what msw cannot show about redirects and bodies.
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient } from './client.js'
import { isAuthError, isNetworkError, type AuthError } from './errors.js'
import { TOKEN, fakeAuth } from '../test-support/fake-auth.js'
import { startServer } from '../test-support/local-server.js'

let srv: Awaited<ReturnType<typeof startServer>>
beforeAll(async () => {
  srv = await startServer((req, res) => {
    if (req.url === '/to-login') {
      res.writeHead(302, { location: `${srv.origin}/auth/api/v1/authorize?redirect=${encodeURIComponent(`${srv.origin}/to-login`)}` }).end()
    } else if (req.url === '/moved') {
      res.writeHead(308, { location: '/final' }).end()
    } else if (req.url === '/upload') {
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: body.length, enc: req.headers['content-encoding'] ?? null }))
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null }))
    }
  })
})
afterAll(() => srv.close())

describe('Node fetch against a real server', () => {
  it('does not follow a redirect to the login page: AuthError with the login URL', async () => {
    const client = createHttpClient({ auth: fakeAuth([srv.origin]) })
    const e = (await client.send('GET', `${srv.origin}/to-login`).catch((x: unknown) => x)) as AuthError
    expect(isAuthError(e)).toBe(true)
    expect(e.loginUrl).toBe(`${srv.origin}/auth/api/v1/authorize`)
    expect(srv.received.some((r) => r.url.startsWith('/auth/'))).toBe(false)
    expect(JSON.stringify(e) + e.message + e.stack).not.toContain(TOKEN)
  })

  it('follows an ordinary redirect, re-attaching auth for the same origin', async () => {
    const client = createHttpClient({ auth: fakeAuth([srv.origin]) })
    expect(await client.send('GET', `${srv.origin}/moved`)).toEqual({ path: '/final', auth: `Bearer ${TOKEN}` })
  })

  it('sends gzip bodies the server can inflate', async () => {
    const client = createHttpClient({ gzipThresholdBytes: 10 })
    expect(await client.send('POST', `${srv.origin}/upload`, { json: { ids: [864691135217871271n, 1n] }, gzip: true })).toEqual({ got: '{"ids":[864691135217871271,1]}'.length, enc: 'gzip' })
  })

  it('reports a refused connection as a NetworkError with its cause', async () => {
    const closed = await startServer(() => {})
    const origin = closed.origin
    await closed.close()
    const e = await createHttpClient({ retry: { retries: 0 } }).send('GET', `${origin}/x`).catch((x: unknown) => x)
    expect(isNetworkError(e)).toBe(true)
    expect((e as Error).message).toMatch(/ECONNREFUSED/)
  })
})
