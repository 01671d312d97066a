/**
 * Conversions between the caller's values and PyChunkedGraph's wire forms (spec §5): timestamps in
 * (float epoch seconds, UTC) and out (seconds, milliseconds or space-separated ISO), uint64 ids in
 * every shape the server writes them (`int64_as_str` strings, lossless-parser bigints, small
 * numbers), bounds as `x0-x1_y0-y1_z0-z1`. Input problems are `InvalidParameterError`s raised before
 * anything is sent; malformed answers are `ResponseFormatError`s.
 */
import { InvalidParameterError, ResponseFormatError } from '../http/errors.js'
import { toUint64, toUint64Array, type Uint64Like } from '../http/uint64.js'
import type { Bounds, IdsInput, Point3, TimestampInput } from './types.js'

// ---------------------------------------------------------------------------------------------
// Timestamps in

/** Larger epoch-second values (after year 5138) are almost certainly milliseconds. */
const MAX_EPOCH_SECONDS = 1e11

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Float epoch seconds (UTC) of a `Date`, an ISO-8601 string or a number of epoch seconds.
 * An ISO string without a zone means UTC (as Python's naive datetimes do for PyChunkedGraph);
 * its fraction is kept to the microsecond, unlike a `Date`.
 */
export function toTimestampSeconds(value: TimestampInput, name = 'timestamp'): number {
  if (value instanceof Date) {
    const ms = value.getTime()
    if (Number.isNaN(ms)) throw new InvalidParameterError(name, `${name} is an invalid Date`)
    return ms / 1000
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidParameterError(name, `${name} must be a finite number of epoch seconds, got ${value}`)
    if (Math.abs(value) > MAX_EPOCH_SECONDS) {
      throw new InvalidParameterError(
        name,
        `${name} ${value} looks like milliseconds; pass epoch seconds (e.g. ${value / 1000}) or a Date`,
      )
    }
    return value
  }
  if (typeof value === 'string') {
    const seconds = parseIsoSeconds(value)
    if (seconds === undefined) {
      throw new InvalidParameterError(name, `${name} must be an ISO-8601 date-time such as 2024-03-01T12:00:00Z, got "${value}"`)
    }
    return seconds
  }
  throw new InvalidParameterError(name, `${name} must be a Date, an ISO-8601 string or epoch seconds, got ${describe(value)}`)
}

/** Epoch seconds of an ISO-8601 / PyChunkedGraph (`YYYY-MM-DD HH:MM:SS.ffffff+00:00`) string. */
export function parseIsoSeconds(text: string): number | undefined {
  const m = ISO.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined
  let offsetMinutes = 0
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0))
  }
  const whole = Date.UTC(Number(y), month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60
  if (!Number.isFinite(whole)) return undefined
  if (!frac) return whole
  // Keep the fraction as written (microseconds survive, unlike in a Date).
  return whole >= 0 ? Number(`${whole}.${frac}`) : whole + Number(`0.${frac}`)
}

// ---------------------------------------------------------------------------------------------
// Timestamps out (results are Dates in UTC; a Date keeps milliseconds, so microseconds are truncated)

/** A `Date` from float epoch seconds; sub-millisecond digits are truncated. */
export function dateFromSeconds(seconds: number): Date {
  return new Date(Math.floor(seconds * 1000))
}

export function secondsFrom(value: unknown, what: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'bigint' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ResponseFormatError(`${what}: expected a number of epoch seconds, got ${describe(value)}`)
  }
  return n
}

/** PyChunkedGraph's `{"iso": "2024-03-01 12:00:00.123456+00:00"}` style strings. */
export function dateFromIso(value: unknown, what: string): Date {
  const seconds = typeof value === 'string' ? parseIsoSeconds(value) : undefined
  if (seconds === undefined) throw new ResponseFormatError(`${what}: expected an ISO date-time string, got ${describe(value)}`)
  return dateFromSeconds(seconds)
}

// ---------------------------------------------------------------------------------------------
// Ids

/** One caller id, validated (integer in [0, 2^64)). */
export function idParam(value: Uint64Like, name: string): bigint {
  return toUint64(value, name)
}

/** Caller ids as a `BigUint64Array` (a given `BigUint64Array` is used as is). */
export function idsParam(values: IdsInput, name: string): BigUint64Array {
  if (values instanceof BigUint64Array) return values
  if (values === null || values === undefined || typeof (values as Iterable<unknown>)[Symbol.iterator] !== 'function' || typeof values === 'string') {
    throw new InvalidParameterError(name, `${name} must be a list of ids (BigUint64Array, bigint[], number[] or decimal strings), got ${describe(values)}`)
  }
  return toUint64Array(values, name)
}

/** An id as the server wrote it: decimal string (`int64_as_str`), bigint (lossless parser) or number. */
export function idFrom(value: unknown, what: string): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  throw new ResponseFormatError(`${what}: expected a uint64 id, got ${describe(value)}`)
}

export function idListFrom(value: unknown, what: string): BigUint64Array {
  if (!Array.isArray(value)) throw new ResponseFormatError(`${what}: expected a list of ids, got ${describe(value)}`)
  const out = new BigUint64Array(value.length)
  for (let i = 0; i < value.length; i++) out[i] = idFrom(value[i], `${what}[${i}]`)
  return out
}

export function idPairsFrom(value: unknown, what: string): Array<[bigint, bigint]> {
  if (!Array.isArray(value)) throw new ResponseFormatError(`${what}: expected a list of id pairs, got ${describe(value)}`)
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new ResponseFormatError(`${what}[${i}]: expected an id pair, got ${describe(pair)}`)
    return [idFrom(pair[0], `${what}[${i}][0]`), idFrom(pair[1], `${what}[${i}][1]`)]
  })
}

/** A count (PyChunkedGraph sends numpy integers as strings under `int64_as_str`). */
export function countFrom(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ResponseFormatError(`${what}: expected a number, got ${describe(value)}`)
  return n
}

export function numberListFrom(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new ResponseFormatError(`${what}: expected a list of numbers, got ${describe(value)}`)
  return value.map((v, i) => countFrom(v, `${what}[${i}]`))
}

export function objectFrom(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseFormatError(`${what}: expected a JSON object, got ${describe(value)}`)
  }
  return value as Record<string, unknown>
}

export function arrayFrom(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ResponseFormatError(`${what}: expected a JSON array, got ${describe(value)}`)
  return value
}

// ---------------------------------------------------------------------------------------------
// Other parameters

/** `[[x0,x1],[y0,y1],[z0,z1]]` (voxels of the base resolution) → `x0-x1_y0-y1_z0-z1`. */
export function boundsParam(bounds: Bounds, name = 'bounds'): string {
  const shape = `must be a 3×2 array [[x0, x1], [y0, y1], [z0, z1]] of non-negative integers (voxels), got ${show(bounds)}`
  if (!Array.isArray(bounds) || bounds.length !== 3) throw new InvalidParameterError(name, `${name} ${shape}`)
  return bounds
    .map((axis: unknown, i) => {
      if (!Array.isArray(axis) || axis.length !== 2) throw new InvalidParameterError(name, `${name} ${shape}`)
      const [lo, hi] = axis as unknown[]
      for (const v of [lo, hi]) {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidParameterError(name, `${name} ${shape}`)
      }
      if ((lo as number) > (hi as number)) {
        throw new InvalidParameterError(name, `${name}: axis ${'xyz'[i]} has min ${lo} > max ${hi}`)
      }
      return `${lo}-${hi}`
    })
    .join('_')
}

export function layerParam(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 255) {
    throw new InvalidParameterError(name, `${name} must be an integer layer ≥ 1, got ${show(value)}`)
  }
  return value
}

export function pointParam(value: Point3, name: string): [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidParameterError(name, `${name} must be a point [x, y, z] of finite numbers, got ${show(value)}`)
  }
  return [value[0], value[1], value[2]]
}

export function pointsParam(value: readonly Point3[], name: string): Array<[number, number, number]> {
  if (!Array.isArray(value)) throw new InvalidParameterError(name, `${name} must be a list of points [x, y, z], got ${show(value)}`)
  return value.map((p, i) => pointParam(p, `${name}[${i}]`))
}

export function positiveIntParam(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidParameterError(name, `${name} must be a positive integer, got ${show(value)}`)
  }
  return value
}

// ---------------------------------------------------------------------------------------------

export function describe(v: unknown): string {
  if (v === null) return 'null'
  if (v === undefined) return 'undefined'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Date) return 'a Date'
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`
  if (typeof v === 'object') return 'an object'
  return `${typeof v} ${String(v)}`
}

function show(v: unknown): string {
  try {
    const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}` : x))
    if (text === undefined) return String(v)
    return text.length > 80 ? `${text.slice(0, 80)}…` : text
  } catch {
    return String(v)
  }
}
