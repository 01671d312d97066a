/**
 * Input checks (run before any request) and response decoding for the annotation client.
 */
import { InvalidParameterError, ResponseFormatError } from '../http/errors.js'
import { toUint64, type Uint64Like } from '../http/uint64.js'
import {
  TABLE_PERMISSIONS,
  type AnnotationRecord,
  type TableMetadata,
  type TablePermission,
  type TimestampInput,
  type VoxelResolution,
} from './types.js'

/** What AnnotationEngine accepts for a new table's name. */
export const TABLE_NAME_PATTERN = /^[a-z_]+[a-z0-9_]*$/

/** A new table's name: lower case letters, digits and `_`, not starting with a digit. */
export function checkNewTableName(name: unknown, parameter = 'table'): string {
  if (typeof name !== 'string' || !TABLE_NAME_PATTERN.test(name)) {
    throw new InvalidParameterError(
      parameter,
      `${parameter} must match ${TABLE_NAME_PATTERN.source} (lower case letters, digits and _, not starting with a digit), got ${JSON.stringify(name)}`,
    )
  }
  return name
}

/**
 * An existing table's name. Looser than `checkNewTableName` (older deployments have other names),
 * but never something that would change the URL's path: no `/`, `\`, whitespace, `.` or `..`.
 */
export function checkTableName(name: unknown, parameter = 'table'): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || /[/\\\s?#%]/.test(name)) {
    throw new InvalidParameterError(
      parameter,
      `${parameter} must be a table name (no "/", "\\", "?", "#", "%" or whitespace), got ${JSON.stringify(name)}`,
    )
  }
  return name
}

export function checkPermission(value: unknown, parameter: string): TablePermission {
  if (!TABLE_PERMISSIONS.includes(value as TablePermission)) {
    throw new InvalidParameterError(parameter, `${parameter} must be one of PRIVATE, GROUP or PUBLIC, got ${JSON.stringify(value)}`)
  }
  return value as TablePermission
}

/** Three positive finite numbers. */
export function checkResolution(value: unknown, parameter: string): VoxelResolution {
  const arr = value !== null && typeof value === 'object' && 'length' in value ? Array.from(value as ArrayLike<unknown>) : undefined
  if (!arr || arr.length !== 3 || !arr.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new InvalidParameterError(parameter, `${parameter} must be three positive numbers [x, y, z] (nm per voxel), got ${show(value)}`)
  }
  return arr as VoxelResolution
}

/** `"none"` in any letter case means "no text" (Python sends `""`). */
export function noneToEmpty(value: string): string {
  return value.toLowerCase() === 'none' ? '' : value
}

/** `Date`, ISO string (no offset = UTC) or epoch seconds → a valid `Date`. */
export function toDate(value: TimestampInput, parameter = 'timestamp'): Date {
  let date: Date | undefined
  if (value instanceof Date) date = new Date(value.getTime())
  else if (typeof value === 'number') date = Number.isFinite(value) ? new Date(value * 1000) : undefined
  else if (typeof value === 'string') date = parseUtc(value)
  if (!date || Number.isNaN(date.getTime())) {
    throw new InvalidParameterError(parameter, `${parameter} must be a Date, an ISO-8601 string or epoch seconds, got ${show(value)}`)
  }
  return date
}

const HTTP_DATE = /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (?:GMT|UTC|[+-]\d{4})$/
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/**
 * A server timestamp as a UTC `Date`: `2024-01-02T03:04:05.123456`, with `T` or a space, with or
 * without an offset (none = UTC). Sub-millisecond digits are truncated. `undefined` if unreadable.
 */
export function parseUtc(text: string): Date | undefined {
  const m = ISO.exec(text.trim())
  if (!m) {
    // Flask's JSON encoder writes datetimes as HTTP dates: `Tue, 02 Jan 2024 03:04:05 GMT`.
    if (!HTTP_DATE.test(text.trim())) return undefined
    const d = new Date(text.trim())
    return Number.isNaN(d.getTime()) ? undefined : d
  }
  const [, day, time = '00:00:00', zone = 'Z'] = m
  const [hms = '', frac = ''] = time.split('.')
  const ms = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : ''
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone
  const withSeconds = hms.length === 5 ? `${hms}:00` : hms
  const d = new Date(`${day}T${withSeconds}${ms}${offset}`)
  return Number.isNaN(d.getTime()) ? undefined : d
}

/** A server's timestamp field: `null`/`"None"`/empty → `null`, else a `Date` (the text as sent if unreadable). */
function serverDate(value: unknown): Date | null | unknown {
  if (value === null || value === undefined || value === '' || value === 'None') return null
  if (typeof value === 'string') return parseUtc(value) ?? value
  return value
}

/** Folds `voxel_resolution_x|y|z` into `voxelResolution` and turns the timestamps into `Date`s. */
export function toTableMetadata(raw: unknown, what: string): TableMetadata {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ResponseFormatError(`${what}: expected a metadata object, got ${show(raw)}`)
  }
  const { voxel_resolution_x: x, voxel_resolution_y: y, voxel_resolution_z: z, ...rest } = raw as Record<string, unknown>
  const out: Record<string, unknown> = { ...rest }
  for (const key of ['created', 'deleted', 'last_modified']) {
    if (key in out) out[key] = serverDate(out[key])
  }
  out.created ??= null
  out.deleted ??= null
  if (typeof out.user_id === 'number' || typeof out.user_id === 'bigint') out.user_id = String(out.user_id)
  out.voxelResolution = [x, y, z].map((v) => (typeof v === 'string' ? Number(v) : v)) as VoxelResolution
  return out as TableMetadata
}

/** An id the server sent (number or bigint, or a decimal string) as a bigint. */
export function serverId(value: unknown, what: string): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  throw new ResponseFormatError(`${what}: expected a uint64 id, got ${show(value)}`)
}

export function serverIds(value: unknown, what: string): BigUint64Array {
  if (!Array.isArray(value)) throw new ResponseFormatError(`${what}: expected a list of ids, got ${show(value)}`)
  return BigUint64Array.from(value.map((v, i) => serverId(v, `${what}[${i}]`)))
}

/**
 * The update answer `{"<old id>": <new id>}` as a Map. A list of such objects (what some engine
 * versions send, one per row) is merged.
 */
export function serverIdMapping(value: unknown, what: string): Map<bigint, bigint> {
  const out = new Map<bigint, bigint>()
  const parts = Array.isArray(value) ? value : [value]
  for (const part of parts) {
    if (part === null || typeof part !== 'object' || Array.isArray(part)) {
      throw new ResponseFormatError(`${what}: expected {"<old id>": <new id>}, got ${show(value)}`)
    }
    for (const [k, v] of Object.entries(part as Record<string, unknown>)) {
      out.set(serverId(k, `${what} key`), serverId(v, `${what}["${k}"]`))
    }
  }
  return out
}

export function toAnnotationRecord(raw: unknown, what: string): AnnotationRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ResponseFormatError(`${what}: expected an annotation object, got ${show(raw)}`)
  }
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) }
  out.id = serverId(out.id, `${what}.id`)
  if ('superceded_id' in out) {
    const s = out.superceded_id
    out.superceded_id = s === null || s === undefined || s === 'None' ? null : serverId(s, `${what}.superceded_id`)
  }
  for (const key of ['created', 'deleted']) {
    if (key in out) out[key] = serverDate(out[key])
  }
  return out as AnnotationRecord
}

/** One id or several, validated (non-negative integers below 2^64) before any request. */
export function toIdList(ids: Uint64Like | Iterable<Uint64Like>, parameter: string): bigint[] {
  if (typeof ids === 'bigint' || typeof ids === 'number' || typeof ids === 'string') return [toUint64(ids, parameter)]
  if (ids === null || typeof ids !== 'object' || !(Symbol.iterator in ids)) {
    throw new InvalidParameterError(parameter, `${parameter} must be an id or a list of ids, got ${show(ids)}`)
  }
  const out: bigint[] = []
  let i = 0
  for (const id of ids) out.push(toUint64(id, `${parameter}[${i++}]`))
  if (out.length === 0) throw new InvalidParameterError(parameter, `${parameter} must not be empty`)
  return out
}

export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  if (value === undefined) return 'undefined'
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
    return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text
  } catch {
    return String(value)
  }
}
