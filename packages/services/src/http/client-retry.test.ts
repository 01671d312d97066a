import { describe, expect, it } from 'vitest'
import { createHttpClient, type HttpClientOptions } from './client.js'
import { isHttpError, isNetworkError, type HttpError } from './errors.js'
import { GLOBAL, recordingLogger } from '../test-support/fake-auth.js'
import { json, recordingSleep, scriptedFetch, status, type Step } from '../test-support/scripted-fetch.js'

const URL_ = `${GLOBAL}/info/api/v2/datastacks`

function setup(steps: Step[], options: Partial<HttpClientOptions> = {}) {
  const { fetch, calls } = scriptedFetch(steps)
  const { sleep, waits } = recordingSleep()
  const logger = recordingLogger()
  const client = createHttpClient({ fetch, sleep, random: () => 0.5, logger, ...options })
  return { client, calls, waits, logger }
}

describe('what is retried', () => {
  it.each([408, 429, 502, 503, 504])('GET is retried after %i', async (code) => {
    const { client, calls, waits } = setup([status(code), json(['ok'])])
    expect(await client.send('GET', URL_)).toEqual(['ok'])
    expect(calls).toHaveLength(2)
    expect(waits).toHaveLength(1)
  })

  it.each([400, 401, 403, 404, 409, 413, 422, 500])('GET is not retried after %i', async (code) => {
    const { client, calls } = setup([status(code), json('never')])
    const e = await client.send('GET', URL_).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(code)
    expect(calls).toHaveLength(1)
  })

  it('GET is retried after a network error', async () => {
    const { client, calls, logger } = setup([new TypeError('fetch failed'), json(1)])
    expect(await client.send('GET', URL_)).toBe(1)
    expect(calls).toHaveLength(2)
    expect(logger.debugs[0]).toMatch(/network error; retry 1 of 3 in \d+ ms/)
  })

  it('gives up after the configured retries with the last error', async () => {
    const a = setup([status(503, 'down')])
    const e = (await a.client.send('GET', URL_).catch((x: unknown) => x)) as HttpError
    expect(e.status).toBe(503)
    expect(a.calls).toHaveLength(4)

    const b = setup([status(503)], { retry: { retries: 1 } })
    await expect(b.client.send('GET', URL_)).rejects.toSatisfy(isHttpError)
    expect(b.calls).toHaveLength(2)

    const c = setup([status(503)])
    await expect(c.client.send('GET', URL_, { retry: { retries: 0 } })).rejects.toSatisfy(isHttpError)
    expect(c.calls).toHaveLength(1)

    const d = setup([new TypeError('fetch failed')], { retry: { retries: 2 } })
    await expect(d.client.send('GET', URL_)).rejects.toSatisfy(isNetworkError)
    expect(d.calls).toHaveLength(3)
  })

  it.each(['POST', 'PUT', 'DELETE'] as const)('%s is not retried by default', async (method) => {
    const { client, calls } = setup([status(503), json(1)])
    await expect(client.send(method, URL_, { json: {} })).rejects.toSatisfy(isHttpError)
    const n = setup([new TypeError('fetch failed'), json(1)])
    await expect(n.client.send(method, URL_, { json: {} })).rejects.toSatisfy(isNetworkError)
    expect(calls).toHaveLength(1)
    expect(n.calls).toHaveLength(1)
  })

  it('a POST marked as a read is retried, with the same body', async () => {
    const { client, calls } = setup([status(502), new TypeError('reset'), json({ root_ids: [1] })])
    const body = new BigUint64Array([864691135217871271n])
    expect(await client.send('POST', URL_, { body, retryable: true })).toEqual({ root_ids: [1] })
    expect(calls).toHaveLength(3)
    expect(calls.map((c) => c.body)).toEqual([calls[0]?.body, calls[0]?.body, calls[0]?.body])
  })

  it('a GET can opt out', async () => {
    const { client, calls } = setup([status(503), json(1)])
    await expect(client.send('GET', URL_, { retryable: false })).rejects.toSatisfy(isHttpError)
    expect(calls).toHaveLength(1)
  })
})

describe('how long to wait', () => {
  it('honours Retry-After in seconds', async () => {
    const { client, waits } = setup([status(429, '', { 'retry-after': '2' }), json(1)])
    await client.send('GET', URL_)
    expect(waits).toEqual([2000])
  })

  it('honours Retry-After as an HTTP-date', async () => {
    const now = Date.parse('2025-06-01T12:00:00Z')
    const { client, waits } = setup([status(503, '', { 'retry-after': 'Sun, 01 Jun 2025 12:00:07 GMT' }), json(1)], { now: () => now })
    await client.send('GET', URL_)
    expect(waits).toEqual([7000])
  })

  it('caps Retry-After at maxDelayMs', async () => {
    const { client, waits } = setup([status(503, '', { 'retry-after': '3600' }), json(1)], { retry: { maxDelayMs: 1500 } })
    await client.send('GET', URL_)
    expect(waits).toEqual([1500])
  })

  it('does not wait past the total budget: the last error is thrown instead', async () => {
    const { client, calls, waits } = setup([status(503, '', { 'retry-after': '30' }), json(1)], {
      totalTimeoutMs: 10_000,
      retry: { maxDelayMs: 60_000 },
    })
    const e = (await client.send('GET', URL_).catch((x: unknown) => x)) as HttpError
    expect(e.status).toBe(503)
    expect(calls).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('backs off exponentially with full jitter up to the cap', async () => {
    const { client, waits } = setup([status(503)], {
      random: () => 0.9999,
      retry: { retries: 5, baseDelayMs: 100, maxDelayMs: 450 },
    })
    await expect(client.send('GET', URL_)).rejects.toSatisfy(isHttpError)
    expect(waits).toEqual([99, 199, 399, 449, 449])
  })

  it('uses the default backoff (base 200 ms) when nothing is configured', async () => {
    const { client, waits } = setup([status(503)], { random: () => 0.9999 })
    await expect(client.send('GET', URL_)).rejects.toSatisfy(isHttpError)
    expect(waits).toEqual([199, 399, 799])
  })
})

describe('aborting', () => {
  it('during the backoff sleep rejects with the caller’s reason at once', async () => {
    const { fetch, calls } = scriptedFetch([status(503)])
    // Real sleep, long backoff: only the abort can end it quickly.
    const client = createHttpClient({ fetch, random: () => 0.9999, retry: { baseDelayMs: 10_000 } })
    const controller = new AbortController()
    const reason = new Error('user navigated away')
    setTimeout(() => controller.abort(reason), 30)
    const started = Date.now()
    await expect(client.send('GET', URL_, { signal: controller.signal })).rejects.toBe(reason)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(calls).toHaveLength(1)
  })

  it('before sending rejects with an AbortError and sends nothing', async () => {
    const { fetch, calls } = scriptedFetch([json(1)])
    const controller = new AbortController()
    controller.abort()
    const e = await createHttpClient({ fetch }).send('GET', URL_, { signal: controller.signal }).catch((x: unknown) => x)
    expect((e as DOMException).name).toBe('AbortError')
    expect(calls).toHaveLength(0)
  })
})
