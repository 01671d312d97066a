import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isReadOnlyException } from '../errors.js'
import { startFakeGcs, type FakeGcs } from '../test-support/fake-gcs.js'
import { startStaticServer, type StaticServer } from '../test-support/static-server.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { bearerForOrigin, GcsStorage } from './gcs.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const TOKEN = 'ya29.fake-gcs-oauth-token'
let gcs: FakeGcs

beforeAll(async () => {
  gcs = await startFakeGcs(TOKEN)
})
afterAll(async () => {
  await gcs.close()
})

let n = 0
storageSuite('gs:// (fake GCS JSON + XML API)', async () => ({
  storage: storageFor(`gs://bucket/suite${++n}/layer`, { gcsToken: TOKEN, gcsEndpoint: gcs.endpoint }),
}))

describe('gs://', () => {
  it('uploads with metadata (contentEncoding, cacheControl, contentType) and reads back decoded', async () => {
    const s = storageFor('gs://bucket/meta', { gcsToken: TOKEN, gcsEndpoint: gcs.endpoint })
    const value = new Uint8Array(2000).fill(3)
    await s.set('c', value, { compress: 'gzip', contentType: 'image/x.compressed_segmentation', cacheControl: 'no-cache' })
    const obj = gcs.objects.get('bucket/meta/c')!
    expect(obj.contentEncoding).toBe('gzip')
    expect(obj.cacheControl).toBe('no-cache')
    expect(obj.contentType).toBe('image/x.compressed_segmentation')
    expect(obj.data[0]).toBe(0x1f)
    expect(await s.get('c')).toEqual(value)
  })

  it('without a token: anonymous public reads, read-only, no Authorization header', async () => {
    const writer = new GcsStorage('bucket', 'pub', { gcsToken: TOKEN, gcsEndpoint: gcs.endpoint })
    await writer.set('info', new TextEncoder().encode('{"a":1}'))
    const anon = storageFor('gs://bucket/pub', { gcsEndpoint: gcs.endpoint })
    expect(anon.writable).toBe(false)
    const before = gcs.requests.length
    expect(new TextDecoder().decode(await anon.get('info'))).toBe('{"a":1}')
    expect(gcs.requests[before]!.authorization).toBeUndefined()
    await expect(anon.set('info', new Uint8Array(1))).rejects.toSatisfy(isReadOnlyException)
    const keys: string[] = []
    for await (const k of anon.list()) keys.push(k)
    expect(keys).toEqual(['info'])
  })

  it('the bearer goes to the GCS origin only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daf-gcs-other-'))
    const other: StaticServer = await startStaticServer(dir)
    try {
      const auth = bearerForOrigin(gcs.endpoint, TOKEN)
      expect(auth.headersFor(`${gcs.endpoint}/bucket/x`)).toEqual({ authorization: `Bearer ${TOKEN}` })
      expect(auth.headersFor(`${other.url}/bucket/x`)).toEqual({})
      expect(auth.redact(`token ${TOKEN} here`)).toBe('token [redacted] here')
      // A layer on another host opened with the same options never sees the token.
      const s = storageFor(`${other.url}/layer`, { gcsToken: TOKEN, gcsEndpoint: gcs.endpoint })
      await s.get('info')
      expect(other.requests.every((r) => r.headers.authorization === undefined)).toBe(true)
    } finally {
      await other.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('lists across pages', async () => {
    const s = new GcsStorage('paged', 'l', { gcsToken: TOKEN, gcsEndpoint: gcs.endpoint })
    for (const k of ['a', 'b', 'c', 'd', 'e']) await s.set(k, new Uint8Array([1]))
    const keys: string[] = []
    for await (const k of s.list()) keys.push(k)
    expect(keys).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('public URL and cloudpath forms', () => {
    expect(storageFor('gs://bucket/a/b').url).toBe('gs://bucket/a/b')
    expect(storageFor('precomputed://gs://bucket/a/b').writable).toBe(false)
  })
})
