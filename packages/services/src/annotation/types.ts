/**
 * Shapes of the AnnotationEngine v2 API (services spec §4.3) as the annotation client returns them:
 * server keys are kept as sent (snake_case), ids become `bigint`, timestamps `Date`, and the three
 * `voxel_resolution_x|y|z` keys of a table's metadata become one `voxelResolution`.
 */
import type { CallOptions } from '../framework/context.js'
import type { Uint64Like } from '../http/uint64.js'

/** Who may read or write a table (`read_permission` / `write_permission`). */
export type TablePermission = 'PRIVATE' | 'GROUP' | 'PUBLIC'

export const TABLE_PERMISSIONS: readonly TablePermission[] = Object.freeze(['PRIVATE', 'GROUP', 'PUBLIC'])

/**
 * A point in time: a `Date`, an ISO-8601 string (without offset = UTC, as the servers mean it), or
 * epoch seconds (`number`). JS `Date`s keep milliseconds only: microseconds from a server are
 * truncated.
 */
export type TimestampInput = Date | string | number

/** x, y, z in nanometres per voxel. */
export type VoxelResolution = [number, number, number]

/** `GET A/table/{t}` (answered with **201** by the real server), voxel resolution folded. */
export interface TableMetadata {
  id?: number
  table_name: string
  schema_type: string
  description: string
  /**
   * UTC, millisecond precision; `null` when the server sent none. (A `string` only if the server
   * used a format the client cannot read: ISO-8601 in any variant and HTTP dates are read.)
   */
  created: Date | string | null
  /** When the table was marked for deletion, else `null`. */
  deleted: Date | string | null
  valid?: boolean
  /** The owner's user id (the server stores it as a string). */
  user_id: string
  reference_table?: string | null
  flat_segmentation_source?: string | null
  notice_text?: string | null
  read_permission?: TablePermission
  write_permission?: TablePermission
  /** `[x, y, z]` from `voxel_resolution_x|y|z` (nm per voxel). */
  voxelResolution: VoxelResolution
  /** Keys the deployment adds (e.g. `last_modified`) are kept as sent. */
  [key: string]: unknown
}

/**
 * An annotation as `GET A/table/{t}/annotations` returns it. The engine answers with the table's
 * own columns (spatial points usually flat, e.g. `pt_position: [x, y, z]`); the bookkeeping columns
 * are normalised: `id`/`superceded_id` (sic, the server's spelling) are `bigint`, `created` /
 * `deleted` are `Date`s (`null` for the server's `"None"`).
 */
export interface AnnotationRecord {
  id: bigint
  /** UTC, millisecond precision (a `string` only if unreadable, see `TableMetadata.created`). */
  created?: Date | string | null
  deleted?: Date | string | null
  superceded_id?: bigint | null
  valid?: boolean
  /** Schema fields, as sent; integers beyond 2^53 arrive as `bigint`. */
  [field: string]: unknown
}

/** A spatial point of a row in nested form: `{ position: [x, y, z] }` (+ optional segment ids). */
export interface SpatialPointInput {
  position: readonly number[] | ArrayLike<number>
  root_id?: Uint64Like
  supervoxel_id?: Uint64Like
  [key: string]: unknown
}

/**
 * One annotation to write, in either form:
 * - nested, as the wire wants it: `{ tag: 'x', pt: { position: [1, 2, 3] } }`;
 * - flat, like Python's dataframe columns: `{ tag: 'x', pt_position: [1, 2, 3] }` (also
 *   `pt_root_id` / `pt_supervoxel_id` next to a `pt_position`), converted to nested before sending.
 */
export type AnnotationRow = Readonly<Record<string, unknown>>

/** A row for `updateAnnotation`: the `id` of the annotation it replaces plus all its fields. */
export type AnnotationUpdateRow = AnnotationRow & { readonly id: Uint64Like }

export interface WriteOptions extends CallOptions {
  /**
   * Let the HTTP layer retry this write on 502/503/504/429/network errors. Default `false`: a
   * retried POST whose first attempt reached the server would insert the rows twice.
   */
  retry?: boolean
}

export interface GetTablesOptions extends CallOptions {
  /**
   * Tables as of this time (query `timestamp=%Y-%m-%dT%H:%M:%S.%f`, naive UTC). Needs AnnotationEngine
   * ≥ 4.33.0; the engine reports no version, so the call is sent with a warning and the server decides.
   */
  timestamp?: TimestampInput
  /** Only valid (not deleted) tables; the server's default is `true`. */
  filterValid?: boolean
}

export interface CreateTableOptions extends WriteOptions {
  /** Required: what is in the table, who made it, whom to ask. */
  description: string
  /** nm per voxel of the positions you will upload, e.g. `[4, 4, 40]`. */
  voxelResolution: readonly [number, number, number] | readonly number[]
  /** Default `PUBLIC`. */
  readPermission?: TablePermission
  /** Default `PRIVATE`. */
  writePermission?: TablePermission
  /** Create the table on someone else's behalf (the server defaults to the caller). */
  userId?: number | string
  /** Shown to everyone who reads the table. `"none"` (any case) is sent as `""`. */
  noticeText?: string
  /** For reference schemas: the table whose annotations these annotate. */
  referenceTable?: string
  /** With `referenceTable`: follow the target's id changes. */
  trackTargetIdUpdates?: boolean
  flatSegmentationSource?: string
}

/** Only the fields given are sent. `"none"`/`"None"` values are sent as `""` (clears the field). */
export interface UpdateMetadataOptions extends WriteOptions {
  description?: string
  flatSegmentationSource?: string
  readPermission?: TablePermission
  writePermission?: TablePermission
  /** Hands the table to another user: you may lose the right to change it afterwards. */
  userId?: number | string
  noticeText?: string
}

/** Reported after each uploaded batch of a staged upload. */
export interface StagedUploadProgress {
  /** Batches uploaded so far (1-based count). */
  batch: number
  batches: number
  /** Rows uploaded so far. */
  rows: number
  totalRows: number
}

export interface StagedUploadOptions extends CallOptions {
  /** Rows per request; at most 10,000 (the engine's insert limit). Default 10,000. */
  batchSize?: number
  /**
   * nm per voxel of the positions in `rows`. Positions are rescaled by
   * `annotationResolution / tableResolution` per axis; without it they are sent as given.
   */
  annotationResolution?: readonly [number, number, number] | readonly number[]
  /** Called after each batch succeeded. */
  onProgress?: (progress: StagedUploadProgress) => void
  /**
   * Attempts per batch (default 3) and the waits between them (default `[2000, 4000]` ms, the
   * last repeated). Only network errors, timeouts, 408, 429 and 5xx are retried.
   */
  batchRetry?: { attempts?: number; delaysMs?: readonly number[] }
}

export interface StagedUpdateOptions extends StagedUploadOptions {
  /** Rows replace existing annotations (`PUT`); each needs an integer `id`. */
  update: true
}

/** A validation problem of one row, found before anything is sent. */
export interface RowProblem {
  /** 0-based index into the rows you passed. */
  row: number
  /** Dotted path of the field, e.g. `pt.position` (empty for the row itself). */
  field: string
  problem: string
}
