/**
 * `gs://bucket/path`: Google Cloud Storage over HTTPS. Reads are plain GETs of
 * `https://storage.googleapis.com/<bucket>/<object>` (public objects need no credentials; Range
 * and Content-Encoding as for http). With a caller-supplied OAuth token (`gcsToken`) the bearer is
 * sent to the GCS host only, and writes, deletes and listing use the JSON API (multipart upload
 * carrying `contentType`, `contentEncoding`, `cacheControl`). Without a token the backend is
 * read-only; listing works where the bucket allows anonymous listing.
 */
import type { Authorizer } from '@daf/auth'
import { isHttpError, type HttpClient } from '@daf/services'
import { InvalidArgumentError } from '../errors.js'
import { checkBytes, compressForStorage, readOnly, throwIfAborted } from './common.js'
import { httpExists, httpGet, httpGetRange, missingOrThrow, storageHttpClient, writeError, type HttpStorageOptions } from './http.js'
import { encodePathSegments, joinPath, normalizeKey, normalizePrefix } from './keys.js'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage.js'

export const GCS_ENDPOINT = 'https://storage.googleapis.com'

export interface GcsStorageOptions extends HttpStorageOptions {
  /** OAuth 2 access token for GCS (never the CAVE token). Enables writes. */
  gcsToken?: string
  /** API origin; default `https://storage.googleapis.com` (tests point it at a local server). */
  gcsEndpoint?: string
}

/** An Authorizer that gives `token` to `origin` and to nothing else. */
export function bearerForOrigin(origin: string, token: string): Authorizer {
  const allowed = (url: string | URL) => {
    try {
      return new URL(url).origin === origin
    } catch {
      return false
    }
  }
  return {
    authorizes: allowed,
    headersFor: (url): Record<string, string> => (allowed(url) ? { authorization: `Bearer ${token}` } : {}),
    redact: (text) => (token ? text.split(token).join('[redacted]') : text),
  }
}

export class GcsStorage implements Storage {
  readonly writable: boolean
  readonly url: string
  readonly bucket: string
  readonly #prefix: string
  readonly #endpoint: string
  readonly #http: HttpClient

  constructor(bucket: string, prefix = '', options: GcsStorageOptions = {}) {
    if (!/^[\w.-]+$/.test(bucket)) throw new InvalidArgumentError('bucket', bucket, 'a GCS bucket name')
    this.bucket = bucket
    this.#prefix = prefix === '' ? '' : normalizeKey(prefix, 'prefix')
    this.#endpoint = new URL(options.gcsEndpoint ?? GCS_ENDPOINT).origin
    const token = options.gcsToken
    this.writable = typeof token === 'string' && token !== ''
    this.#http = storageHttpClient(options, this.writable ? bearerForOrigin(this.#endpoint, token!) : undefined)
    this.url = `gs://${bucket}${this.#prefix ? `/${this.#prefix}` : ''}`
  }

  #object(key: string): string {
    return joinPath(this.#prefix, normalizeKey(key))
  }

  #readUrl(key: string): string {
    return `${this.#endpoint}/${this.bucket}/${encodePathSegments(this.#object(key))}`
  }

  async get(key: string, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGet(this.#http, this.#readUrl(key), options.signal)
  }

  async getRange(key: string, range: ByteRange, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGetRange(this.#http, this.#readUrl(key), range, options.signal)
  }

  async exists(key: string, options: StorageCallOptions = {}): Promise<boolean> {
    return httpExists(this.#http, this.#readUrl(key), options.signal)
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    const name = this.#object(key)
    if (!this.writable) throw readOnly(this.url, `write ${key} (no GCS token given)`)
    throwIfAborted(options.signal)
    checkBytes(value)
    const data = await compressForStorage(value, options)
    const contentType = options.contentType ?? 'application/octet-stream'
    const metadata: Record<string, string> = { name, contentType }
    if (options.compress) metadata['contentEncoding'] = options.compress
    if (options.cacheControl) metadata['cacheControl'] = options.cacheControl
    const boundary = `daf-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`
    const enc = new TextEncoder()
    const head = enc.encode(
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
        `--${boundary}\r\nContent-Type: ${contentType}\r\n\r\n`,
    )
    const tail = enc.encode(`\r\n--${boundary}--\r\n`)
    const body = new Uint8Array(head.byteLength + data.byteLength + tail.byteLength)
    body.set(head, 0)
    body.set(data, head.byteLength)
    body.set(tail, head.byteLength + data.byteLength)
    const url = `${this.#endpoint}/upload/storage/v1/b/${encodeURIComponent(this.bucket)}/o?uploadType=multipart`
    try {
      await this.#http.send('POST', url, {
        body,
        headers: { 'content-type': `multipart/related; boundary=${boundary}` },
        responseType: 'text',
        // Uploading the same bytes twice is harmless.
        retryable: true,
        ...(options.signal && { signal: options.signal }),
      })
    } catch (e) {
      writeError(e, `upload ${this.url}/${key}`)
    }
  }

  async delete(key: string, options: StorageCallOptions = {}): Promise<void> {
    const name = this.#object(key)
    if (!this.writable) throw readOnly(this.url, `delete ${key} (no GCS token given)`)
    const url = `${this.#endpoint}/storage/v1/b/${encodeURIComponent(this.bucket)}/o/${encodeURIComponent(name)}`
    try {
      await this.#http.send('DELETE', url, { responseType: 'text', retryable: true, ...(options.signal && { signal: options.signal }) })
    } catch (e) {
      if (isHttpError(e) && e.status === 404) return
      writeError(e, `delete ${this.url}/${key}`)
    }
  }

  async *list(prefix?: string, options: StorageCallOptions = {}): AsyncIterable<string> {
    const wanted = normalizePrefix(prefix)
    const root = this.#prefix ? `${this.#prefix}/` : ''
    let pageToken: string | undefined
    do {
      const query = new URLSearchParams({ prefix: root + wanted, fields: 'items(name),nextPageToken' })
      if (pageToken) query.set('pageToken', pageToken)
      const url = `${this.#endpoint}/storage/v1/b/${encodeURIComponent(this.bucket)}/o?${query}`
      let page: { items?: { name?: string }[]; nextPageToken?: string } | undefined
      try {
        page = (await this.#http.send('GET', url, { ...(options.signal && { signal: options.signal }) })) as typeof page
      } catch (e) {
        // A bucket that does not exist (or hides its listing) lists nothing.
        missingOrThrow(e, `list ${this.url}`)
        return
      }
      for (const item of page?.items ?? []) {
        if (typeof item.name === 'string' && item.name.startsWith(root)) yield item.name.slice(root.length)
      }
      pageToken = page?.nextPageToken
    } while (pageToken)
  }
}
