import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { fetchServerVersion } from './server-version.js'
import { createHttpClient } from '../http/client.js'
import { GLOBAL, recordingLogger } from '../test-support/fake-auth.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const url = `${GLOBAL}/info/version`
const setup = () => {
  const logger = recordingLogger()
  return { logger, http: createHttpClient({ logger, retry: { retries: 0 } }) }
}

describe('fetchServerVersion', () => {
  it('reads a bare JSON string', async () => {
    server.use(http.get(url, () => HttpResponse.json('4.3.1')))
    const { logger, http: client } = setup()
    expect(await fetchServerVersion({ url, http: client, logger, service: 'info' })).toBe('4.3.1')
    expect(logger.warnings).toEqual([])
  })

  it('treats 404 as unknown, quietly', async () => {
    server.use(http.get(url, () => HttpResponse.text('nope', { status: 404 })))
    const { logger, http: client } = setup()
    expect(await fetchServerVersion({ url, http: client, logger })).toBeUndefined()
    expect(logger.warnings).toEqual([])
  })

  it('treats an outage or a strange answer as unknown with a warning, never blocking (unlike Python #349)', async () => {
    const { logger, http: client } = setup()
    server.use(http.get(url, () => HttpResponse.text('down', { status: 503 })))
    expect(await fetchServerVersion({ url, http: client, logger, service: 'info' })).toBeUndefined()
    server.use(http.get(url, () => HttpResponse.json({ version: 4 })))
    expect(await fetchServerVersion({ url, http: client, logger, service: 'info' })).toBeUndefined()
    expect(logger.warnings).toHaveLength(2)
    expect(logger.warnings[0]).toMatch(/^info server version \(https:\/\/global\.test\/info\/version\) could not be read/)
    expect(logger.warnings[1]).toMatch(/is not a JSON string/)
  })
})
