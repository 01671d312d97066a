/**
 * The emulated AnnotationEngine's tables: metadata and rows per aligned volume, ids handed out per
 * table in sequence (from `firstId`, which a test can put above 2^53), updates as new rows that
 * supersede old ones, deletes as marks. Optionally persisted to `<dataDir>/annotation.json`
 * (bigint-safe, written atomically after every change) so a restart with the same `dataDir` keeps
 * the tables; without `dataDir` everything lives in memory.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseJson, stringifyJson, type JsonValue } from '../json.js'

export type Permission = 'PRIVATE' | 'GROUP' | 'PUBLIC'

/** What `GET A/table/{t}` answers (AnnoMetadata columns). Times are naive UTC ISO strings. */
export interface TableMetadataRecord {
  id: number
  table_name: string
  schema_type: string
  description: string
  created: string
  deleted: string | null
  valid: boolean
  user_id: string
  reference_table: string | null
  flat_segmentation_source: string | null
  notice_text: string | null
  read_permission: Permission
  write_permission: Permission
  last_modified: string
  voxel_resolution_x: number
  voxel_resolution_y: number
  voxel_resolution_z: number
}

export interface StoredRow {
  id: bigint
  /** `YYYY-MM-DD HH:MM:SS.ffffff` (Python `str(datetime)`, as the engine sends it). */
  created: string
  deleted: string | null
  superceded_id: bigint | null
  valid: boolean
  /** The row's fields, nested as posted (without `id`). */
  data: Record<string, JsonValue>
}

export interface StoredTable {
  metadata: TableMetadataRecord
  nextId: bigint
  rows: Map<bigint, StoredRow>
}

export interface AnnotationStoreOptions {
  /** Persist to `<dataDir>/annotation.json`; default: memory only. */
  dataDir?: string | undefined
  /** First id of every new table (default 1). A bigint above 2^53 exercises lossless ids. */
  firstId?: bigint | number | undefined
  /** Clock (tests). */
  now?: () => Date
}

export const ANNOTATION_STORE_FILE = 'annotation.json'
const FORMAT_VERSION = 1

/** `2024-01-02T03:04:05.678000`: naive UTC with microseconds (Python `isoformat()`). */
export function isoNaive(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000`
}

/** `2024-01-02 03:04:05.678000` (Python `str(datetime)`). */
export function strNaive(date: Date): string {
  return isoNaive(date).replace('T', ' ')
}

export class AnnotationStore {
  readonly #volumes = new Map<string, Map<string, StoredTable>>()
  readonly #file: string | undefined
  readonly #firstId: bigint
  readonly #now: () => Date
  #nextTableId = 1

  constructor(options: AnnotationStoreOptions = {}) {
    this.#firstId = BigInt(options.firstId ?? 1)
    if (this.#firstId < 1n) throw new RangeError(`firstId must be ≥ 1, got ${this.#firstId}`)
    this.#now = options.now ?? (() => new Date())
    if (options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true })
      this.#file = join(options.dataDir, ANNOTATION_STORE_FILE)
      this.#load()
    }
  }

  /** Where the tables are persisted, if anywhere. */
  get file(): string | undefined {
    return this.#file
  }

  now(): Date {
    return this.#now()
  }

  tables(av: string): Map<string, StoredTable> {
    let m = this.#volumes.get(av)
    if (!m) {
      m = new Map()
      this.#volumes.set(av, m)
    }
    return m
  }

  table(av: string, name: string): StoredTable | undefined {
    return this.#volumes.get(av)?.get(name)
  }

  createTable(av: string, metadata: Omit<TableMetadataRecord, 'id' | 'created' | 'deleted' | 'valid' | 'last_modified'>): StoredTable {
    const created = isoNaive(this.#now())
    const table: StoredTable = {
      metadata: { id: this.#nextTableId++, ...metadata, created, deleted: null, valid: true, last_modified: created },
      nextId: this.#firstId,
      rows: new Map(),
    }
    this.tables(av).set(metadata.table_name, table)
    this.save()
    return table
  }

  /** A new id for `table` (and moves the sequence past ids a caller chose). */
  takeId(table: StoredTable, wanted?: bigint): bigint {
    const id = wanted ?? table.nextId
    if (id >= table.nextId) table.nextId = id + 1n
    return id
  }

  touch(table: StoredTable): void {
    table.metadata.last_modified = isoNaive(this.#now())
  }

  /** Writes the file (temporary file + rename) when persistence is on. */
  save(): void {
    if (!this.#file) return
    const volumes: Record<string, Record<string, unknown>> = {}
    for (const [av, tables] of this.#volumes) {
      const out: Record<string, unknown> = {}
      for (const [name, t] of tables) {
        out[name] = { metadata: t.metadata, nextId: t.nextId, rows: [...t.rows.values()] }
      }
      volumes[av] = out
    }
    const text = stringifyJson({ version: FORMAT_VERSION, nextTableId: this.#nextTableId, volumes })
    const tmp = `${this.#file}.${process.pid}.tmp`
    writeFileSync(tmp, text)
    renameSync(tmp, this.#file)
  }

  #load(): void {
    let text: string
    try {
      text = readFileSync(this.#file as string, 'utf8')
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return
      throw e
    }
    const data = parseJson(text) as {
      version?: number
      nextTableId?: number
      volumes?: Record<string, Record<string, { metadata: TableMetadataRecord; nextId: number | bigint; rows: Array<Record<string, JsonValue>> }>>
    }
    if (data.version !== FORMAT_VERSION) throw new Error(`${this.#file}: unknown annotation store format ${String(data.version)}`)
    this.#nextTableId = Number(data.nextTableId ?? 1)
    for (const [av, tables] of Object.entries(data.volumes ?? {})) {
      const m = this.tables(av)
      for (const [name, t] of Object.entries(tables)) {
        const rows = new Map<bigint, StoredRow>()
        for (const r of t.rows) {
          const id = BigInt(r.id as number | bigint)
          rows.set(id, {
            id,
            created: String(r.created),
            deleted: r.deleted === null ? null : String(r.deleted),
            superceded_id: r.superceded_id === null ? null : BigInt(r.superceded_id as number | bigint),
            valid: r.valid === true,
            data: r.data as Record<string, JsonValue>,
          })
        }
        m.set(name, { metadata: t.metadata, nextId: BigInt(t.nextId), rows })
      }
    }
  }
}
