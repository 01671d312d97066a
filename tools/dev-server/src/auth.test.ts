import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CORS_ALLOW_HEADERS,
  DEMO_DATASTACK,
  DEMO_PERMISSION_GROUP,
  DEMO_TOS,
  DEV_TOKEN,
  MISSING_TOS_TOKEN,
  NO_PERMISSION_TOKEN,
  startDevServer,
  type DevServer,
} from './index.js'

let server: DevServer
const INFO = `/info/api/v2/datastack/full/${DEMO_DATASTACK}`
const UNKNOWN_TOKEN = '0123456789abcdef0123456789abcdef'
/** Marks a request as programmatic without carrying a token. */
const XRW = { 'X-Requested-With': 'XMLHttpRequest' }

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers, redirect: 'manual' })
}
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` })

beforeAll(async () => {
  server = await startDevServer()
})
afterAll(async () => {
  await server.close()
})

describe('middle_auth behaviour', () => {
  it('a valid Bearer token is accepted', async () => {
    const res = await get(INFO, bearer(DEV_TOKEN))
    expect(res.status).toBe(200)
  })

  it('no token (programmatic) → 401 Unauthorized with the WWW-Authenticate realm', async () => {
    const res = await get(INFO, XRW)
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('Unauthorized')
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${server.url}/auth/api/v1/authorize"`)
  })

  it('an Origin header also makes a request programmatic (browsers)', async () => {
    const res = await get(INFO, { Origin: 'http://example.test' })
    expect(res.status).toBe(401)
  })

  it('unknown token → 401 Invalid/Expired Token, error="invalid_token"', async () => {
    const res = await get(INFO, bearer(UNKNOWN_TOKEN))
    expect(res.status).toBe(401)
    expect(await res.text()).toBe('Invalid/Expired Token')
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${server.url}/auth/api/v1/authorize", error="invalid_token", error_description="Invalid/Expired Token"`,
    )
  })

  it('token without permission → 403 Missing permission: view for dataset <name>', async () => {
    const res = await get(INFO, bearer(NO_PERMISSION_TOKEN))
    expect(res.status).toBe(403)
    expect(await res.text()).toBe(`Missing permission: view for dataset ${DEMO_PERMISSION_GROUP}`)
    // Routes that only need a valid token still work for this user.
    expect((await get('/info/api/v2/datastacks', bearer(NO_PERMISSION_TOKEN))).status).toBe(200)
  })

  it('token missing the ToS → 403 missing_tos JSON', async () => {
    const res = await get(INFO, bearer(MISSING_TOS_TOKEN))
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toEqual({
      error: 'missing_tos',
      message: expect.any(String),
      data: {
        tos_id: DEMO_TOS.id,
        tos_name: DEMO_TOS.name,
        tos_form_url: `${server.url}/auth/api/v1/tos/${DEMO_TOS.id}/accept`,
      },
    })
  })

  it('missing ToS, non-programmatic → 302 to the ToS form with ?redirect=', async () => {
    const res = await get(`${INFO}`, { Cookie: `middle_auth_token=${MISSING_TOS_TOKEN}` })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(
      `${server.url}/auth/api/v1/tos/${DEMO_TOS.id}/accept?redirect=${encodeURIComponent(server.url + INFO)}`,
    )
  })

  it('an Authorization header not starting with "Bearer " → 400', async () => {
    const res = await get(INFO, { Authorization: `Token ${DEV_TOKEN}` })
    expect(res.status).toBe(400)
    expect(await res.text()).toBe('Invalid Request')
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"')
  })

  it('token from the middle_auth_token query parameter (programmatic request)', async () => {
    expect((await get(`${INFO}?middle_auth_token=${DEV_TOKEN}`, XRW)).status).toBe(200)
    expect((await get(`${INFO}?middle_auth_token=${UNKNOWN_TOKEN}`, XRW)).status).toBe(401)
  })

  it('query token in a browser navigation → 302 back without it, setting the cookie', async () => {
    const res = await get(`${INFO}?a=1&middle_auth_token=${DEV_TOKEN}`)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${server.url}${INFO}?a=1`)
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^middle_auth_token=${DEV_TOKEN}; Path=/; HttpOnly`))
  })

  it('token from the middle_auth_token cookie', async () => {
    expect((await get(INFO, { Cookie: `other=1; middle_auth_token=${DEV_TOKEN}` })).status).toBe(200)
    expect((await get(INFO, { ...XRW, Cookie: `middle_auth_token=${DEV_TOKEN}` })).status).toBe(200)
    expect((await get(INFO, { ...XRW, Cookie: `middle_auth_token=${UNKNOWN_TOKEN}` })).status).toBe(401)
  })

  it('priority: header > query > cookie', async () => {
    const cookie = { Cookie: `middle_auth_token=${UNKNOWN_TOKEN}` }
    // Header valid, query and cookie unknown → accepted.
    expect((await get(`${INFO}?middle_auth_token=${UNKNOWN_TOKEN}`, { ...bearer(DEV_TOKEN), ...cookie })).status).toBe(200)
    // Header unknown, query and cookie valid → rejected.
    expect(
      (await get(`${INFO}?middle_auth_token=${DEV_TOKEN}`, { ...bearer(UNKNOWN_TOKEN), Cookie: `middle_auth_token=${DEV_TOKEN}` }))
        .status,
    ).toBe(401)
    // Query valid over an unknown cookie; query unknown over a valid cookie.
    expect((await get(`${INFO}?middle_auth_token=${DEV_TOKEN}`, { ...XRW, ...cookie })).status).toBe(200)
    expect(
      (await get(`${INFO}?middle_auth_token=${UNKNOWN_TOKEN}`, { ...XRW, Cookie: `middle_auth_token=${DEV_TOKEN}` })).status,
    ).toBe(401)
  })

  it('non-programmatic request without a token → 302 to the authorize page', async () => {
    const res = await get(INFO)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(
      `${server.url}/auth/api/v1/authorize?redirect=${encodeURIComponent(server.url + INFO)}`,
    )
    // Followed, it ends on an HTML page: what clients detect as "redirected to login".
    const followed = await fetch(`${server.url}${INFO}`)
    expect(followed.redirected).toBe(true)
    expect(followed.status).toBe(200)
    expect(followed.headers.get('content-type')).toContain('text/html')
  })

  it('non-programmatic request with an unknown cookie token → 302 to the authorize page', async () => {
    const res = await get(INFO, { Cookie: `middle_auth_token=${UNKNOWN_TOKEN}` })
    expect(res.status).toBe(302)
  })

  it('public routes ignore auth entirely', async () => {
    expect((await get('/info/version', { Authorization: 'Basic xyz' })).status).toBe(200)
    expect((await get('/info/version', bearer(UNKNOWN_TOKEN))).status).toBe(200)
  })

  it('tokens can be added and revoked at runtime', async () => {
    const token = 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb'
    expect((await get(INFO, bearer(token))).status).toBe(401)
    server.tokens.add(token)
    expect((await get(INFO, bearer(token))).status).toBe(200)
    server.tokens.remove(token)
    expect((await get(INFO, bearer(token))).status).toBe(401)
  })

  it('custom tokens option replaces the defaults', async () => {
    const s = await startDevServer({ tokens: [{ token: 'c'.repeat(32), permissions: ['view'] }] })
    try {
      const f = (t: string): Promise<Response> => fetch(`${s.url}${INFO}`, { headers: bearer(t) })
      expect((await f('c'.repeat(32))).status).toBe(200)
      expect((await f(DEV_TOKEN)).status).toBe(401)
    } finally {
      await s.close()
    }
  })
})

describe('CORS', () => {
  it('OPTIONS preflight → 204 without auth', async () => {
    const res = await fetch(`${server.url}${INFO}`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://example.test',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toBe(CORS_ALLOW_HEADERS)
    for (const h of ['Authorization', 'Content-Type', 'Content-Encoding', 'X-Requested-With']) {
      expect(res.headers.get('access-control-allow-headers')).toContain(h)
    }
    for (const m of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(res.headers.get('access-control-allow-methods')).toContain(m)
    }
  })

  it('every response (errors included) carries Allow-Origin and Expose-Headers', async () => {
    for (const res of [await get(INFO, bearer(DEV_TOKEN)), await get(INFO, XRW), await get('/nope')]) {
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Retry-After')
    }
  })
})

describe('auth service', () => {
  it('GET /auth/api/v1/user/cache returns the user of a valid token', async () => {
    const res = await get('/auth/api/v1/user/cache', bearer(DEV_TOKEN))
    expect(res.status).toBe(200)
    const user = (await res.json()) as Record<string, unknown>
    expect(user).toMatchObject({
      id: expect.any(Number),
      name: expect.any(String),
      email: expect.any(String),
      admin: false,
      groups: expect.any(Array),
      service_account: false,
      permissions_v2: { [DEMO_PERMISSION_GROUP]: ['view', 'edit'] },
      missing_tos: [],
    })
    expect(JSON.stringify(user)).not.toContain(DEV_TOKEN)
    const tos = (await (await get('/auth/api/v1/user/cache', bearer(MISSING_TOS_TOKEN))).json()) as Record<string, unknown>
    expect(tos.missing_tos).toEqual([{ dataset_name: DEMO_PERMISSION_GROUP, tos_id: DEMO_TOS.id, tos_name: DEMO_TOS.name }])
    expect((await get('/auth/api/v1/user/cache', XRW)).status).toBe(401)
    expect((await get('/auth/api/v1/user/cache', bearer(UNKNOWN_TOKEN))).status).toBe(401)
  })

  it('user lookups', async () => {
    const me = (await (await get('/auth/api/v1/user/cache', bearer(DEV_TOKEN))).json()) as { id: number; name: string }
    const users = (await (await get(`/auth/api/v1/user?id=${me.id},99999`, bearer(DEV_TOKEN))).json()) as unknown[]
    expect(users).toEqual([expect.objectContaining({ id: me.id, name: me.name })])
    const tokens = await (await get('/auth/api/v1/user/token', bearer(DEV_TOKEN))).json()
    expect(tokens).toEqual([{ id: me.id, token: DEV_TOKEN, user_id: me.id }])
  })

  it.each(['/auth/api/v1/create_token', '/sticky_auth/settings/tokens', '/auth/api/v1/authorize'])(
    '%s is an HTML page showing the dev token',
    async (path) => {
      const res = await get(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await res.text()).toContain(DEV_TOKEN)
    },
  )

  it('the authorize page links back only to this deployment', async () => {
    const own = await (await get(`/auth/api/v1/authorize?redirect=${encodeURIComponent(server.url + INFO)}`)).text()
    expect(own).toContain(`href="${server.url}${INFO}?middle_auth_token=${DEV_TOKEN}"`)
    const other = await (await get(`/auth/api/v1/authorize?redirect=${encodeURIComponent('https://evil.test/x')}`)).text()
    expect(other).not.toContain('href="https://evil.test')
  })
})
