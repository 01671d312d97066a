/**
 * Reading what users type and the files they pass: ids, bounds, vectors, timestamps, CSV and JSON.
 * Every problem is an input error (exit code 3) naming the argument.
 */
import { readFile } from 'node:fs/promises'
import { parseJson } from '@daf/services'
import { inputError } from './errors.js'

export type Box = [[number, number], [number, number], [number, number]]
export type Vec3 = [number, number, number]

const UINT64_MAX = (1n << 64n) - 1n
const AXES = ['x', 'y', 'z'] as const

const FS_REASONS: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'is a directory', EACCES: 'permission denied', EPERM: 'permission denied' }

function readError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code
  return inputError(`cannot read ${path}: ${(code && FS_REASONS[code]) ?? code ?? (error as Error).message}`, error)
}

/** Ids from arguments: decimal ids as they are, anything else is a file of ids (`-`: stdin). */
export async function idsFromArgs(args: readonly string[], what: string): Promise<bigint[]> {
  const ids: bigint[] = []
  for (const arg of args) {
    if (/^\d+$/.test(arg)) ids.push(parseId(arg, what))
    else ids.push(...idsFromText(await readInput(arg, `${arg} is neither a ${what} nor a readable file`), arg))
  }
  return ids
}

/** Reads a file, or stdin for `-`. */
export async function readInput(path: string, notFound?: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
    return Buffer.concat(chunks).toString('utf8')
  }
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if (notFound && (error as NodeJS.ErrnoException).code === 'ENOENT') throw inputError(notFound, error)
    throw readError(path, error)
  }
}

export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    throw readError(path, error)
  }
}

/** One uint64 id from decimal text. */
export function parseId(text: string, what = 'id'): bigint {
  const t = text.trim()
  if (!/^\d+$/.test(t)) throw inputError(`${what} must be a non-negative integer, got ${JSON.stringify(text)}`)
  const id = BigInt(t)
  if (id > UINT64_MAX) throw inputError(`${what} ${t} does not fit in 64 bits`)
  return id
}

const ID_COLUMNS = ['supervoxel_id', 'pt_supervoxel_id', 'root_id', 'pt_root_id', 'id']

/**
 * Ids from a text: whitespace- or comma-separated integers, or a CSV with a header (the column
 * `supervoxel_id`, `pt_supervoxel_id`, `root_id`, `pt_root_id` or `id`, else the first).
 */
export function idsFromText(text: string, source: string): bigint[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? ''
  if (/[A-Za-z_]/.test(firstLine)) {
    const table = parseCsv(text, source)
    const column = ID_COLUMNS.find((c) => table.columns.includes(c)) ?? table.columns[0]
    if (column === undefined) throw inputError(`${source}: no columns`)
    return table.rows.map((row, i) => parseId(row[column] ?? '', `${source} row ${i + 1} ${column}`))
  }
  return text
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map((t, i) => parseId(t, `${source} id ${i + 1}`))
}

/** `x0:x1,y0:y1,z0:z1`, `x0-x1_y0-y1_z0-z1` or JSON `[[x0, x1], [y0, y1], [z0, z1]]`; end exclusive. */
export function parseBounds(text: string, what = 'bounds'): Box {
  const t = text.trim()
  let pairs: string[][]
  if (t.startsWith('[')) {
    let value: unknown
    try {
      value = JSON.parse(t)
    } catch {
      throw inputError(`${what}: not valid JSON: ${t}`)
    }
    if (!Array.isArray(value) || value.length !== 3 || !value.every((p) => Array.isArray(p) && p.length === 2)) {
      throw inputError(`${what} must be [[x0, x1], [y0, y1], [z0, z1]], got ${t}`)
    }
    pairs = (value as unknown[][]).map((p) => p.map(String))
  } else if (t.includes(':')) {
    pairs = t.split(',').map((p) => p.split(':'))
  } else {
    pairs = t.split('_').map((p) => p.split(/(?<=\d)-/))
  }
  if (pairs.length !== 3 || pairs.some((p) => p.length !== 2)) {
    throw inputError(`${what} must look like x0:x1,y0:y1,z0:z1 (end exclusive), got ${JSON.stringify(text)}`)
  }
  const box = pairs.map((pair, d) => {
    const [lo, hi] = pair.map((v) => Number(v.trim())) as [number, number]
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw inputError(`${what}: axis ${AXES[d]} needs integers, got ${pair.join(':')}`)
    if (hi <= lo) throw inputError(`${what}: axis ${AXES[d]} is empty (${lo}:${hi}; the end is exclusive)`)
    return [lo, hi] as [number, number]
  })
  return box as Box
}

/** `8,8,40` or `8x8x40`. */
export function parseVec3(text: string, what: string, options: { positive?: boolean; integer?: boolean } = {}): Vec3 {
  const parts = text.trim().split(/[,x\s]+/).filter((p) => p !== '')
  const v = parts.map(Number)
  const ok =
    v.length === 3 &&
    v.every((n) => Number.isFinite(n) && (!options.positive || n > 0) && (!options.integer || Number.isInteger(n)))
  if (!ok) {
    const kind = `${options.positive ? 'positive ' : ''}${options.integer ? 'integers' : 'numbers'}`
    throw inputError(`${what} must be three ${kind} like 8,8,40, got ${JSON.stringify(text)}`)
  }
  return v as Vec3
}

/** Epoch seconds (a number) or an ISO 8601 text, as the clients accept them. */
export function parseTimestamp(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined
  const t = text.trim()
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t)
  if (Number.isNaN(Date.parse(t))) throw inputError(`--timestamp must be epoch seconds or ISO 8601, got ${JSON.stringify(text)}`)
  return t
}

export interface CsvTable {
  columns: string[]
  rows: Record<string, string>[]
}

/** RFC 4180 CSV with a header row: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string, source = 'csv'): CsvTable {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  let i = 0
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  while (i < body.length) {
    const c = body[i]!
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      field += c
      i++
      continue
    }
    if (c === '"' && field === '') {
      quoted = true
    } else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      if (c === '\r' && body[i + 1] === '\n') i++
    } else {
      field += c
    }
    i++
  }
  if (quoted) throw inputError(`${source}: unterminated quoted field`)
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''))
  const header = nonEmpty.shift()
  if (!header) throw inputError(`${source}: empty CSV (a header row is needed)`)
  const columns = header.map((h) => h.trim())
  const rows = nonEmpty.map((r, n) => {
    if (r.length !== columns.length) throw inputError(`${source}: row ${n + 1} has ${r.length} fields, the header has ${columns.length}`)
    const row: Record<string, string> = {}
    columns.forEach((c, k) => (row[c] = r[k]!))
    return row
  })
  return { columns, rows }
}

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : Array.isArray(value) || ArrayBuffer.isView(value)
        ? Array.from(value as ArrayLike<unknown>, String).join(' ')
        : value instanceof Date
          ? value.toISOString()
          : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function formatCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','))
  return `${lines.join('\n')}\n`
}

/** A CSV cell as a value: numbers (bigint above 2^53), `[1 2 3]`/`[1, 2, 3]` lists, else text. */
export function csvValue(text: string): unknown {
  const t = text.trim()
  if (t === '') return null
  if (/^-?\d+$/.test(t)) {
    const n = Number(t)
    return Number.isSafeInteger(n) ? n : BigInt(t)
  }
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t)
  if (/^\[.*\]$/.test(t)) {
    const items = t.slice(1, -1).split(/[\s,]+/).filter((p) => p !== '')
    if (items.every((p) => /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p))) return items.map((p) => csvValue(p))
  }
  if (t === 'True' || t === 'true') return true
  if (t === 'False' || t === 'false') return false
  return text
}

/**
 * CSV rows as annotation rows: cells become values (csvValue), and `<name>_x`, `<name>_y`,
 * `<name>_z` triples (e.g. `pt_position_x`) are joined into `<name>: [x, y, z]`.
 */
export function csvToRecords(table: CsvTable): Record<string, unknown>[] {
  const triples = new Set<string>()
  for (const c of table.columns) {
    const m = /^(.+)_x$/.exec(c)
    if (m && table.columns.includes(`${m[1]}_y`) && table.columns.includes(`${m[1]}_z`)) triples.add(m[1]!)
  }
  return table.rows.map((row) => {
    const out: Record<string, unknown> = {}
    for (const c of table.columns) {
      const base = /^(.+)_[xyz]$/.exec(c)?.[1]
      if (base && triples.has(base)) continue
      out[c] = csvValue(row[c] ?? '')
    }
    for (const base of triples) out[base] = ['x', 'y', 'z'].map((a) => csvValue(row[`${base}_${a}`] ?? ''))
    return out
  })
}

/** Annotation rows from a `.json` (an array of objects, or `{annotations: [...]}`) or `.csv` file. */
export async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  const text = await readInput(path)
  if (/\.csv$/i.test(path) || (path === '-' && !/^\s*[[{]/.test(text))) return csvToRecords(parseCsv(text, path))
  let value: unknown
  try {
    value = parseJson(text)
  } catch (error) {
    throw inputError(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`, error)
  }
  const rows = Array.isArray(value) ? value : (value as { annotations?: unknown } | null)?.annotations
  if (!Array.isArray(rows) || !rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
    throw inputError(`${path}: expected a JSON array of objects (or {"annotations": [...]})`)
  }
  return rows as Record<string, unknown>[]
}

/** Parses JSON text, numbers above 2^53 as bigint; bad JSON is an input error naming `source`. */
export function parseJsonInput(text: string, source: string): unknown {
  try {
    return parseJson(text)
  } catch (error) {
    throw inputError(`${source}: not valid JSON (${(error as Error).message.split('\n')[0]})`, error)
  }
}
