import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHttpClient } from './client.js'
import { isTimeoutError, type TimeoutError } from './errors.js'
import { startServer, type Received } from '../test-support/local-server.js'

// Real sockets: fetch's abort has to cut a hanging connection and a stalled body.
let srv: Awaited<ReturnType<typeof startServer>>
let flaky = 0
beforeAll(async () => {
  srv = await startServer((req: Received, res: ServerResponse) => {
    if (req.url.startsWith('/hang')) return // never answers
    if (req.url.startsWith('/stall-body')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('[1, 2, ') // …and never finishes
      return
    }
    if (req.url.startsWith('/slow-once') && flaky++ === 0) return
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('"ok"')
  })
})
afterAll(() => srv.close())

describe('timeouts', () => {
  it('a per-attempt timeout rejects with TimeoutError(attempt)', async () => {
    const client = createHttpClient({ timeoutMs: 80, retry: { retries: 0 } })
    const started = Date.now()
    const e = (await client.send('GET', `${srv.origin}/hang`).catch((x: unknown) => x)) as TimeoutError
    expect(isTimeoutError(e)).toBe(true)
    expect(e.scope).toBe('attempt')
    expect(e.timeoutMs).toBe(80)
    expect(e.message).toBe(`GET ${srv.origin}/hang timed out: per-attempt timeout of 80 ms exceeded`)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('covers a body that stops arriving', async () => {
    const client = createHttpClient({ timeoutMs: 80, retry: { retries: 0 } })
    await expect(client.send('GET', `${srv.origin}/stall-body`)).rejects.toSatisfy(isTimeoutError)
  })

  it('retries a read after a per-attempt timeout', async () => {
    flaky = 0
    const client = createHttpClient({ timeoutMs: 80, retry: { baseDelayMs: 1 } })
    expect(await client.send('GET', `${srv.origin}/slow-once`)).toBe('ok')
    expect(flaky).toBe(2)
  })

  it('stops at the total budget with TimeoutError(total)', async () => {
    const client = createHttpClient({ timeoutMs: 60, totalTimeoutMs: 150, retry: { retries: 50, baseDelayMs: 1 } })
    const started = Date.now()
    const e = (await client.send('GET', `${srv.origin}/hang`).catch((x: unknown) => x)) as TimeoutError
    const elapsed = Date.now() - started
    expect(isTimeoutError(e)).toBe(true)
    expect(e.scope).toBe('total')
    expect(e.timeoutMs).toBe(150)
    expect(elapsed).toBeGreaterThanOrEqual(140)
    expect(elapsed).toBeLessThan(2000)
  })

  it('a caller abort during the request is the caller’s AbortError, not a TimeoutError', async () => {
    const client = createHttpClient({ timeoutMs: 10_000 })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 40)
    const e = await client.send('GET', `${srv.origin}/hang`, { signal: controller.signal }).catch((x: unknown) => x)
    expect(isTimeoutError(e)).toBe(false)
    expect((e as DOMException).name).toBe('AbortError')
  })

  it('a caller abort with a reason rejects with that reason, also mid-body', async () => {
    const client = createHttpClient({ timeoutMs: 10_000 })
    const controller = new AbortController()
    const reason = new Error('closed the panel')
    setTimeout(() => controller.abort(reason), 40)
    await expect(client.send('GET', `${srv.origin}/stall-body`, { signal: controller.signal })).rejects.toBe(reason)
  })
})
