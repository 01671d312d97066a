/**
 * Errors thrown by `@daf/auth`. Messages name fields, files and keys but never contain a token.
 * Recognise them with the guards below rather than `instanceof`: the guards check a global symbol
 * brand, so they also work when two copies of the package are loaded (bundles, workspaces).
 */

const brand = Symbol.for('@daf/auth.error')

export type DafAuthErrorCode =
  | 'AUTH_CONFIG'
  | 'TOKEN_FORMAT'
  | 'TOKEN_EXISTS'
  | 'TOKEN_FILE'
  | 'OPEN_URL'

/** Base class of every error this package throws. */
export class DafAuthError extends Error {
  readonly code: DafAuthErrorCode

  constructor(code: DafAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DafAuthError'
    this.code = code
    Object.defineProperty(this, brand, { value: true, enumerable: false })
  }
}

/** An option has an unusable value (server address, origin, token key, a file option in a browser…). */
export class AuthConfigError extends DafAuthError {
  /** The option at fault, e.g. `serverAddress`, `allowedOrigins`, `tokenKey`, `tokenFile`. */
  readonly field: string

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('AUTH_CONFIG', message, options)
    this.name = 'AuthConfigError'
    this.field = field
  }
}

/** A token given to `saveToken` is not 32 hexadecimal characters. Carries its length, never its value. */
export class TokenFormatError extends DafAuthError {
  readonly field: string
  readonly length: number | undefined

  constructor(field: string, length: number | undefined) {
    const got =
      length === undefined ? 'a non-string' : length === 32 ? 'non-hexadecimal characters' : `${length} characters`
    super('TOKEN_FORMAT', `${field} must be 32 hexadecimal characters (got ${got})`)
    this.name = 'TokenFormatError'
    this.field = field
    this.length = length
  }
}

/** `saveToken` would replace a different token already stored under `key` and `overwrite` is false. */
export class TokenExistsError extends DafAuthError {
  /** The secret file holding the other token (Node). */
  readonly file: string | undefined
  /** The storage key holding the other token (browsers). */
  readonly storageKey: string | undefined
  readonly key: string

  constructor(where: { file?: string; storageKey?: string }, key: string) {
    const place = where.file !== undefined ? `file ${where.file}` : `storage key ${where.storageKey ?? '?'}`
    super(
      'TOKEN_EXISTS',
      `a different token is already stored under key "${key}" in ${place}; pass { overwrite: true } to replace it`,
    )
    this.name = 'TokenExistsError'
    this.file = where.file
    this.storageKey = where.storageKey
    this.key = key
  }
}

/** A secret file could not be read, parsed or written. `reason` is the system error code when there is one. */
export class TokenFileError extends DafAuthError {
  readonly file: string
  readonly operation: 'read' | 'parse' | 'write'
  readonly reason: string | undefined

  constructor(file: string, operation: 'read' | 'parse' | 'write', reason?: string, options?: { cause?: unknown }) {
    const what =
      operation === 'parse' ? 'is not a JSON object' : `could not be ${operation === 'read' ? 'read' : 'written'}`
    super('TOKEN_FILE', `secret file ${file} ${what}${reason ? ` (${reason})` : ''}`, options)
    this.name = 'TokenFileError'
    this.file = file
    this.operation = operation
    this.reason = reason
  }
}

/** The system opener (xdg-open, open, start) or `window.open` failed to open a page. */
export class OpenUrlError extends DafAuthError {
  readonly url: string
  readonly command: string | undefined

  constructor(url: string, command: string | undefined, reason: string, options?: { cause?: unknown }) {
    super('OPEN_URL', `could not open ${url}${command ? ` with ${command}` : ''}: ${reason}`, options)
    this.name = 'OpenUrlError'
    this.url = url
    this.command = command
  }
}

/** True for any error thrown by any copy of `@daf/auth`; with `code`, only for that kind. */
export function isDafAuthError(error: unknown, code?: DafAuthErrorCode): error is DafAuthError {
  if (typeof error !== 'object' || error === null) return false
  if ((error as Record<symbol, unknown>)[brand] !== true) return false
  return code === undefined || (error as { code?: unknown }).code === code
}

export const isAuthConfigError = (error: unknown): error is AuthConfigError => isDafAuthError(error, 'AUTH_CONFIG')
export const isTokenFormatError = (error: unknown): error is TokenFormatError => isDafAuthError(error, 'TOKEN_FORMAT')
export const isTokenExistsError = (error: unknown): error is TokenExistsError => isDafAuthError(error, 'TOKEN_EXISTS')
export const isTokenFileError = (error: unknown): error is TokenFileError => isDafAuthError(error, 'TOKEN_FILE')
export const isOpenUrlError = (error: unknown): error is OpenUrlError => isDafAuthError(error, 'OPEN_URL')
