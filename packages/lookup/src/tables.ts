/**
 * Tables for `lookupDataframe`: arrays of row objects ("records") and Apache Arrow tables. Points
 * are read from the point columns (validated before any request), and the output replaces each
 * point column `pt` by `pt_position`, `pt_supervoxel_id`, `pt_root_id` (suffixes configurable;
 * no supervoxel column for a flat segmentation). Inputs are never mutated.
 */
import { InvalidParameterError } from '@daf/services'
import type { Table as ArrowTable, Vector } from 'apache-arrow'
import { checkFinite } from './points.js'

/** A row of a records table. */
export type Row = Record<string, unknown>

/** What `lookupDataframe` accepts: records or an Arrow table (`apache-arrow`). */
export type TableInput = ReadonlyArray<Row> | ArrowTable

export interface Suffixes {
  /** Default `_position`. */
  position?: string
  /** Default `_supervoxel_id`. */
  supervoxelId?: string
  /** Default `_root_id`. */
  rootId?: string
}

export const DEFAULT_SUFFIXES: Readonly<Required<Suffixes>> = Object.freeze({ position: '_position', supervoxelId: '_supervoxel_id', rootId: '_root_id' })

/** Output column names for one point column. */
export interface OutputColumns {
  source: string
  position: string
  supervoxelId: string
  rootId: string
}

/** True for an Arrow table (duck-typed: works with any copy of apache-arrow). */
export function isArrowTable(value: unknown): value is ArrowTable {
  const t = value as { getChild?: unknown; schema?: { fields?: unknown }; numRows?: unknown } | null
  return t !== null && typeof t === 'object' && typeof t.getChild === 'function' && Array.isArray(t.schema?.fields) && typeof t.numRows === 'number'
}

/**
 * Names for point column `column`: `<base><suffix>`, where `base` is the column name, or the name
 * without the position suffix when it already ends with it (`pt_position` → `pt_position`,
 * `pt_supervoxel_id`, `pt_root_id`, matching CAVE's column names).
 */
export function outputColumns(column: string, suffixes: Suffixes = {}): OutputColumns {
  const s = { ...DEFAULT_SUFFIXES, ...suffixes }
  for (const [k, v] of Object.entries(s)) {
    if (typeof v !== 'string') throw new InvalidParameterError('suffixes', `suffixes.${k} must be a string, got ${typeof v}`)
  }
  const base = s.position !== '' && column.endsWith(s.position) && column.length > s.position.length ? column.slice(0, -s.position.length) : column
  const out = { source: column, position: base + s.position, supervoxelId: base + s.supervoxelId, rootId: base + s.rootId }
  if (out.supervoxelId === out.rootId || out.position === out.rootId || out.position === out.supervoxelId) {
    throw new InvalidParameterError('suffixes', `suffixes give column "${column}" clashing output names: ${out.position}, ${out.supervoxelId}, ${out.rootId}`)
  }
  return out
}

/** Validates `pointColumn` (a name or a non-empty list of distinct names). */
export function pointColumnsOf(pointColumn: unknown): string[] {
  const cols = typeof pointColumn === 'string' ? [pointColumn] : pointColumn
  if (!Array.isArray(cols) || cols.length === 0 || !cols.every((c) => typeof c === 'string' && c !== '')) {
    throw new InvalidParameterError('pointColumn', `pointColumn must be a column name or a list of names, got ${JSON.stringify(pointColumn)}`)
  }
  if (new Set(cols).size !== cols.length) throw new InvalidParameterError('pointColumn', `pointColumn lists a column twice: ${cols.join(', ')}`)
  return cols as string[]
}

/** Rows of the table. */
export function rowCount(table: TableInput): number {
  return isArrowTable(table) ? table.numRows : table.length
}

/**
 * The points of `columns`, column after column (`columns.length × rows` xyz triples). Throws
 * `InvalidParameterError` for unknown columns, values that are not 3 numbers, nulls and non-finite
 * coordinates, naming the row and column.
 */
export function readPoints(table: TableInput, columns: readonly string[]): Float64Array {
  return isArrowTable(table) ? readArrowPoints(table, columns) : readRecordPoints(table, columns)
}

function readRecordPoints(rows: ReadonlyArray<Row>, columns: readonly string[]): Float64Array {
  if (!Array.isArray(rows)) throw new InvalidParameterError('table', 'table must be an array of row objects or an Arrow table')
  const n = rows.length
  const out = new Float64Array(columns.length * n * 3)
  if (n === 0) return out
  const known = new Set<string>()
  for (const row of rows) {
    if (row === null || typeof row !== 'object') continue
    for (const k of Object.keys(row)) known.add(k)
    if (columns.every((c) => known.has(c))) break
  }
  for (const c of columns) {
    if (!known.has(c)) throw new InvalidParameterError('pointColumn', `unknown column "${c}"; the rows have ${[...known].map((k) => `"${k}"`).join(', ') || 'no columns'}`)
  }
  columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) {
      const row = rows[i]
      if (row === null || typeof row !== 'object') throw new InvalidParameterError('table', `row ${i} is not an object`)
      const v = row[c] as ArrayLike<unknown> | null | undefined
      if (v === null || v === undefined || typeof v !== 'object' || typeof v.length !== 'number') {
        throw new InvalidParameterError('table', `row ${i}, column "${c}": expected [x, y, z], got ${v === undefined ? 'no value' : JSON.stringify(v)}`)
      }
      if (v.length !== 3) throw new InvalidParameterError('table', `row ${i}, column "${c}": expected 3 coordinates, got ${v.length}`)
      const k = 3 * (j * n + i)
      for (let d = 0; d < 3; d++) {
        const x = v[d]
        out[k + d] = typeof x === 'number' ? x : NaN
      }
    }
  })
  checkFinite(out, 'table', (p) => `row ${p % n}, column "${columns[Math.floor(p / n)]}"`)
  return out
}

function readArrowPoints(table: ArrowTable, columns: readonly string[]): Float64Array {
  const n = table.numRows
  const out = new Float64Array(columns.length * n * 3)
  const names = table.schema.fields.map((f) => f.name)
  columns.forEach((c, j) => {
    const vector = table.getChild(c) as Vector | null
    if (!vector) throw new InvalidParameterError('pointColumn', `unknown column "${c}"; the table has ${names.map((k) => `"${k}"`).join(', ')}`)
    const type = vector.type as { typeId: number; listSize?: number; children?: Array<{ type: { typeId: number } }> }
    const numeric = (t: { typeId: number } | undefined) => t !== undefined && (t.typeId === 2 || t.typeId === 3) // Int, Float
    let k = 3 * j * n
    let row = 0
    if (type.typeId === 16 && type.listSize === 3 && numeric(type.children?.[0]?.type)) {
      // FixedSizeList[3]<number>: read the child values directly (children are sliced with their parent).
      for (const data of vector.data) {
        const child = data.children[0]!
        const values = child.values as ArrayLike<number | bigint>
        for (let i = 0; i < data.length; i++, row++) {
          if (data.nullCount !== 0 && !vector.isValid(row)) throw new InvalidParameterError('table', `row ${row}, column "${c}": the point is null`)
          for (let d = 0; d < 3; d++) {
            if (child.nullCount !== 0 && !child.getValid(3 * i + d)) throw new InvalidParameterError('table', `row ${row}, column "${c}": coordinate ${'xyz'[d]} is null`)
            out[k++] = Number(values[3 * i + d])
          }
        }
      }
    } else if ((type.typeId === 12 || type.typeId === 16) && numeric(type.children?.[0]?.type)) {
      // List<number> (or a FixedSizeList of another size): row by row.
      for (; row < n; row++) {
        const v = vector.get(row) as { length: number; get(i: number): unknown } | null
        if (v === null || v === undefined) throw new InvalidParameterError('table', `row ${row}, column "${c}": the point is null`)
        if (v.length !== 3) throw new InvalidParameterError('table', `row ${row}, column "${c}": expected 3 coordinates, got ${v.length}`)
        for (let d = 0; d < 3; d++) {
          const x = v.get(d)
          out[k++] = typeof x === 'number' || typeof x === 'bigint' ? Number(x) : NaN
        }
      }
    } else {
      throw new InvalidParameterError('pointColumn', `column "${c}" has type ${String(vector.type)}; a point column must be FixedSizeList[3] or List of numbers`)
    }
  })
  checkFinite(out, 'table', (p) => `row ${p % n}, column "${columns[Math.floor(p / n)]}"`)
  return out
}

/** Lookup results of one point column, in row order. */
export interface ColumnResult {
  names: OutputColumns
  supervoxelIds: BigUint64Array
  rootIds: BigUint64Array
}

/**
 * A new records table: each row copied with every point column replaced, in place, by its position
 * (a new `[x, y, z]` array of the original values), supervoxel id (unless `flat`) and root id.
 * Existing columns with an output name are replaced (so a lookup can refresh root ids).
 */
export function buildRecords(rows: ReadonlyArray<Row>, results: readonly ColumnResult[], flat: boolean): Row[] {
  const bySource = new Map(results.map((r) => [r.names.source, r]))
  const replaced = new Set<string>()
  for (const r of results) {
    replaced.add(r.names.position)
    replaced.add(r.names.rootId)
    if (!flat) replaced.add(r.names.supervoxelId)
  }
  return rows.map((row, i) => {
    const out: Row = {}
    for (const key of Object.keys(row)) {
      const r = bySource.get(key)
      if (r) {
        const p = row[key] as ArrayLike<number>
        out[r.names.position] = [p[0], p[1], p[2]]
        if (!flat) out[r.names.supervoxelId] = r.supervoxelIds[i]
        out[r.names.rootId] = r.rootIds[i]
      } else if (!replaced.has(key)) {
        out[key] = row[key]
      }
    }
    return out
  })
}

/** A new Arrow table with the same columns order and metadata, point columns replaced as for records (ids as Uint64). */
export async function buildArrow(table: ArrowTable, results: readonly ColumnResult[], flat: boolean): Promise<ArrowTable> {
  const arrow = await import('apache-arrow')
  const bySource = new Map(results.map((r) => [r.names.source, r]))
  const replaced = new Set<string>()
  for (const r of results) {
    replaced.add(r.names.position)
    replaced.add(r.names.rootId)
    if (!flat) replaced.add(r.names.supervoxelId)
  }
  const columns: Record<string, Vector> = {}
  const metadata = new Map<string, Map<string, string>>()
  for (const field of table.schema.fields) {
    const r = bySource.get(field.name)
    if (r) {
      columns[r.names.position] = table.getChild(field.name)!
      if (field.metadata.size > 0) metadata.set(r.names.position, field.metadata)
      if (!flat) columns[r.names.supervoxelId] = arrow.makeVector(r.supervoxelIds)
      columns[r.names.rootId] = arrow.makeVector(r.rootIds)
    } else if (!replaced.has(field.name) && !(field.name in columns)) {
      columns[field.name] = table.getChild(field.name)!
      if (field.metadata.size > 0) metadata.set(field.name, field.metadata)
    }
  }
  const built = new arrow.Table(columns)
  if (table.schema.metadata.size === 0 && metadata.size === 0) return built
  const fields = built.schema.fields.map((f) => (metadata.has(f.name) ? f.clone({ metadata: metadata.get(f.name)! }) : f))
  const schema = new arrow.Schema(fields, table.schema.metadata)
  return new arrow.Table(schema, built.batches.map((b) => new arrow.RecordBatch(schema, b.data)))
}
