/**
 * Exit codes and one-line error messages. Every error the CLI can meet is classified by the
 * packages' brand guards (which work across copies of a package), never by `instanceof`.
 */
import { isDafAuthError } from '@daf/auth'
import {
  isAuthError,
  isGlobalClientError,
  isHttpError,
  isInvalidParameterError,
  isNetworkError,
  isPayloadTooLargeError,
  isResponseFormatError,
  isServerIncompatibilityError,
  isTimeoutError,
  isUnsupportedInBrowserError,
  redactText,
  type Redactor,
} from '@daf/services'

export const EXIT_OK = 0
/** Bad usage: unknown command or option, missing argument, no datastack where one is needed. */
export const EXIT_USAGE = 1
/** The server or the network failed (HTTP errors, timeouts, refused connections), or anything unexpected. */
export const EXIT_SERVER = 2
/** Bad input: an unreadable or malformed file, an invalid id, bounds, token or parameter. */
export const EXIT_INPUT = 3

export type ExitCode = typeof EXIT_OK | typeof EXIT_USAGE | typeof EXIT_SERVER | typeof EXIT_INPUT

/** An error the CLI raises itself, with its exit code. */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT_INPUT,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_USAGE)
export const inputError = (message: string, cause?: unknown): CliError => new CliError(message, EXIT_INPUT, { cause })

const FS_INPUT_CODES = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'EEXIST', 'ENAMETOOLONG'])

/**
 * The exit code for an error thrown while running a command. Async because the volume and cirrus
 * guards are loaded only when needed (commands that never touch volumes start faster).
 */
export async function exitCodeOf(error: unknown): Promise<ExitCode> {
  if (error instanceof CliError) return error.exitCode
  if (isGlobalClientError(error)) return EXIT_USAGE
  if (isInvalidParameterError(error) || isPayloadTooLargeError(error)) return EXIT_INPUT
  if (
    isHttpError(error) ||
    isAuthError(error) ||
    isNetworkError(error) ||
    isTimeoutError(error) ||
    isServerIncompatibilityError(error) ||
    isResponseFormatError(error) ||
    isUnsupportedInBrowserError(error)
  ) {
    return EXIT_SERVER
  }
  if (isDafAuthError(error)) return EXIT_INPUT
  const { isCirrusError } = await import('@daf/cirrus')
  const { isVolumeError } = await import('@daf/volume')
  if (isCirrusError(error)) return error.code === 'PROVENANCE_WRITE' || error.code === 'PROVENANCE_CONFLICT' ? EXIT_SERVER : EXIT_INPUT
  if (isVolumeError(error)) {
    switch (error.kind) {
      case 'AuthenticationError':
      case 'InfoUnavailableError':
      case 'UnsupportedGrapheneAPIVersionError':
      case 'DecodeError':
      case 'SpecViolation':
      case 'CyclicRedirect':
      case 'TooManyRedirects':
      case 'EmptyVolumeException':
        return EXIT_SERVER
      default:
        return EXIT_INPUT
    }
  }
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && FS_INPUT_CODES.has(code)) return EXIT_INPUT
  return EXIT_SERVER
}

/** `error`'s message on one line, without tokens. */
export function oneLine(error: unknown, redactor?: Redactor): string {
  let message: string
  if (error instanceof Error) {
    message = error.message || error.name
  } else {
    message = String(error)
  }
  return redactText(message, redactor).replace(/\s*\n\s*/g, ' | ').trim()
}
