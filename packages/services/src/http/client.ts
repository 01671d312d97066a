/**
 * The request function every service client is built on: URL from a route template, auth headers
 * from the Authorizer, retries with backoff, timeouts, redirects to login pages, error mapping and
 * body parsing. One attempt is `attempt()`; `send()` is the retry loop around it.
 */
import type { Authorizer } from '@daf/auth'
import { sendGetWithBody } from '#get-with-body'
import { abortReason, sleep as defaultSleep, throwIfAborted } from './abort.js'
import { authRedirect } from './auth-signals.js'
import {
  AuthError,
  HttpError,
  InvalidParameterError,
  NetworkError,
  TimeoutError,
  isDafError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
} from './errors.js'
import { DEFAULT_GZIP_THRESHOLD_BYTES, gzip } from './gzip.js'
import { stringifyJson } from './json.js'
import { consoleLogger, type Logger } from './logger.js'
import { appendQuery, type Query } from './query.js'
import { redactText, scrubUrl } from './redact.js'
import { errorFromResponse, readBody, type ResponseBody, type ResponseType } from './response.js'
import { DEFAULT_RETRY, backoffDelay, mayRetry, parseRetryAfter, type RetryOptions } from './retry.js'
import {
  fillPath,
  parseRoute,
  type HttpMethod,
  type PathParamValue,
  type RouteParamNames,
  type RouteParams,
} from './route.js'
import { encodeUint64LE } from './uint64.js'
import { joinUrl } from './url.js'

export const DEFAULT_TIMEOUT_MS = 60_000
export const DEFAULT_TOTAL_TIMEOUT_MS = 300_000
export const DEFAULT_MAX_REDIRECTS = 5

export interface HttpClientOptions {
  /** Looked up per call (`options.fetch ?? globalThis.fetch`), so test patches and msw apply. */
  fetch?: typeof globalThis.fetch
  /** Decides which URLs get the token; without it no request is authenticated. */
  auth?: Authorizer
  retry?: Partial<RetryOptions>
  /** Per attempt, including reading the body. `Infinity` (or 0) disables it. Default 60 s. */
  timeoutMs?: number
  /** All attempts and waits together. `Infinity` (or 0) disables it. Default 5 min. */
  totalTimeoutMs?: number
  logger?: Logger
  /** Sent as `User-Agent` when set (browsers may ignore it). */
  userAgent?: string
  /** Sent with every request; per-request headers win. */
  headers?: Record<string, string>
  /** Bodies larger than this are gzipped when a request sets `gzip: true`. Default 1 MiB. */
  gzipThresholdBytes?: number
  /** Redirects followed (Node) that do not lead to a login page. Default 5. */
  maxRedirects?: number
  /** Milliseconds since the epoch; for deterministic tests. */
  now?: () => number
  /** Backoff waits; must reject with the signal's reason on abort. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** In [0, 1); backoff jitter. */
  random?: () => number
}

export type RequestBody = string | ArrayBuffer | ArrayBufferView

export interface SendOptions<T extends ResponseType = 'json'> {
  query?: Query
  /** Serialised with `stringifyJson` (bigint-safe) and sent as `application/json`. */
  json?: unknown
  /** Raw body; a `BigUint64Array` goes out as little-endian `application/octet-stream`. */
  body?: RequestBody
  headers?: Record<string, string>
  /** How to read a 2xx body. Default `json` (uint64-safe). `response` hands back the raw Response. */
  responseType?: T
  /**
   * Whether failures may be retried. Default: true for GET/HEAD/OPTIONS, false otherwise. Set it on
   * a POST that only reads (roots lookups) or to opt in to retrying a write.
   */
  retryable?: boolean
  retry?: Partial<RetryOptions>
  timeoutMs?: number
  totalTimeoutMs?: number
  /** gzip the body (`Content-Encoding: gzip`) when it is larger than the client's threshold. */
  gzip?: boolean
  signal?: AbortSignal
}

// A literal route types its params exactly; a route only known as `string` takes any.
type ParamsOption<R extends string> = string extends R
  ? { params?: Readonly<Record<string, PathParamValue>> }
  : [RouteParamNames<R>] extends [never]
    ? { params?: Readonly<Record<string, never>> }
    : { params: RouteParams<R> }

export type RequestOptions<R extends string, T extends ResponseType = 'json'> = SendOptions<T> & {
  /** Server address; trailing slashes are dropped. */
  baseUrl: string | URL
} & ParamsOption<R>

export interface HttpClient {
  /** Sends `route` (e.g. `GET /info/api/v2/datastack/full/{datastack}`) to `baseUrl`. */
  request<R extends string, T extends ResponseType = 'json'>(
    route: R,
    options: RequestOptions<R, T>,
  ): Promise<ResponseBody<T>>
  /** Sends to an absolute URL (e.g. one a server handed back). */
  send<T extends ResponseType = 'json'>(
    method: HttpMethod,
    url: string | URL,
    options?: SendOptions<T>,
  ): Promise<ResponseBody<T>>
  /** The method and absolute URL `request` would use, without sending anything. */
  url<R extends string>(
    route: R,
    options: { baseUrl: string | URL; query?: Query } & ParamsOption<R>,
  ): { method: HttpMethod; url: string }
  readonly logger: Logger
}

interface Prepared {
  method: HttpMethod
  url: string
  safeUrl: string
  body: Uint8Array<ArrayBuffer> | string | undefined
  contentType: string | undefined
  contentEncoding: string | undefined
  headers: Record<string, string>
  responseType: ResponseType
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const logger = options.logger ?? consoleLogger
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  const auth = options.auth
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS
  const gzipThreshold = options.gzipThresholdBytes ?? DEFAULT_GZIP_THRESHOLD_BYTES

  function buildUrl(
    route: string,
    o: { baseUrl: string | URL; query?: Query; params?: Readonly<Record<string, PathParamValue>> },
  ): { method: HttpMethod; url: string } {
    const parsed = parseRoute(route)
    const url = appendQuery(joinUrl(o.baseUrl, fillPath(parsed, o.params)), o.query)
    return { method: parsed.method, url }
  }

  async function prepare(method: HttpMethod, url: string | URL, o: SendOptions<ResponseType>): Promise<Prepared> {
    const full = appendQuery(String(url), o.query)
    try {
      new URL(full)
    } catch {
      throw new InvalidParameterError('url', `not an absolute URL: "${redactText(full, auth)}"`)
    }
    if (o.json !== undefined && o.body !== undefined) {
      throw new InvalidParameterError('body', 'pass either json or body, not both')
    }
    let body: Uint8Array<ArrayBuffer> | string | undefined
    let contentType: string | undefined
    if (o.json !== undefined) {
      body = stringifyJson(o.json)
      contentType = 'application/json'
    } else if (typeof o.body === 'string') {
      body = o.body
    } else if (o.body instanceof BigUint64Array) {
      body = encodeUint64LE(o.body)
      contentType = 'application/octet-stream'
    } else if (o.body !== undefined) {
      const view = ArrayBuffer.isView(o.body)
        ? new Uint8Array(o.body.buffer, o.body.byteOffset, o.body.byteLength)
        : new Uint8Array(o.body)
      body = view.slice()
      contentType = 'application/octet-stream'
    }
    if (body !== undefined && method === 'HEAD') {
      throw new InvalidParameterError('body', 'a HEAD request cannot have a body')
    }
    let contentEncoding: string | undefined
    if (o.gzip && body !== undefined) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
      if (bytes.byteLength > gzipThreshold) {
        body = await gzip(bytes, o.signal ? { signal: o.signal } : {})
        contentEncoding = 'gzip'
      }
    }
    return {
      method,
      url: full,
      safeUrl: scrubUrl(full),
      body,
      contentType,
      contentEncoding,
      headers: o.headers ?? {},
      responseType: o.responseType ?? 'json',
    }
  }

  function headersFor(p: Prepared, url: string, callerHeadersAllowed: boolean): Headers {
    const h = new Headers()
    h.set('accept', ACCEPT[p.responseType])
    if (options.userAgent) h.set('user-agent', options.userAgent)
    for (const [k, v] of Object.entries(options.headers ?? {})) h.set(k, v)
    if (p.contentType) h.set('content-type', p.contentType)
    if (p.contentEncoding) h.set('content-encoding', p.contentEncoding)
    // The Authorizer alone decides whether this URL may see the token.
    for (const [k, v] of Object.entries(auth?.headersFor(url) ?? {})) h.set(k, v)
    for (const [k, v] of Object.entries(p.headers)) {
      if (!callerHeadersAllowed && CREDENTIAL_HEADERS.has(k.toLowerCase())) continue
      h.set(k, v)
    }
    return h
  }

  /** One try: fetch (following harmless redirects), check the status, read the body. */
  async function attempt(p: Prepared, signal: AbortSignal): Promise<unknown> {
    let url = p.url
    let method: HttpMethod = p.method
    let body = p.body
    let sameOrigin = true
    for (let hop = 0; ; hop++) {
      const headers = headersFor(p, url, sameOrigin)
      if (body === undefined) {
        headers.delete('content-type')
        headers.delete('content-encoding')
      }
      const response = await fetchOnce(method, url, headers, body, signal)
      const redirect = await redirectTarget(response, method, url, p.safeUrl)
      if (redirect) {
        if (hop >= maxRedirects) {
          throw new HttpError(
            { status: response.status, method: p.method, url: p.safeUrl },
            `${p.method} ${p.safeUrl} was redirected more than ${maxRedirects} times`,
          )
        }
        sameOrigin &&= new URL(redirect).origin === new URL(p.url).origin
        // 303 always, and 301/302 for POST, continue as a body-less GET (as fetch does).
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          if (method !== 'HEAD') method = 'GET'
          body = undefined
        }
        url = redirect
        continue
      }
      if (!response.ok) throw await errorFromResponse(response, p.method, p.safeUrl, auth)
      const warning = response.headers.get('warning')
      if (warning) logger.warn(`${p.method} ${p.safeUrl}: server warning: ${redactText(warning, auth)}`)
      return readBody(response, p.responseType, p.method, p.safeUrl, auth)
    }
  }

  async function fetchOnce(
    method: HttpMethod,
    url: string,
    headers: Headers,
    body: Uint8Array<ArrayBuffer> | string | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    if (method === 'GET' && body !== undefined) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
      return sendGetWithBody({ url, headers: Object.fromEntries(headers), body: bytes, signal })
    }
    const fetchImpl = options.fetch ?? globalThis.fetch
    // No `credentials: 'include'`: services answer CORS with a wildcard origin (spec §5.4).
    return fetchImpl(url, { method, headers, body: body ?? null, redirect: 'manual', signal, credentials: 'same-origin' })
  }

  /** The next URL for a harmless redirect; an AuthError for one to the login/ToS page. */
  async function redirectTarget(response: Response, method: string, url: string, safeUrl: string) {
    const init = { status: response.status, statusText: response.statusText, method, url: safeUrl }
    if (response.type === 'opaqueredirect') {
      // Browsers hide the target of a manual redirect; middle_auth only redirects to log in.
      throw new AuthError(
        init,
        `${method} ${safeUrl} was redirected (the browser hides where); middle_auth redirects only to its login or Terms-of-Service page, so the token is missing or invalid`,
      )
    }
    if (response.redirected && response.url) {
      // A fetch that followed redirects itself (polyfills, some test doubles).
      const page = authRedirect(new URL(response.url))
      if (page) throw new AuthError({ ...init, status: 302, ...page })
    }
    if (response.status < 300 || response.status >= 400 || response.status === 304) return undefined
    const location = response.headers.get('location')
    if (!location) return undefined
    await response.body?.cancel().catch(() => {})
    const target = new URL(location, url)
    const page = authRedirect(target)
    if (page) throw new AuthError({ ...init, ...page })
    return target.toString()
  }

  async function send<T extends ResponseType = 'json'>(
    method: HttpMethod,
    url: string | URL,
    o: SendOptions<T> = {},
  ): Promise<ResponseBody<T>> {
    const signal = o.signal
    throwIfAborted(signal)
    const p = await prepare(method, url, o as SendOptions<ResponseType>)
    const policy: RetryOptions = { ...DEFAULT_RETRY, ...options.retry, ...o.retry }
    const maxRetries = mayRetry(method, o.retryable) ? Math.max(0, policy.retries) : 0
    const perAttempt = limit(o.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    const total = limit(o.totalTimeoutMs ?? options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS)
    const deadline = now() + total

    for (let retry = 0; ; retry++) {
      const remaining = deadline - now()
      if (remaining <= 0) throw new TimeoutError(p.method, p.safeUrl, total, 'total')
      const scope = perAttempt <= remaining ? 'attempt' : 'total'
      const controller = new AbortController()
      const onAbort = () => controller.abort(abortReason(signal as AbortSignal))
      signal?.addEventListener('abort', onAbort, { once: true })
      const timer = Number.isFinite(Math.min(perAttempt, remaining))
        ? setTimeout(
            () => controller.abort(new TimeoutError(p.method, p.safeUrl, scope === 'attempt' ? perAttempt : total, scope)),
            Math.min(perAttempt, remaining, MAX_TIMER),
          )
        : undefined
      let keepListener = false
      try {
        const result = await attempt(p, controller.signal)
        // A raw Response's body is read later; the caller's abort must still reach it.
        keepListener = p.responseType === 'response'
        return result as ResponseBody<T>
      } catch (thrown) {
        const e = controller.signal.aborted ? controller.signal.reason : asDafError(thrown, p)
        if (signal?.aborted) throw abortReason(signal)
        const delay = retry < maxRetries ? retryDelay(e, retry, policy) : undefined
        if (delay === undefined) throw e
        if (now() + delay >= deadline) throw e
        logger.debug?.(`${p.method} ${p.safeUrl}: ${describe(e)}; retry ${retry + 1} of ${maxRetries} in ${delay} ms`)
        await sleep(delay, signal)
      } finally {
        if (timer !== undefined) clearTimeout(timer)
        if (!keepListener) signal?.removeEventListener('abort', onAbort)
      }
    }
  }

  /** How long to wait before another try, or undefined when `e` is not worth retrying. */
  function retryDelay(e: unknown, retry: number, policy: RetryOptions): number | undefined {
    if (isTimeoutError(e) && e.scope === 'total') return undefined
    if (isHttpError(e)) {
      if (!policy.statuses.includes(e.status)) return undefined
      const after = parseRetryAfter(e.headers['retry-after'], now())
      if (after !== undefined) return Math.min(after, policy.maxDelayMs)
    } else if (!isNetworkError(e) && !isTimeoutError(e)) {
      return undefined
    }
    return backoffDelay(retry, policy, random)
  }

  return {
    request<R extends string, T extends ResponseType = 'json'>(route: R, o: RequestOptions<R, T>) {
      let target: { method: HttpMethod; url: string }
      try {
        target = buildUrl(route, o as Parameters<typeof buildUrl>[1])
      } catch (e) {
        return Promise.reject(e)
      }
      return send<T>(target.method, target.url, { ...o, query: undefined })
    },
    send,
    url: (route, o) => buildUrl(route, o as Parameters<typeof buildUrl>[1]),
    logger,
  }
}

const ACCEPT: Record<ResponseType, string> = {
  json: 'application/json',
  text: 'text/plain, */*;q=0.8',
  arrayBuffer: '*/*',
  uint64: 'application/octet-stream',
  response: '*/*',
}

/** Caller-set credentials that must not follow a redirect to another origin (fetch does the same). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization'])

// setTimeout fires at once for delays beyond 2^31 − 1 ms.
const MAX_TIMER = 2 ** 31 - 1

const limit = (ms: number) => (ms > 0 && Number.isFinite(ms) ? ms : Infinity)

function asDafError(e: unknown, p: Prepared): unknown {
  if (isDafError(e)) return e
  // fetch rejects with TypeError for DNS, refused/reset connections, TLS and CORS failures.
  return new NetworkError(p.method, p.safeUrl, e)
}

function describe(e: unknown): string {
  if (isHttpError(e)) return `HTTP ${e.status}`
  if (isTimeoutError(e)) return 'timed out'
  return 'network error'
}
