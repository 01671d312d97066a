/**
 * Annotation rows on their way out: flat columns (`pt_position`, as Python's dataframes have them)
 * become nested points (`{"pt": {"position": […]}}`, what the engine reads, spec §4.2), typed
 * arrays become lists, ids are checked, and staged uploads rescale positions.
 */
import { InvalidParameterError } from '../http/errors.js'
import { toUint64, type Uint64Like } from '../http/uint64.js'
import { show } from './convert.js'
import { ANNOTATION_INSERT_LIMIT } from './endpoints.js'
import type { AnnotationRow } from './types.js'

const POINT_PARTS = ['position', 'root_id', 'supervoxel_id'] as const

/** A wire-ready row: plain objects and arrays, numbers, strings, booleans, bigints. */
export type WireRow = Record<string, unknown>

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
}

function isListLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))
}

/** Deep copy into plain JSON-able values: typed arrays → arrays (bigint elements stay bigint). */
function plain(v: unknown): unknown {
  if (isListLike(v)) return Array.from(v, plain)
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = plain(x)
    return out
  }
  return v
}

/**
 * The nested form of `row`. `pointFields` (from the schema) names the spatial-point fields; without
 * it, any `<name>_position` whose value is a list is taken as a point (`<name>_root_id` /
 * `<name>_supervoxel_id` join it when present). Giving both forms of one point is an error.
 */
export function nestRow(row: AnnotationRow, index: number, pointFields?: ReadonlySet<string>): WireRow {
  const where = `rows[${index}]`
  if (!isPlainObject(row)) throw new InvalidParameterError(where, `${where} must be an object, got ${show(row)}`)
  const points = pointFields ?? flatPointNames(row)
  // Flat key → the point it belongs to; the point goes where its first flat key was.
  const owner = new Map<string, string>()
  for (const name of points) {
    const flatKeys = POINT_PARTS.map((part) => `${name}_${part}`).filter((k) => k in row && row[k] !== undefined)
    if (flatKeys.length === 0) continue
    if (row[name] !== undefined) {
      throw new InvalidParameterError(
        `${where}.${name}`,
        `${where} gives point "${name}" both nested ("${name}") and flat (${flatKeys.map((k) => `"${k}"`).join(', ')}); use one form`,
      )
    }
    for (const k of flatKeys) owner.set(k, name)
  }
  const out: WireRow = {}
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined) continue
    const name = owner.get(k)
    if (name === undefined) {
      out[k] = plain(v)
      continue
    }
    const point = (out[name] ??= {}) as Record<string, unknown>
    point[k.slice(name.length + 1)] = plain(v)
  }
  return out
}

function flatPointNames(row: Record<string, unknown>): string[] {
  const names: string[] = []
  for (const [k, v] of Object.entries(row)) {
    const m = /^(.+)_position$/.exec(k)
    if (m && isListLike(v)) names.push(m[1] as string)
  }
  return names
}

/** Wire rows for post/update: nested, with `id` (required for updates) checked and made a bigint. */
export function prepareRows(
  rows: AnnotationRow | readonly AnnotationRow[],
  options: { update: boolean; pointFields?: ReadonlySet<string> },
): WireRow[] {
  const list: readonly AnnotationRow[] = Array.isArray(rows) ? rows : [rows as AnnotationRow]
  if (list.length === 0) throw new InvalidParameterError('rows', 'rows must not be empty')
  if (list.length > ANNOTATION_INSERT_LIMIT) {
    throw new InvalidParameterError(
      'rows',
      `${list.length} rows exceed the engine's limit of ${ANNOTATION_INSERT_LIMIT} per request; use uploadStagedAnnotations, which sends them in batches`,
    )
  }
  return list.map((row, i) => {
    const out = nestRow(row, i, options.pointFields)
    if (options.update || out.id !== undefined) {
      if (out.id === undefined || out.id === null) {
        throw new InvalidParameterError(`rows[${i}].id`, `rows[${i}] needs the "id" of the annotation it updates`)
      }
      out.id = toUint64(out.id as Uint64Like, `rows[${i}].id`)
    }
    return out
  })
}

/** Multiplies each point field's position by `scale` (per axis), in place. */
export function rescalePositions(row: WireRow, pointFields: ReadonlySet<string>, scale: readonly number[]): void {
  for (const name of pointFields) {
    const point = row[name]
    if (!isPlainObject(point) || !Array.isArray(point.position)) continue
    point.position = point.position.map((v: unknown, axis) => (typeof v === 'number' ? v * (scale[axis] ?? 1) : v))
  }
}

/** A copy a JSON-Schema validator can read: `bigint` → `number` (precision is irrelevant to the checks made). */
export function forValidation(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(forValidation)
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = forValidation(x)
    return out
  }
  return v
}
