/**
 * The shared HTTP layer and AuthClient against the local deployment over real HTTP: every retry,
 * timeout and error path a user meets, with the server doing what the real services do.
 */
import { AuthClient, MemoryTokenStore } from '@daf/auth'
import {
  createHttpClient,
  infoV2,
  isAuthError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  requestEndpoint,
  type HttpClientOptions,
} from '@daf/services'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DEMO_DATASTACK, DEV_TOKEN, MISSING_TOS_TOKEN, NO_PERMISSION_TOKEN } from './constants.js'
import { startDevServer, type DevServer } from './server.js'

let server: DevServer
const warnings: string[] = []
const logger = { warn: (m: string) => warnings.push(m), debug: () => {} }

beforeAll(async () => {
  server = await startDevServer({ port: 0 })
})
afterAll(() => server.close())
beforeEach(() => {
  server.faults.clear()
  warnings.length = 0
})

function clientWith(token: string | undefined, options: HttpClientOptions = {}) {
  const auth = new AuthClient({ serverAddress: server.url, ...(token ? { token } : { store: new MemoryTokenStore() }) })
  return createHttpClient({ auth, logger, retry: { baseDelayMs: 10 }, ...options })
}
const datastackInfo = (http: ReturnType<typeof clientWith>) =>
  requestEndpoint(http, infoV2.datastackInfo, { baseUrl: server.url, params: { datastack: DEMO_DATASTACK } })
const datastacks = (http: ReturnType<typeof clientWith>, signal?: AbortSignal) =>
  requestEndpoint(http, infoV2.datastacks, { baseUrl: server.url, ...(signal ? { signal } : {}) })

describe('HTTP client against the local deployment', () => {
  it('reads datastack info with the token sent as a Bearer header', async () => {
    const http = clientWith(DEV_TOKEN)
    const info = await requestEndpoint(http, infoV2.datastackInfo, {
      baseUrl: server.url,
      params: { datastack: DEMO_DATASTACK },
    })
    expect(info.local_server).toBe(server.url)
    const last = server.requests.at(-1)
    expect(last?.path).toBe(`/info/api/v2/datastack/full/${DEMO_DATASTACK}`)
    expect(last?.hasAuth).toBe(true)
  })

  it('retries a 503 burst and succeeds', async () => {
    const fault = server.faults.add({ path: '/info/api/v2/datastacks', status: 503, times: 3 })
    expect(await datastacks(clientWith(DEV_TOKEN))).toEqual([DEMO_DATASTACK])
    expect(fault.hits).toBe(3)
  })

  it('gives up after the configured retries with an HttpError carrying the gateway page title', async () => {
    server.faults.add({
      path: '/info/api/v2/datastacks',
      status: 502,
      body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      contentType: 'text/html',
    })
    const error = await datastacks(clientWith(DEV_TOKEN, { retry: { retries: 2, baseDelayMs: 5 } })).catch((e) => e)
    expect(isHttpError(error) && error.status).toBe(502)
    expect(error.serverMessage).toBe('502 Bad Gateway')
    expect(server.faults.list()[0]?.hits).toBe(3)
  })

  it('honours Retry-After on a 429', async () => {
    server.faults.add({ path: '/info/api/v2/datastacks', status: 429, retryAfter: '1', times: 1 })
    const started = performance.now()
    expect(await datastacks(clientWith(DEV_TOKEN))).toEqual([DEMO_DATASTACK])
    // Backoff alone would be ~10 ms; the server asked for one second.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('times out a slow response per attempt, then retries it', async () => {
    const fault = server.faults.add({ path: '/info/api/v2/datastacks', delayMs: 1500, times: 1 })
    expect(await datastacks(clientWith(DEV_TOKEN, { timeoutMs: 200 }))).toEqual([DEMO_DATASTACK])
    expect(fault.hits).toBe(1)
  })

  it('stops at the total budget with a TimeoutError', async () => {
    server.faults.add({ path: '/info/api/v2/datastacks', delayMs: 1500 })
    const error = await datastacks(clientWith(DEV_TOKEN, { timeoutMs: 200, totalTimeoutMs: 500 })).catch((e) => e)
    expect(isTimeoutError(error)).toBe(true)
  })

  it('retries a dropped connection, and reports a NetworkError when it keeps dropping', async () => {
    server.faults.add({ path: '/info/api/v2/datastacks', dropConnection: true, times: 1 })
    expect(await datastacks(clientWith(DEV_TOKEN))).toEqual([DEMO_DATASTACK])
    server.faults.add({ path: '/info/api/v2/datastacks', dropConnection: true })
    const error = await datastacks(clientWith(DEV_TOKEN, { retry: { retries: 1, baseDelayMs: 5 } })).catch((e) => e)
    expect(isNetworkError(error)).toBe(true)
    expect(error.message).not.toContain(DEV_TOKEN)
  })

  it('aborts when the caller aborts, during a slow response', async () => {
    server.faults.add({ path: '/info/api/v2/datastacks', delayMs: 2000, times: 1 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('user cancelled')), 100)
    await expect(datastacks(clientWith(DEV_TOKEN), controller.signal)).rejects.toThrow('user cancelled')
  })

  it('does not retry a POST that writes', async () => {
    const fault = server.faults.add({ path: '/info/api/v2/datastacks', status: 503 })
    const http = clientWith(DEV_TOKEN)
    const error = await http.request('POST /info/api/v2/datastacks', { baseUrl: server.url, json: {} }).catch((e) => e)
    expect(isHttpError(error) && error.status).toBe(503)
    expect(fault.hits).toBe(1)
  })

  describe('auth failures are AuthErrors that never contain the token', () => {
    it('unknown token: 401 with the login page from WWW-Authenticate', async () => {
      const bad = '0123456789abcdef0123456789abcdef'
      const error = await datastacks(clientWith(bad)).catch((e) => e)
      expect(isAuthError(error) && error.status).toBe(401)
      expect(error.loginUrl).toBe(`${server.url}/auth/api/v1/authorize`)
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(bad)
    })

    it('missing permission: 403 with the server message', async () => {
      const error = await datastackInfo(clientWith(NO_PERMISSION_TOKEN)).catch((e) => e)
      expect(isAuthError(error) && error.status).toBe(403)
      expect(error.serverMessage).toMatch(/^Missing permission: view for dataset/)
      expect(error.message).not.toContain(NO_PERMISSION_TOKEN)
    })

    it('terms of service not accepted: 403 naming the form to accept', async () => {
      const error = await datastackInfo(clientWith(MISSING_TOS_TOKEN)).catch((e) => e)
      expect(isAuthError(error) && error.status).toBe(403)
      expect(error.tosFormUrl).toMatch(new RegExp(`^${server.url}/auth/api/v1/tos/\\d+/accept$`))
      expect(error.message).toContain(error.tosFormUrl)
      expect(error.message).not.toContain(MISSING_TOS_TOKEN)
    })

    it('no token at all: the login redirect is an AuthError, not a page of HTML', async () => {
      const error = await datastacks(createHttpClient({ logger })).catch((e) => e)
      expect(isAuthError(error)).toBe(true)
      expect(error.loginUrl).toBe(`${server.url}/auth/api/v1/authorize`)
    })
  })

  it('never sends the token to another origin', async () => {
    const other = await startDevServer({ port: 0 })
    try {
      const http = clientWith(DEV_TOKEN)
      const error = await http.send('GET', `${other.url}/info/api/v2/datastacks`).catch((e) => e)
      expect(isAuthError(error)).toBe(true)
      expect(other.requests.at(-1)?.hasAuth).toBe(false)
    } finally {
      await other.close()
    }
  })
})
