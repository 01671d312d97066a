/**
 * HTTP object access shared by the `http(s)://`, `gs://` and `s3://` backends, on the one HTTP layer
 * of `@daf/services` (`createHttpClient`) with the storage retry policy of volumes.md §5: retry 408,
 * 429, 500, 502, 503, 504 and network errors, 7 attempts, 0.5 s base, 60 s cap, `Retry-After`
 * honoured. 403 and 404 mean missing (GCS and S3 answer 403 for absent objects when listing is not
 * allowed); 401 is an `AuthenticationError`. So bad credentials look like missing data on reads.
 *
 * Storage clients never get the deployment's `AuthClient`: their `Authorizer` is none, or a GCS
 * OAuth bearer limited to the GCS host. The CAVE token cannot reach a storage host.
 */
import type { Authorizer } from '@daf/auth'
import {
  createHttpClient,
  isHttpError,
  type HttpClient,
  type Logger,
  type RetryOptions,
} from '@daf/services'
import { AuthenticationError } from '../errors.js'
import { checkRange, readOnly, throwIfAborted } from './common.js'
import { encodePathSegments, joinPath, normalizeKey } from './keys.js'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage.js'
import { UnsupportedProtocolError } from '../errors.js'

/** The storage retry policy (volumes.md §5): 7 attempts in all. */
export const STORAGE_RETRY: Readonly<RetryOptions> = Object.freeze({
  retries: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  statuses: Object.freeze([408, 429, 500, 502, 503, 504]),
})

/** Options every network backend takes. */
export interface HttpStorageOptions {
  /** `fetch` to use (looked up per call; default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch
  /** Overrides of the storage retry policy. */
  retry?: Partial<RetryOptions>
  /** Per attempt, including reading the body. Default 60 s. */
  timeoutMs?: number
  /** All attempts and waits of one call. Default 10 min. */
  totalTimeoutMs?: number
  logger?: Logger
  /** Backoff waits (tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** An HTTP client for storage: the storage retry policy and the given (storage-only) Authorizer. */
export function storageHttpClient(options: HttpStorageOptions = {}, auth?: Authorizer): HttpClient {
  return createHttpClient({
    ...(options.fetch && { fetch: options.fetch }),
    ...(auth && { auth }),
    retry: { ...STORAGE_RETRY, ...options.retry },
    timeoutMs: options.timeoutMs ?? 60_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 600_000,
    ...(options.logger && { logger: options.logger }),
    ...(options.sleep && { sleep: options.sleep }),
  })
}

/** Maps a read failure: 403/404/410 → undefined (missing), 401 → AuthenticationError, else rethrow. */
export function missingOrThrow(e: unknown, what: string): undefined {
  if (isHttpError(e)) {
    if (e.status === 404 || e.status === 403 || e.status === 410) return undefined
    if (e.status === 401) {
      throw new AuthenticationError(`${what}: the storage host answered 401 (credentials missing or invalid)`, { cause: e })
    }
  }
  throw e
}

/** Maps a write failure: 401/403 → AuthenticationError, else rethrow. */
export function writeError(e: unknown, what: string): never {
  if (isHttpError(e) && (e.status === 401 || e.status === 403)) {
    throw new AuthenticationError(`${what}: the storage host refused the write with HTTP ${e.status}`, { cause: e })
  }
  throw e
}

/** GET a whole object: decoded bytes (fetch undoes Content-Encoding), or undefined when missing/empty. */
export async function httpGet(http: HttpClient, url: string, signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
  try {
    const body = await http.send('GET', url, { responseType: 'arrayBuffer', ...(signal && { signal }) })
    return body.byteLength === 0 ? undefined : new Uint8Array(body)
  } catch (e) {
    return missingOrThrow(e, `GET ${url}`)
  }
}

/**
 * GET `bytes=a-b` of an object. 206 → the bytes; 200 (server ignored Range) → the range cut from
 * the whole body; 416 → empty; 403/404 → undefined. `Accept-Encoding: identity` asks servers not
 * to content-encode the part (browsers keep their own header).
 */
export async function httpGetRange(
  http: HttpClient,
  url: string,
  range: ByteRange,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | undefined> {
  checkRange(range)
  throwIfAborted(signal)
  if (range.length === 0) {
    return (await httpExists(http, url, signal)) ? new Uint8Array(0) : undefined
  }
  let response: Response
  try {
    response = await http.send('GET', url, {
      responseType: 'response',
      headers: { range: `bytes=${range.offset}-${range.offset + range.length - 1}`, 'accept-encoding': 'identity' },
      ...(signal && { signal }),
    })
  } catch (e) {
    if (isHttpError(e) && e.status === 416) return new Uint8Array(0)
    return missingOrThrow(e, `GET ${url} (bytes ${range.offset}+${range.length})`)
  }
  const body = new Uint8Array(await response.arrayBuffer())
  if (response.status === 206) return body.byteLength > range.length ? body.subarray(0, range.length) : body
  if (body.byteLength === 0) return undefined
  return body.subarray(Math.min(range.offset, body.byteLength), Math.min(range.offset + range.length, body.byteLength))
}

/** HEAD: true for a present, non-empty object. */
export async function httpExists(http: HttpClient, url: string, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    const response = await http.send('HEAD', url, { responseType: 'response', ...(signal && { signal }) })
    await response.body?.cancel().catch(() => {})
    return response.headers.get('content-length') !== '0'
  } catch (e) {
    return missingOrThrow(e, `HEAD ${url}`) ?? false
  }
}

/** `http(s)://host/path`: read-only objects below a URL. */
export class HttpStorage implements Storage {
  readonly writable = false
  readonly url: string
  readonly #http: HttpClient
  readonly #base: string

  /** `baseUrl` is the layer's URL (`https://host/volumes/x/em`); query strings are not supported. */
  constructor(baseUrl: string, options: HttpStorageOptions = {}) {
    const u = new URL(baseUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new UnsupportedProtocolError(`HttpStorage needs an http(s) URL, got ${u.protocol}`)
    }
    u.username = ''
    u.password = ''
    u.search = ''
    u.hash = ''
    this.#base = u.toString().replace(/\/+$/, '')
    this.url = this.#base
    this.#http = storageHttpClient(options)
  }

  #urlFor(key: string): string {
    return joinPath(this.#base, encodePathSegments(normalizeKey(key)))
  }

  async get(key: string, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGet(this.#http, this.#urlFor(key), options.signal)
  }

  async getRange(key: string, range: ByteRange, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    return httpGetRange(this.#http, this.#urlFor(key), range, options.signal)
  }

  async exists(key: string, options: StorageCallOptions = {}): Promise<boolean> {
    return httpExists(this.#http, this.#urlFor(key), options.signal)
  }

  async set(key: string, _value: Uint8Array, _options: StorageSetOptions = {}): Promise<void> {
    normalizeKey(key)
    throw readOnly(this.url, `write ${key}`)
  }

  async delete(key: string, _options: StorageCallOptions = {}): Promise<void> {
    normalizeKey(key)
    throw readOnly(this.url, `delete ${key}`)
  }

  // eslint-disable-next-line require-yield
  async *list(_prefix?: string, _options: StorageCallOptions = {}): AsyncIterable<string> {
    throw new UnsupportedProtocolError(`${this.url}: plain http(s) has no listing (use gs:// or s3:// paths to list)`)
  }
}
