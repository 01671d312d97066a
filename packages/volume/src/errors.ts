/**
 * The package's errors. One base class, `VolumeError`; subclasses are named after
 * `cloudvolume/exceptions.py` (volumes.md §6.9). Guards check a `Symbol.for` brand plus the
 * `kind` field, so an error thrown by one copy of the package is recognised by another copy.
 */

const BRAND = Symbol.for('@daf/volume.error')

export type VolumeErrorKind =
  | 'VolumeError'
  | 'AlignmentError'
  | 'OutOfBoundsError'
  | 'EmptyVolumeException'
  | 'EmptyRequestException'
  | 'EmptyFileException'
  | 'ScaleUnavailableError'
  | 'InfoUnavailableError'
  | 'ReadOnlyException'
  | 'CyclicRedirect'
  | 'TooManyRedirects'
  | 'SpecViolation'
  | 'AuthenticationError'
  | 'UnsupportedGrapheneAPIVersionError'
  | 'UnsupportedEncodingError'
  | 'UnsupportedProtocolError'
  | 'InvalidArgumentError'
  | 'DecodeError'

/** A box `[[x0, x1], [y0, y1], [z0, z1]]`, end exclusive. */
export type BoxTuple = readonly [readonly [number, number], readonly [number, number], readonly [number, number]]

export interface VolumeErrorOptions {
  cause?: unknown
}

export class VolumeError extends Error {
  readonly kind: VolumeErrorKind = 'VolumeError'
  override name = 'VolumeError'
  constructor(message: string, options?: VolumeErrorOptions) {
    super(message, options)
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** True for any error of this package (any copy of it). */
export function isVolumeError(error: unknown): error is VolumeError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true
}

function guard<K extends VolumeErrorKind, T extends VolumeError>(kind: K): (error: unknown) => error is T {
  return (error: unknown): error is T => isVolumeError(error) && error.kind === kind
}

export const fmtBox = (box: BoxTuple): string => box.map(([a, b]) => `${a}:${b}`).join(', ')

/** A write (or delete) box that does not sit on the chunk grid. */
export class AlignmentError extends VolumeError {
  override readonly kind = 'AlignmentError'
  override name = 'AlignmentError'
  /** The requested box. */
  readonly box: BoxTuple | undefined
  /** The smallest chunk-aligned box (clamped to the bounds) containing the request. */
  readonly alignedBox: BoxTuple | undefined
  constructor(message: string, init: { box?: BoxTuple; alignedBox?: BoxTuple } = {}, options?: VolumeErrorOptions) {
    super(message, options)
    this.box = init.box
    this.alignedBox = init.alignedBox
  }
}

/** A request reaching outside the volume's bounds while `bounded` is on. */
export class OutOfBoundsError extends VolumeError {
  override readonly kind = 'OutOfBoundsError'
  override name = 'OutOfBoundsError'
  constructor(
    message: string,
    readonly box?: BoxTuple,
    readonly bounds?: BoxTuple,
  ) {
    super(message)
  }
}

/** A chunk inside the bounds is missing (or empty) and `fillMissing` is off. */
export class EmptyVolumeException extends VolumeError {
  override readonly kind = 'EmptyVolumeException'
  override name = 'EmptyVolumeException'
  constructor(
    message: string,
    /** The missing chunk's box. */
    readonly chunk?: BoxTuple,
    /** Its object key (`<key>/<x0-x1_y0-y1_z0-z1>`, or `<key>/<shard>.shard#<chunk id>`). */
    readonly file?: string,
  ) {
    super(message)
  }
}
/** Alias of `EmptyVolumeException`. */
export { EmptyVolumeException as EmptyVolumeError }

/** An empty request box (some axis has `end <= start`). */
export class EmptyRequestException extends VolumeError {
  override readonly kind = 'EmptyRequestException'
  override name = 'EmptyRequestException'
}

/** A file that exists but holds nothing where bytes were required. */
export class EmptyFileException extends VolumeError {
  override readonly kind = 'EmptyFileException'
  override name = 'EmptyFileException'
}

export class ScaleUnavailableError extends VolumeError {
  override readonly kind = 'ScaleUnavailableError'
  override name = 'ScaleUnavailableError'
}

/** No `info` at the path, or one that is not valid JSON / not a valid info. */
export class InfoUnavailableError extends VolumeError {
  override readonly kind = 'InfoUnavailableError'
  override name = 'InfoUnavailableError'
}

/** Writes to a volume opened through a redirect, to a locked mip, or to read-only storage. */
export class ReadOnlyException extends VolumeError {
  override readonly kind = 'ReadOnlyException'
  override name = 'ReadOnlyException'
}

export class CyclicRedirect extends VolumeError {
  override readonly kind = 'CyclicRedirect'
  override name = 'CyclicRedirect'
}

export class TooManyRedirects extends VolumeError {
  override readonly kind = 'TooManyRedirects'
  override name = 'TooManyRedirects'
}

/** Data or metadata that breaks the format's rules (info fields, sharding specs, chunk sizes). */
export class SpecViolation extends VolumeError {
  override readonly kind = 'SpecViolation'
  override name = 'SpecViolation'
  constructor(
    message: string,
    /** The offending field, e.g. `scales[1].chunk_sizes`. */
    readonly field?: string,
    options?: VolumeErrorOptions,
  ) {
    super(message, options)
  }
}

export class AuthenticationError extends VolumeError {
  override readonly kind = 'AuthenticationError'
  override name = 'AuthenticationError'
}

export class UnsupportedGrapheneAPIVersionError extends VolumeError {
  override readonly kind = 'UnsupportedGrapheneAPIVersionError'
  override name = 'UnsupportedGrapheneAPIVersionError'
}

/** A chunk encoding this package cannot decode or encode. */
export class UnsupportedEncodingError extends VolumeError {
  override readonly kind = 'UnsupportedEncodingError'
  override name = 'UnsupportedEncodingError'
  constructor(
    message: string,
    readonly encoding: string,
  ) {
    super(message)
  }
}

/** A cloudpath whose format or protocol is not supported. */
export class UnsupportedProtocolError extends VolumeError {
  override readonly kind = 'UnsupportedProtocolError'
  override name = 'UnsupportedProtocolError'
}

/**
 * Bad caller input (CV raises `ValueError`/`TypeError`): which field, which value, what was
 * expected. Nothing was read or written.
 */
export class InvalidArgumentError extends VolumeError {
  override readonly kind = 'InvalidArgumentError'
  override name = 'InvalidArgumentError'
  readonly field: string
  readonly value: unknown
  readonly expected: string | undefined
  constructor(field: string, value: unknown, expected?: string, message?: string) {
    super(message ?? `${field}: got ${describe(value)}${expected ? `, expected ${expected}` : ''}`)
    this.field = field
    this.value = value
    this.expected = expected
  }
}

/** Stored bytes that cannot be decoded (wrong length, corrupt image, bad chunk). */
export class DecodeError extends VolumeError {
  override readonly kind = 'DecodeError'
  override name = 'DecodeError'
  constructor(
    message: string,
    readonly file?: string,
    options?: VolumeErrorOptions,
  ) {
    super(message, options)
  }
}

export const isAlignmentError = guard<'AlignmentError', AlignmentError>('AlignmentError')
export const isOutOfBoundsError = guard<'OutOfBoundsError', OutOfBoundsError>('OutOfBoundsError')
export const isEmptyVolumeException = guard<'EmptyVolumeException', EmptyVolumeException>('EmptyVolumeException')
export const isEmptyRequestException = guard<'EmptyRequestException', EmptyRequestException>('EmptyRequestException')
export const isScaleUnavailableError = guard<'ScaleUnavailableError', ScaleUnavailableError>('ScaleUnavailableError')
export const isInfoUnavailableError = guard<'InfoUnavailableError', InfoUnavailableError>('InfoUnavailableError')
export const isReadOnlyException = guard<'ReadOnlyException', ReadOnlyException>('ReadOnlyException')
export const isSpecViolation = guard<'SpecViolation', SpecViolation>('SpecViolation')
export const isUnsupportedEncodingError = guard<'UnsupportedEncodingError', UnsupportedEncodingError>('UnsupportedEncodingError')
export const isInvalidArgumentError = guard<'InvalidArgumentError', InvalidArgumentError>('InvalidArgumentError')
export const isDecodeError = guard<'DecodeError', DecodeError>('DecodeError')
export const isUnsupportedGrapheneAPIVersionError = guard<'UnsupportedGrapheneAPIVersionError', UnsupportedGrapheneAPIVersionError>('UnsupportedGrapheneAPIVersionError')
export const isAuthenticationError = guard<'AuthenticationError', AuthenticationError>('AuthenticationError')
export const isCyclicRedirect = guard<'CyclicRedirect', CyclicRedirect>('CyclicRedirect')
export const isTooManyRedirects = guard<'TooManyRedirects', TooManyRedirects>('TooManyRedirects')
export const isUnsupportedProtocolError = guard<'UnsupportedProtocolError', UnsupportedProtocolError>('UnsupportedProtocolError')

/** A short printable form of a value for error messages (never huge arrays). */
export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
  if (ArrayBuffer.isView(value)) {
    const name = Object.prototype.toString.call(value).slice(8, -1)
    return `a ${name}${'length' in value ? ` of length ${String((value as { length: number }).length)}` : ''}`
  }
  if (Array.isArray(value)) {
    if (value.length > 8) return `an array of length ${value.length}`
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    } catch {
      return 'an array'
    }
  }
  if (value === null || value === undefined || typeof value !== 'object') return String(value)
  try {
    const s = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    return s.length > 120 ? `${s.slice(0, 117)}...` : s
  } catch {
    return Object.prototype.toString.call(value)
  }
}
