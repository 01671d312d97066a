import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHttpError } from '@daf/services'
import { isVolumeError } from '../errors.js'
import { startStaticServer, type StaticServer } from '../test-support/static-server.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { FileStorage } from './file-node.js'
import { HttpStorage, STORAGE_RETRY } from './http.js'

const noWait = { sleep: async () => {} }

storageSuite('http:// (node:http static server)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daf-http-suite-'))
  const server = await startStaticServer(dir)
  return {
    storage: new HttpStorage(`${server.url}/layer`, noWait),
    seed: new FileStorage(join(dir, 'layer')),
    list: false,
    cleanup: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

describe('http(s):// storage', () => {
  let dir: string
  let server: StaticServer
  const payload = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31) & 255)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'daf-http-'))
    mkdirSync(join(dir, 'layer/8_8_40'), { recursive: true })
    writeFileSync(join(dir, 'layer/info'), '{"type":"image"}')
    writeFileSync(join(dir, 'layer/8_8_40/0.shard'), payload)
    writeFileSync(join(dir, 'layer/8_8_40/0-64_0-64_0-64.gz'), gzipSync(payload))
    server = await startStaticServer(dir)
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads byte ranges with a Range header (inclusive end) and no content coding', async () => {
    const s = storageFor(`${server.url}/layer`, noWait)
    const before = server.requests.length
    expect(await s.getRange('8_8_40/0.shard', { offset: 100, length: 16 })).toEqual(payload.subarray(100, 116))
    const req = server.requests[before]!
    expect(req.headers.range).toBe('bytes=100-115')
    expect(req.headers['accept-encoding']).toMatch(/identity/)
    expect(req.headers['accept-encoding']).not.toMatch(/gzip/)
  })

  it('a server that ignores Range still yields the right bytes', async () => {
    server.ignoreRange = true
    try {
      const s = storageFor(`${server.url}/layer`, noWait)
      expect(await s.getRange('8_8_40/0.shard', { offset: 4000, length: 200 })).toEqual(payload.subarray(4000))
    } finally {
      server.ignoreRange = false
    }
  })

  it('decodes Content-Encoding: gzip', async () => {
    const s = storageFor(`precomputed://${server.url}/layer`, noWait)
    const before = server.requests.length
    expect(await s.get('8_8_40/0-64_0-64_0-64')).toEqual(payload)
    expect(server.requests[before]!.headers['accept-encoding']).toMatch(/gzip/)
  })

  it('403 and 404 mean missing; 401 is an AuthenticationError; other 4xx are not retried', async () => {
    server.fixed.set('/layer/forbidden', 403)
    server.fixed.set('/layer/needs-login', 401)
    server.fixed.set('/layer/bad', 400)
    const s = storageFor(`${server.url}/layer`, noWait)
    expect(await s.get('forbidden')).toBeUndefined()
    expect(await s.exists('forbidden')).toBe(false)
    expect(await s.getRange('forbidden', { offset: 0, length: 2 })).toBeUndefined()
    expect(await s.get('absent')).toBeUndefined()
    await expect(s.get('needs-login')).rejects.toSatisfy(
      (e) => isVolumeError(e) && e.kind === 'AuthenticationError' && /401/.test(e.message),
    )
    const before = server.requests.length
    await expect(s.get('bad')).rejects.toSatisfy((e) => isHttpError(e) && e.status === 400)
    expect(server.requests.length - before).toBe(1)
  })

  it('retries 503 honouring Retry-After, and 500 with backoff', async () => {
    server.fault('/layer/info', 503, 2, { 'retry-after': '1' })
    const waits: number[] = []
    const s = storageFor(`${server.url}/layer`, { sleep: async (ms) => void waits.push(ms) })
    const before = server.requests.length
    expect(new TextDecoder().decode(await s.get('info'))).toBe('{"type":"image"}')
    expect(server.requests.length - before).toBe(3)
    expect(waits).toEqual([1000, 1000])

    server.fault('/layer/info', 500, 1)
    expect(await s.get('info')).toBeDefined()
    expect(waits).toHaveLength(3)
    expect(waits[2]).toBeLessThanOrEqual(STORAGE_RETRY.baseDelayMs)
  })

  it('gives up after 7 attempts', async () => {
    server.fault('/layer/info', 502, 10)
    const s = storageFor(`${server.url}/layer`, noWait)
    const before = server.requests.length
    await expect(s.get('info')).rejects.toSatisfy((e) => isHttpError(e) && e.status === 502)
    expect(server.requests.length - before).toBe(7)
    server.fault('/layer/info', 502, 0)
  })

  it('honours Retry-After for real (one short wait)', async () => {
    server.fault('/layer/info', 429, 1, { 'retry-after': '1' })
    const s = storageFor(`${server.url}/layer`)
    const t0 = Date.now()
    expect(await s.get('info')).toBeDefined()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
  })

  it('never sends an Authorization header or cookie to a storage host', async () => {
    // Even with a GCS token configured, an http(s) layer gets nothing.
    const s = storageFor(`${server.url}/layer`, { ...noWait, gcsToken: 'ya29.secret-gcs-token' })
    await s.get('info')
    await s.getRange('8_8_40/0.shard', { offset: 0, length: 8 })
    await s.exists('info')
    for (const r of server.requests) {
      expect(r.headers.authorization).toBeUndefined()
      expect(r.headers.cookie).toBeUndefined()
    }
  })

  it('is read-only and cannot list', async () => {
    const s = storageFor(`${server.url}/layer`)
    expect(s.writable).toBe(false)
    expect(s.url).toBe(`${server.url}/layer`)
  })
})
