/**
 * s3:// against a real S3-compatible server: the npm `s3rver` in a child process on loopback,
 * addressed as a custom endpoint (`s3://http://127.0.0.1:<port>/<bucket>/...`), SigV4-signed with
 * s3rver's fixed credentials (S3RVER / S3RVER).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isReadOnlyException } from '../errors.js'
import { startS3rver, type S3rverProcess } from '../test-support/s3rver.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { parseListObjectsV2, S3Storage } from './s3.js'

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
let server: S3rverProcess
let endpoint: string
let dir: string
const seen: { method: string; url: string; authorization: string | null; contentEncoding: string | null }[] = []
const recordingFetch: typeof fetch = async (input, init) => {
  const req = input instanceof Request ? input : new Request(input, init)
  seen.push({
    method: req.method,
    url: req.url,
    authorization: req.headers.get('authorization'),
    contentEncoding: req.headers.get('content-encoding'),
  })
  return fetch(req)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daf-s3rver-'))
  server = await startS3rver(join(dir, 'data'), ['vol', 'other'])
  endpoint = server.endpoint
})
afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
storageSuite('s3:// (s3rver, custom endpoint)', async () => ({
  storage: storageFor(`s3://${endpoint}/vol/suite${++n}/layer`, { s3Credentials: credentials, fetch: recordingFetch }),
}))

describe('s3://', () => {
  it('signs with SigV4, sends Content-Encoding gzip on compressed writes, decodes on read', async () => {
    const s = storageFor(`precomputed://s3://${endpoint}/vol/enc`, { s3Credentials: credentials, fetch: recordingFetch })
    const value = new Uint8Array(3000).fill(7)
    const before = seen.length
    await s.set('c', value, { compress: 'gzip', contentType: 'application/octet-stream', cacheControl: 'no-cache' })
    const put = seen[before]!
    expect(put.method).toBe('PUT')
    expect(put.url).toBe(`${endpoint}/vol/enc/c`)
    expect(put.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request/)
    expect(put.contentEncoding).toBe('gzip')
    expect(await s.get('c')).toEqual(value)
  })

  it('lists across pages of ListObjectsV2', async () => {
    const s = new S3Storage('vol', 'many', { endpoint, s3Credentials: credentials, listPageSize: 3, fetch: recordingFetch })
    const keys = Array.from({ length: 8 }, (_, i) => `k/${i}`)
    await Promise.all(keys.map((k) => s.set(k, new Uint8Array([1]))))
    const before = seen.length
    const listed: string[] = []
    for await (const k of s.list('k/')) listed.push(k)
    expect(listed.sort()).toEqual(keys)
    expect(seen.length - before).toBe(3)
  })

  it('reads credentials from <secretsDir>/aws-secret.json, bucket-specific files first', async () => {
    const secrets = join(dir, 'secrets')
    mkdirSync(secrets, { recursive: true })
    writeFileSync(join(secrets, 'aws-secret.json'), JSON.stringify({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }))
    writeFileSync(join(secrets, 'other-aws-secret.json'), JSON.stringify({ AWS_ACCESS_KEY_ID: 'WRONG', AWS_SECRET_ACCESS_KEY: 'nope' }))
    const s = storageFor(`s3://${endpoint}/vol/secrets`, { secretsDir: secrets })
    expect(s.writable).toBe(true)
    await s.set('x', new Uint8Array([5]))
    expect(await s.get('x')).toEqual(new Uint8Array([5]))
    // The bucket-specific file wins for bucket "other", and its wrong key is refused.
    const o = storageFor(`s3://${endpoint}/other/secrets`, { secretsDir: secrets })
    await expect(o.set('x', new Uint8Array([5]))).rejects.toThrow()
  })

  it('without credentials: unsigned reads, and writes refused before any request', async () => {
    const writer = storageFor(`s3://${endpoint}/vol/public`, { s3Credentials: credentials })
    await writer.set('info', new TextEncoder().encode('{}'))
    const anon = new S3Storage('vol', 'public', { endpoint, anonymous: true, fetch: recordingFetch })
    expect(anon.writable).toBe(false)
    const before = seen.length
    expect(new TextDecoder().decode(await anon.get('info'))).toBe('{}')
    expect(seen[before]!.authorization).toBeNull()
    await expect(anon.set('info', new Uint8Array(1))).rejects.toSatisfy(isReadOnlyException)
    expect(seen.length).toBe(before + 1)
  })

  it('useHttps rewrites a custom-endpoint path to plain https reads', () => {
    const s = storageFor('s3://https://s3.example.org/bucket/layer', { useHttps: true })
    expect(s.url).toBe('https://s3.example.org/bucket/layer')
    expect(s.writable).toBe(false)
    expect(storageFor('s3://bucket/layer', { useHttps: true }).url).toBe('https://s3.amazonaws.com/bucket/layer')
    expect(storageFor('gs://bucket/layer', { useHttps: true }).url).toBe('https://storage.googleapis.com/bucket/layer')
  })

  it('aliases select the S3 endpoint', () => {
    const m = storageFor('matrix://bucket/layer', { anonymous: true } as never) as S3Storage
    expect(m.endpoint).toBe('https://s3-hpcrc.rc.princeton.edu')
    expect(m.bucket).toBe('bucket')
    const custom = storageFor('mine://bkt/l', { aliases: { mine: 's3://https://objects.example.org/' } }) as S3Storage
    expect(custom.endpoint).toBe('https://objects.example.org')
  })

  it('parses ListObjectsV2 XML with entities and continuation tokens', () => {
    const page = parseListObjectsV2(
      '<?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b/c</Key></Contents>' +
        '<Contents><Key>d&#x2F;e</Key></Contents><NextContinuationToken>tok&lt;1</NextContinuationToken></ListBucketResult>',
    )
    expect(page).toEqual({ keys: ['a&b/c', 'd/e'], truncated: true, nextToken: 'tok<1' })
    expect(() => parseListObjectsV2('<Error><Code>NoSuchBucket</Code></Error>')).toThrow(/ListObjectsV2/)
  })
})
