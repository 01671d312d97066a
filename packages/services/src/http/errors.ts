/**
 * Error classes of the HTTP layer. Guards use a global-registry symbol plus a `kind` field instead of
 * `instanceof`, so an error thrown by one copy of the package is recognised by another copy.
 */

import { redactText } from './redact.js'

const BRAND = Symbol.for('@daf/services.error')

export type DafErrorKind =
  | 'DafError'
  | 'HttpError'
  | 'AuthError'
  | 'NetworkError'
  | 'TimeoutError'
  | 'UnsupportedInBrowserError'
  | 'ServerIncompatibilityError'
  | 'InvalidParameterError'
  | 'ResponseFormatError'
  | 'GlobalClientError'
  | 'PayloadTooLargeError'

export class DafError extends Error {
  readonly kind: DafErrorKind = 'DafError'
  override name = 'DafError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    // Non-enumerable, so the brand never shows up in JSON or logs.
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** Fields every non-2xx response error carries; url and body are already scrubbed of the token. */
export interface HttpErrorInit {
  status: number
  statusText?: string
  method: string
  url: string
  /** The server's own explanation (JSON `message`/`error`, plain text, or an HTML `<title>`). */
  serverMessage?: string
  /** At most a few KiB of the body, token redacted. */
  bodyExcerpt?: string
  headers?: Record<string, string>
}

export class HttpError extends DafError {
  override readonly kind: DafErrorKind = 'HttpError'
  override name = 'HttpError'
  readonly status: number
  readonly statusText: string
  readonly method: string
  readonly url: string
  readonly serverMessage: string | undefined
  readonly bodyExcerpt: string | undefined
  /** Response headers (lower-case names) useful for diagnosis, e.g. `www-authenticate`, `retry-after`. */
  readonly headers: Record<string, string>
  constructor(init: HttpErrorInit, message?: string) {
    super(message ?? httpErrorMessage(init))
    this.status = init.status
    this.statusText = init.statusText ?? ''
    this.method = init.method
    this.url = init.url
    this.serverMessage = init.serverMessage
    this.bodyExcerpt = init.bodyExcerpt
    this.headers = init.headers ?? {}
  }
}

function httpErrorMessage(init: HttpErrorInit): string {
  const status = init.statusText ? `${init.status} ${init.statusText}` : String(init.status)
  const why = init.serverMessage ? `: ${init.serverMessage}` : ''
  return `${init.method} ${init.url} failed with HTTP ${status}${why}`
}

export interface AuthErrorInit extends HttpErrorInit {
  /** Where to log in: the `WWW-Authenticate` realm, or the login page a redirect pointed at. */
  loginUrl?: string
  /** The Terms-of-Service form to accept (from a `missing_tos` body or a ToS redirect). */
  tosFormUrl?: string
  /** The ToS name/id from a `missing_tos` body. */
  tosName?: string
  tosId?: number
}

/** 401/403, or a redirect to the login or Terms-of-Service page. */
export class AuthError extends HttpError {
  override readonly kind: DafErrorKind = 'AuthError'
  override name = 'AuthError'
  readonly loginUrl: string | undefined
  readonly tosFormUrl: string | undefined
  readonly tosName: string | undefined
  readonly tosId: number | undefined
  constructor(init: AuthErrorInit, message?: string) {
    super(init, message ?? authErrorMessage(init))
    this.loginUrl = init.loginUrl
    this.tosFormUrl = init.tosFormUrl
    this.tosName = init.tosName
    this.tosId = init.tosId
  }
}

function authErrorMessage(init: AuthErrorInit): string {
  const base = httpErrorMessage(init)
  if (init.tosFormUrl) {
    const name = init.tosName ? ` "${init.tosName}"` : ''
    return `${base}. Accept the Terms of Service${name} at ${init.tosFormUrl}`
  }
  if (init.status === 401) {
    const where = init.loginUrl ? ` (login: ${init.loginUrl})` : ''
    return `${base}. The token is missing, unknown or expired${where}`
  }
  if (init.status >= 300 && init.status < 400) {
    const where = init.loginUrl ? ` to ${init.loginUrl}` : ''
    return `${init.method} ${init.url} was redirected${where}: not logged in (no valid token for this server)`
  }
  return base
}

/** The request never got a response: DNS, connection refused/reset, TLS, CORS. */
export class NetworkError extends DafError {
  override readonly kind: DafErrorKind = 'NetworkError'
  override name = 'NetworkError'
  readonly method: string
  readonly url: string
  constructor(method: string, url: string, cause: unknown) {
    super(`${method} ${url} failed: network error${causeText(cause)}`, { cause })
    this.method = method
    this.url = url
  }
}

function causeText(cause: unknown): string {
  if (!(cause instanceof Error)) return ''
  // undici wraps the useful part (ECONNREFUSED …) one level down.
  const inner = (cause as { cause?: unknown }).cause
  const detail = inner instanceof Error ? inner.message : cause.message
  return detail ? ` (${redactText(detail)})` : ''
}

/** A per-attempt timeout or the total time budget ran out. A caller's abort is never a TimeoutError. */
export class TimeoutError extends DafError {
  override readonly kind: DafErrorKind = 'TimeoutError'
  override name = 'TimeoutError'
  readonly method: string
  readonly url: string
  readonly timeoutMs: number
  /** `attempt`: one try took too long; `total`: all tries and waits together. */
  readonly scope: 'attempt' | 'total'
  constructor(method: string, url: string, timeoutMs: number, scope: 'attempt' | 'total') {
    const what = scope === 'attempt' ? 'per-attempt timeout' : 'total time budget'
    super(`${method} ${url} timed out: ${what} of ${timeoutMs} ms exceeded`)
    this.method = method
    this.url = url
    this.timeoutMs = timeoutMs
    this.scope = scope
  }
}

export class UnsupportedInBrowserError extends DafError {
  override readonly kind: DafErrorKind = 'UnsupportedInBrowserError'
  override name = 'UnsupportedInBrowserError'
}

export interface ServerIncompatibilityInit {
  /** The method or argument that needs a newer (or different) server. */
  feature: string
  /** e.g. `>=4.3.1`, or the client's API versions. */
  required: string
  /** What the server reported. */
  actual: string
  service?: string
}

/** A known server version outside a method's range, or no API version both sides speak. */
export class ServerIncompatibilityError extends DafError {
  override readonly kind: DafErrorKind = 'ServerIncompatibilityError'
  override name = 'ServerIncompatibilityError'
  readonly feature: string
  readonly required: string
  readonly actual: string
  readonly service: string | undefined
  constructor(init: ServerIncompatibilityInit, message?: string) {
    const svc = init.service ? `${init.service} ` : ''
    super(message ?? `${init.feature} requires ${svc}server ${init.required}, but the server reports ${init.actual}`)
    this.feature = init.feature
    this.required = init.required
    this.actual = init.actual
    this.service = init.service
  }
}

/** A caller-supplied value is missing or malformed; nothing was sent. */
export class InvalidParameterError extends DafError {
  override readonly kind: DafErrorKind = 'InvalidParameterError'
  override name = 'InvalidParameterError'
  readonly parameter: string
  constructor(parameter: string, message: string) {
    super(message)
    this.parameter = parameter
  }
}

/** A 2xx response whose body is not what was asked for (bad JSON, uint64 body of odd length …). */
export class ResponseFormatError extends DafError {
  override readonly kind: DafErrorKind = 'ResponseFormatError'
  override name = 'ResponseFormatError'
}

/**
 * A datastack-bound service (annotation, chunkedgraph) was requested from a client created without a
 * datastack. Nothing was sent.
 */
export class GlobalClientError extends DafError {
  override readonly kind: DafErrorKind = 'GlobalClientError'
  override name = 'GlobalClientError'
  /** What was asked for, e.g. `annotation`. */
  readonly service: string
  constructor(service: string, message?: string) {
    super(
      message ??
        `${service} needs a datastack, but no datastack was set on this client. ` +
          `Create the client with one: new FrameworkClient('my_datastack', { ... }) or new FrameworkClient({ datastack: 'my_datastack', ... })`,
    )
    this.service = service
  }
}

/** An upload is larger than the client-side cap; nothing was sent. */
export class PayloadTooLargeError extends DafError {
  override readonly kind: DafErrorKind = 'PayloadTooLargeError'
  override name = 'PayloadTooLargeError'
  /** What was being uploaded, e.g. `state`. */
  readonly parameter: string
  /** Serialised size in bytes (UTF-8). */
  readonly size: number
  /** The cap in bytes. */
  readonly limit: number
  constructor(parameter: string, size: number, limit: number, hint = '') {
    super(
      `${parameter} is ${size} bytes as JSON, more than the ${limit}-byte upload limit; nothing was sent` +
        (hint ? `. ${hint}` : ''),
    )
    this.parameter = parameter
    this.size = size
    this.limit = limit
  }
}

function kindOf(e: unknown): DafErrorKind | undefined {
  if (typeof e !== 'object' || e === null) return undefined
  if ((e as Record<symbol, unknown>)[BRAND] !== true) return undefined
  return (e as { kind?: DafErrorKind }).kind
}

export const isDafError = (e: unknown): e is DafError => kindOf(e) !== undefined
export const isHttpError = (e: unknown): e is HttpError => {
  const k = kindOf(e)
  return k === 'HttpError' || k === 'AuthError'
}
export const isAuthError = (e: unknown): e is AuthError => kindOf(e) === 'AuthError'
export const isNetworkError = (e: unknown): e is NetworkError => kindOf(e) === 'NetworkError'
export const isTimeoutError = (e: unknown): e is TimeoutError => kindOf(e) === 'TimeoutError'
export const isUnsupportedInBrowserError = (e: unknown): e is UnsupportedInBrowserError =>
  kindOf(e) === 'UnsupportedInBrowserError'
export const isServerIncompatibilityError = (e: unknown): e is ServerIncompatibilityError =>
  kindOf(e) === 'ServerIncompatibilityError'
export const isInvalidParameterError = (e: unknown): e is InvalidParameterError =>
  kindOf(e) === 'InvalidParameterError'
export const isResponseFormatError = (e: unknown): e is ResponseFormatError =>
  kindOf(e) === 'ResponseFormatError'
export const isGlobalClientError = (e: unknown): e is GlobalClientError => kindOf(e) === 'GlobalClientError'
export const isPayloadTooLargeError = (e: unknown): e is PayloadTooLargeError => kindOf(e) === 'PayloadTooLargeError'
