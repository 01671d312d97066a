/**
 * In Chromium: a token saved to localStorage is found by a new AuthClient and sent by the shared
 * HTTP client to the local deployment (cross-origin, preflighted), and failures are typed errors.
 */
import { AuthClient } from '@daf/auth'
import { createHttpClient, infoV2, isAuthError, requestEndpoint } from '@daf/services'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { DEMO_DATASTACK } from './constants.js'

const url = inject('devServerUrl')
const token = inject('devServerToken')
const quiet = { warn: () => {}, debug: () => {} }

afterEach(() => localStorage.clear())

describe('browser: AuthClient + HTTP client against the local deployment', () => {
  it('saves a token to localStorage, finds it again and reads datastack info with it', async () => {
    expect(new AuthClient({ serverAddress: url }).hasToken).toBe(false)
    await new AuthClient({ serverAddress: url }).saveToken(token)
    const auth = new AuthClient({ serverAddress: url })
    expect(auth.tokenInfo.source).toBe('local-storage')
    const http = createHttpClient({ auth, logger: quiet })
    const info = await requestEndpoint(http, infoV2.datastackInfo, { baseUrl: url, params: { datastack: DEMO_DATASTACK } })
    expect(info.local_server).toBe(url)
  })

  it('rides out an injected 503 burst', async () => {
    // The server is shared by the browser project: fault only this test's own URL.
    const marker = `burst-${Math.random().toString(36).slice(2)}`
    const added = await fetch(`${url}/__dev/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pathRegex: marker, status: 503, times: 2 }),
    })
    expect(added.status).toBe(201)
    const http = createHttpClient({ auth: new AuthClient({ serverAddress: url, token }), logger: quiet, retry: { baseDelayMs: 5 } })
    const list = await http.request('GET /info/api/v2/datastacks', { baseUrl: url, query: { marker } })
    expect(list).toEqual([DEMO_DATASTACK])
  })

  it('a browser request without a token is a 401 AuthError naming the login page', async () => {
    const http = createHttpClient({ auth: new AuthClient({ serverAddress: url }), logger: quiet })
    const error = await requestEndpoint(http, infoV2.datastacks, { baseUrl: url }).catch((e: unknown) => e)
    expect(isAuthError(error) && error.status).toBe(401)
    expect(isAuthError(error) && error.loginUrl).toBe(`${url}/auth/api/v1/authorize`)
  })
})
