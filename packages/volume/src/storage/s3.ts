/**
 * `s3://bucket/path`, custom endpoints `s3://https://host[:port]/bucket/path` and aliases
 * (`matrix://`, `tigerdata://`, user aliases): S3 and S3-compatible stores, path-style URLs,
 * requests signed with SigV4 by `aws4fetch` inside the `fetch` handed to the shared HTTP client (so
 * each retry is signed afresh). Credentials: `s3Credentials` option, else (Node)
 * `~/.cloudvolume/secrets/[<bucket>-]<service>-secret.json` or the AWS environment variables;
 * without credentials requests go unsigned (public buckets) and the backend is read-only.
 * Range reads, Content-Encoding on write (gzip, br), listing via ListObjectsV2.
 */
import { AwsClient } from 'aws4fetch'
import { isHttpError, type HttpClient } from '@daf/services'
import { loadS3Credentials } from '#secrets'
import { DecodeError, InvalidArgumentError } from '../errors.js'
import { checkBytes, compressForStorage, readOnly, throwIfAborted } from './common.js'
import { httpExists, httpGet, httpGetRange, missingOrThrow, storageHttpClient, writeError, type HttpStorageOptions } from './http.js'
import { encodePathSegments, joinPath, normalizeKey, normalizePrefix } from './keys.js'
import type { S3Credentials } from './secrets-types.js'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage.js'

export const S3_ENDPOINT = 'https://s3.amazonaws.com'

export interface S3StorageOptions extends HttpStorageOptions {
  /** `https://host[:port]`; default AWS (`https://s3.amazonaws.com`, or `s3.<region>.amazonaws.com`). */
  endpoint?: string
  /** Explicit credentials; otherwise looked up (Node) by bucket and `secretService`. */
  s3Credentials?: S3Credentials
  /** Secret file service name: `aws` (default) or the alias (`matrix`). */
  secretService?: string
  /** Directory of secret files instead of `~/.cloudvolume/secrets` (Node). */
  secretsDir?: string
  /** Send no credentials even if some are found. */
  anonymous?: boolean
  /** `max-keys` per ListObjectsV2 page (default: the server's, 1000 on AWS). */
  listPageSize?: number
}

export class S3Storage implements Storage {
  readonly writable: boolean
  readonly url: string
  readonly bucket: string
  readonly endpoint: string
  readonly #prefix: string
  readonly #http: HttpClient
  readonly #pageSize: number | undefined

  constructor(bucket: string, prefix = '', options: S3StorageOptions = {}) {
    this.#pageSize = options.listPageSize
    if (!/^[\w.-]+$/.test(bucket)) throw new InvalidArgumentError('bucket', bucket, 'an S3 bucket name')
    this.bucket = bucket
    this.#prefix = prefix === '' ? '' : normalizeKey(prefix, 'prefix')
    const creds = options.anonymous
      ? undefined
      : (options.s3Credentials ?? loadS3Credentials(bucket, options.secretService ?? 'aws', options.secretsDir))
    const region = creds?.region ?? 'us-east-1'
    this.endpoint = new URL(
      options.endpoint ?? (region === 'us-east-1' ? S3_ENDPOINT : `https://s3.${region}.amazonaws.com`),
    ).origin
    this.writable = creds !== undefined
    const baseFetch = options.fetch
    let fetchImpl = baseFetch
    if (creds) {
      const signer = new AwsClient({
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        ...(creds.sessionToken && { sessionToken: creds.sessionToken }),
        service: 's3',
        region,
        retries: 0,
      })
      fetchImpl = async (input, init) => {
        const signed = await signer.sign(input instanceof Request ? input : String(input), init)
        return (baseFetch ?? globalThis.fetch)(signed)
      }
    }
    this.#http = storageHttpClient({ ...options, ...(fetchImpl && { fetch: fetchImpl }) })
    const custom = options.endpoint ? `${this.endpoint}/` : ''
    this.url = `s3://${custom}${bucket}${this.#prefix ? `/${this.#prefix}` : ''}`
  }

  #object(key: string): string {
    return joinPath(this.#prefix, normalizeKey(key))
  }

  #objectUrl(key: string): string {
    return `${this.endpoint}/${this.bucket}/${encodePathSegments(this.#object(key))}`
  }

  async get(key: string, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGet(this.#http, this.#objectUrl(key), options.signal)
  }

  async getRange(key: string, range: ByteRange, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGetRange(this.#http, this.#objectUrl(key), range, options.signal)
  }

  async exists(key: string, options: StorageCallOptions = {}): Promise<boolean> {
    return httpExists(this.#http, this.#objectUrl(key), options.signal)
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    const url = this.#objectUrl(key)
    if (!this.writable) throw readOnly(this.url, `write ${key} (no S3 credentials)`)
    throwIfAborted(options.signal)
    checkBytes(value)
    const data = await compressForStorage(value, options)
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/octet-stream' }
    if (options.compress) headers['content-encoding'] = options.compress
    if (options.cacheControl) headers['cache-control'] = options.cacheControl
    try {
      await this.#http.send('PUT', url, {
        body: data,
        headers,
        responseType: 'text',
        retryable: true,
        ...(options.signal && { signal: options.signal }),
      })
    } catch (e) {
      writeError(e, `PUT ${this.url}/${key}`)
    }
  }

  async delete(key: string, options: StorageCallOptions = {}): Promise<void> {
    const url = this.#objectUrl(key)
    if (!this.writable) throw readOnly(this.url, `delete ${key} (no S3 credentials)`)
    try {
      await this.#http.send('DELETE', url, { responseType: 'text', retryable: true, ...(options.signal && { signal: options.signal }) })
    } catch (e) {
      if (isHttpError(e) && e.status === 404) return
      writeError(e, `DELETE ${this.url}/${key}`)
    }
  }

  async *list(prefix?: string, options: StorageCallOptions = {}): AsyncIterable<string> {
    const wanted = normalizePrefix(prefix)
    const root = this.#prefix ? `${this.#prefix}/` : ''
    let token: string | undefined
    do {
      const query = new URLSearchParams({ 'list-type': '2', prefix: root + wanted })
      if (this.#pageSize) query.set('max-keys', String(this.#pageSize))
      if (token) query.set('continuation-token', token)
      const url = `${this.endpoint}/${this.bucket}?${query}`
      let xml: string
      try {
        xml = await this.#http.send('GET', url, { responseType: 'text', ...(options.signal && { signal: options.signal }) })
      } catch (e) {
        missingOrThrow(e, `list ${this.url}`)
        return
      }
      const page = parseListObjectsV2(xml, url)
      for (const key of page.keys) if (key.startsWith(root)) yield key.slice(root.length)
      token = page.truncated ? page.nextToken : undefined
    } while (token)
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
      return Number.isFinite(code) ? String.fromCodePoint(code) : m
    }
    return ENTITIES[name] ?? m
  })
}

/** Keys and continuation of a ListObjectsV2 response (`<Contents><Key>`, `<IsTruncated>`, `<NextContinuationToken>`). */
export function parseListObjectsV2(xml: string, url = 'ListObjectsV2'): { keys: string[]; truncated: boolean; nextToken: string | undefined } {
  if (!/<ListBucketResult[\s>]/.test(xml)) {
    throw new DecodeError(`${url}: not a ListObjectsV2 result: ${xml.slice(0, 200)}`)
  }
  const keys: string[] = []
  for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(m[1]!)
    if (key) keys.push(unescapeXml(key[1]!))
  }
  const truncated = /<IsTruncated>\s*true\s*<\/IsTruncated>/i.test(xml)
  const next = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)
  return { keys, truncated, nextToken: next ? unescapeXml(next[1]!) : undefined }
}
