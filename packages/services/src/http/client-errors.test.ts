import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient } from './client.js'
import { isAuthError, isHttpError, isNetworkError, type AuthError, type HttpError } from './errors.js'
import { GLOBAL, LOCAL, TOKEN, errorSurfaces, fakeAuth } from '../test-support/fake-auth.js'
import { scriptedFetch } from '../test-support/scripted-fetch.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const client = createHttpClient({ auth: fakeAuth(), retry: { retries: 0 } })

async function failure(url: string, method: 'GET' | 'POST' = 'GET'): Promise<HttpError> {
  try {
    await client.send(method, url)
  } catch (e) {
    expect(isHttpError(e)).toBe(true)
    return e as HttpError
  }
  throw new Error('expected a failure')
}

describe('HttpError', () => {
  it('carries status, method, url and the JSON message', async () => {
    server.use(http.get(`${LOCAL}/a`, () => HttpResponse.json({ message: 'Table description required' }, { status: 404, statusText: 'NOT FOUND' })))
    const e = await failure(`${LOCAL}/a`)
    expect(e.status).toBe(404)
    expect(e.method).toBe('GET')
    expect(e.url).toBe(`${LOCAL}/a`)
    expect(e.serverMessage).toBe('Table description required')
    expect(e.message).toBe(`GET ${LOCAL}/a failed with HTTP 404 NOT FOUND: Table description required`)
    expect(isAuthError(e)).toBe(false)
  })

  it('shows PyChunkedGraph’s message, keeping the traceback only in the excerpt', async () => {
    const body = { code: 400, duration: 0.01, message: 'Root 5 is not valid', timestamp: '2025', traceback: ['Traceback (most recent call last):', 'ValueError: Root 5'] }
    server.use(http.post(`${LOCAL}/split`, () => HttpResponse.json(body, { status: 400 })))
    const e = await failure(`${LOCAL}/split`, 'POST')
    expect(e.serverMessage).toBe('Root 5 is not valid')
    expect(e.message).not.toContain('Traceback')
    expect(e.bodyExcerpt).toContain('Traceback')
  })

  it('reads plain text, JSON strings and nginx HTML titles', async () => {
    server.use(
      http.get(`${LOCAL}/t`, () => HttpResponse.text('Invalid Request', { status: 400 })),
      http.get(`${LOCAL}/s`, () => HttpResponse.json('root id 7 is on the refusal list', { status: 422 })),
      http.get(`${LOCAL}/h`, () => HttpResponse.html('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', { status: 502 })),
    )
    expect((await failure(`${LOCAL}/t`)).serverMessage).toBe('Invalid Request')
    expect((await failure(`${LOCAL}/s`)).serverMessage).toBe('root id 7 is on the refusal list')
    expect((await failure(`${LOCAL}/h`)).serverMessage).toBe('502 Bad Gateway')
  })

  it('bounds the body excerpt', async () => {
    server.use(http.get(`${LOCAL}/big`, () => HttpResponse.text('x'.repeat(100_000), { status: 500 })))
    const e = await failure(`${LOCAL}/big`)
    expect(e.bodyExcerpt?.length).toBeLessThan(2200)
    expect(e.bodyExcerpt).toMatch(/more characters\)$/)
  })
})

describe('AuthError', () => {
  it('takes the login URL from the WWW-Authenticate realm on 401', async () => {
    server.use(
      http.get(`${GLOBAL}/info`, () =>
        HttpResponse.text('Invalid/Expired Token', {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="https://global.test/sticky_auth/api/v1/authorize", error="invalid_token", error_description="Invalid/Expired Token"' },
        }),
      ),
    )
    const e = (await failure(`${GLOBAL}/info`)) as AuthError
    expect(isAuthError(e)).toBe(true)
    expect(e.loginUrl).toBe('https://global.test/sticky_auth/api/v1/authorize')
    expect(e.serverMessage).toBe('Invalid/Expired Token')
    expect(e.message).toContain('token is missing, unknown or expired (login: https://global.test/sticky_auth/api/v1/authorize)')
  })

  it('surfaces the ToS form of a missing_tos 403', async () => {
    const tos = { error: 'missing_tos', message: 'Need to accept Terms of Service to access resource.', data: { tos_id: 2, tos_name: 'FlyWire', tos_form_url: 'https://global.test/auth/api/v1/tos/2/accept' } }
    server.use(http.get(`${LOCAL}/p`, () => HttpResponse.json(tos, { status: 403 })))
    const e = (await failure(`${LOCAL}/p`)) as AuthError
    expect(isAuthError(e)).toBe(true)
    expect(e.tosFormUrl).toBe('https://global.test/auth/api/v1/tos/2/accept')
    expect(e.tosName).toBe('FlyWire')
    expect(e.tosId).toBe(2)
    expect(e.message).toContain('Accept the Terms of Service "FlyWire" at https://global.test/auth/api/v1/tos/2/accept')
  })

  it('keeps the permission text of a plain 403', async () => {
    server.use(http.get(`${LOCAL}/perm`, () => HttpResponse.text('Missing permission: edit for dataset fly', { status: 403 })))
    const e = await failure(`${LOCAL}/perm`)
    expect(isAuthError(e)).toBe(true)
    expect(e.message).toContain('Missing permission: edit for dataset fly')
  })

  it('turns a redirect to the login page into an AuthError (Node, redirect: manual)', async () => {
    let followed = false
    server.use(
      http.get(`${LOCAL}/r`, () =>
        new HttpResponse(null, { status: 302, headers: { location: `https://global.test/auth/api/v1/authorize?redirect=${encodeURIComponent(`${LOCAL}/r`)}` } }),
      ),
      http.get('https://global.test/auth/api/v1/authorize', () => {
        followed = true
        return HttpResponse.html('<html>login</html>')
      }),
    )
    const e = (await failure(`${LOCAL}/r`)) as AuthError
    expect(isAuthError(e)).toBe(true)
    expect(e.status).toBe(302)
    expect(e.loginUrl).toBe('https://global.test/auth/api/v1/authorize')
    expect(e.message).toContain('was redirected to https://global.test/auth/api/v1/authorize: not logged in')
    expect(followed).toBe(false)
  })

  it('turns a redirect to the ToS form into an AuthError with tosFormUrl', async () => {
    server.use(http.get(`${LOCAL}/tos`, () => new HttpResponse(null, { status: 302, headers: { location: '/auth/api/v1/tos/9/accept?redirect=x' } })))
    const e = (await failure(`${LOCAL}/tos`)) as AuthError
    expect(e.tosFormUrl).toBe(`${LOCAL}/auth/api/v1/tos/9/accept`)
  })

  it('treats a browser opaque redirect, or a followed redirect to login, as an AuthError', async () => {
    const opaque = { type: 'opaqueredirect', status: 0, statusText: '', ok: false, redirected: false, url: '', headers: new Headers(), body: null } as unknown as Response
    const a = createHttpClient({ fetch: scriptedFetch([() => opaque]).fetch })
    await expect(a.send('GET', `${LOCAL}/x`)).rejects.toSatisfy(isAuthError)
    await expect(a.send('GET', `${LOCAL}/x`)).rejects.toThrow(/middle_auth redirects only to its login/)

    const followed = new Response('<html/>', { status: 200 })
    Object.defineProperties(followed, { redirected: { value: true }, url: { value: 'https://global.test/auth/api/v1/authorize?redirect=y' } })
    const b = createHttpClient({ fetch: scriptedFetch([() => followed]).fetch })
    const e = await b.send('GET', `${LOCAL}/x`).catch((x: unknown) => x)
    expect(isAuthError(e)).toBe(true)
    expect((e as AuthError).loginUrl).toBe('https://global.test/auth/api/v1/authorize')
  })
})

describe('the token never leaks into errors', () => {
  it('not from the URL, the echoed body, headers or the stack', async () => {
    server.use(
      http.get(`${GLOBAL}/echo`, ({ request }) =>
        HttpResponse.json(
          { message: `bad request ${request.headers.get('authorization')} from ${request.url}`, headers: Object.fromEntries(request.headers) },
          { status: 500, headers: { 'www-authenticate': `Bearer realm="x", error_description="${TOKEN}"` } },
        ),
      ),
      http.get(`${GLOBAL}/echo401`, ({ request }) =>
        HttpResponse.text(`Invalid/Expired Token ${request.headers.get('authorization')}`, { status: 401 }),
      ),
    )
    const e = await failure(`${GLOBAL}/echo?middle_auth_token=${TOKEN}&a=1`)
    expect(e.url).toBe(`${GLOBAL}/echo?a=1`)
    expect(e.serverMessage).toContain('[redacted]')
    expect(errorSurfaces(e)).not.toContain(TOKEN)
    const a = await failure(`${GLOBAL}/echo401`)
    expect(isAuthError(a)).toBe(true)
    expect(errorSurfaces(a)).not.toContain(TOKEN)
  })

  it('not from network errors', async () => {
    server.use(http.get(`${GLOBAL}/down`, () => HttpResponse.error()))
    const e = await client.send('GET', `${GLOBAL}/down?middle_auth_token=${TOKEN}`).catch((x: unknown) => x)
    expect(isNetworkError(e)).toBe(true)
    expect((e as Error).cause).toBeDefined()
    expect(errorSurfaces(e)).not.toContain(TOKEN)
  })
})
