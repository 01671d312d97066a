import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { negotiateApiVersion } from './negotiate.js'
import { createHttpClient } from '../http/client.js'
import { isInvalidParameterError, isServerIncompatibilityError } from '../http/errors.js'
import { LOCAL, recordingLogger } from '../test-support/fake-auth.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const probeUrl = `${LOCAL}/segmentation/api/versions`
const base = () => {
  const logger = recordingLogger()
  return { logger, http: createHttpClient({ logger, retry: { retries: 0 } }) }
}

describe('negotiateApiVersion', () => {
  it('uses the highest version both sides know', async () => {
    server.use(http.get(probeUrl, () => HttpResponse.json([0, 1, 2])))
    const { logger, http: client } = base()
    const r = await negotiateApiVersion({ probeUrl, clientVersions: [0, 1], fallback: 1, service: 'chunkedgraph', http: client, logger })
    expect(r).toEqual({ version: 1, source: 'probe', serverVersions: [0, 1, 2] })
    expect(logger.warnings).toEqual([])
  })

  it.each([
    ['a 5xx', () => HttpResponse.text('boom', { status: 503 })],
    ['a 404', () => HttpResponse.text('not found', { status: 404 })],
    ['a network error', () => HttpResponse.error()],
    ['garbage', () => HttpResponse.json({ versions: 'lots' })],
    ['non-JSON', () => HttpResponse.html('<html></html>')],
  ])('falls back with a warning on %s', async (_, reply) => {
    server.use(http.get(probeUrl, reply))
    const { logger, http: client } = base()
    const r = await negotiateApiVersion({ probeUrl, clientVersions: [2, 3], fallback: 2, service: 'materialize', http: client, logger })
    expect(r).toEqual({ version: 2, source: 'fallback' })
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(/^materialize API version probe https:\/\/local\.test\/segmentation\/api\/versions .*using v2$/)
  })

  it('throws when there is no common version', async () => {
    server.use(http.get(probeUrl, () => HttpResponse.json([5, 6])))
    const { logger, http: client } = base()
    const e = await negotiateApiVersion({ probeUrl, clientVersions: [0, 1], service: 'chunkedgraph', http: client, logger }).catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e)).toBe(true)
    expect((e as Error).message).toBe(`chunkedgraph at ${probeUrl} speaks API v5, v6, but this client only knows v0, v1`)
  })

  it('needs no probe for services without one, and no request for a pinned version', async () => {
    const { logger, http: client } = base()
    expect(await negotiateApiVersion({ clientVersions: [1, 2], service: 'info', http: client, logger })).toEqual({ version: 2, source: 'fallback' })
    expect(await negotiateApiVersion({ probeUrl, clientVersions: [1, 2], pinned: 1, http: client, logger })).toEqual({ version: 1, source: 'pinned' })
    await expect(negotiateApiVersion({ clientVersions: [1, 2], pinned: 3, service: 'info' })).rejects.toSatisfy(isInvalidParameterError)
    await expect(negotiateApiVersion({ clientVersions: [1, 2], fallback: 0 })).rejects.toThrow(/fallback v0/)
    expect(logger.warnings).toEqual([])
  })

  it('propagates the caller’s abort instead of falling back', async () => {
    server.use(http.get(probeUrl, () => new Promise<Response>(() => {})))
    const { logger, http: client } = base()
    const controller = new AbortController()
    const reason = new Error('cancelled')
    setTimeout(() => controller.abort(reason), 20)
    await expect(negotiateApiVersion({ probeUrl, clientVersions: [0, 1], http: client, logger, signal: controller.signal })).rejects.toBe(reason)
    expect(logger.warnings).toEqual([])
  })
})
