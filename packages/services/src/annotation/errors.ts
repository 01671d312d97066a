/**
 * Errors of the annotation client. Both are `DafError`s; the guards check a global-registry brand
 * (like the HTTP layer's guards), so they work across duplicate copies of the package.
 */
import { DafError, InvalidParameterError } from '../http/errors.js'
import type { RowProblem } from './types.js'

const VALIDATION = Symbol.for('@daf/services.AnnotationValidationError')
const STAGED = Symbol.for('@daf/services.StagedUploadError')

/** Shown in a message; the full list is on `problems`. */
const MAX_LISTED = 20

/**
 * Rows that do not match the table's schema, found on the client before anything was sent. An
 * `InvalidParameterError` (parameter `rows`) that lists every problem: row index, field, what is wrong.
 */
export class AnnotationValidationError extends InvalidParameterError {
  override name = 'AnnotationValidationError'
  readonly problems: readonly RowProblem[]
  /** Indexes of the invalid rows, ascending, without repeats. */
  readonly invalidRows: readonly number[]
  constructor(problems: readonly RowProblem[], context: string) {
    const rows = [...new Set(problems.map((p) => p.row))].sort((a, b) => a - b)
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  row ${p.row}${p.field ? `, ${p.field}` : ''}: ${p.problem}`)
    const more = problems.length > MAX_LISTED ? `\n  … and ${problems.length - MAX_LISTED} more (see .problems)` : ''
    super(
      'rows',
      `${rows.length} of the rows ${rows.length === 1 ? 'is' : 'are'} invalid for ${context}; nothing was sent:\n${listed.join('\n')}${more}`,
    )
    this.problems = problems
    this.invalidRows = rows
    Object.defineProperty(this, VALIDATION, { value: true })
  }
}

export const isAnnotationValidationError = (e: unknown): e is AnnotationValidationError =>
  typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[VALIDATION] === true

export interface StagedUploadErrorInit {
  table: string
  update: boolean
  /** 1-based number of the batch that failed. */
  failedBatch: number
  batches: number
  /** Attempts made for the failed batch. */
  attempts: number
  /** Rows whose batches succeeded (all before the failed batch). */
  uploadedRows: number
  totalRows: number
  /** Post: the new ids of the uploaded rows, in row order. */
  uploadedIds?: BigUint64Array
  /** Update: old id → new id of the uploaded rows. */
  uploadedMapping?: Map<bigint, bigint>
  /**
   * The failed batch may have reached the server (its last attempt ended in a network error, a
   * timeout or the caller's abort), so some of its rows may have been written.
   */
  failedBatchMayHaveBeenApplied: boolean
  /** The last attempt's error (HttpError, NetworkError, TimeoutError, or the abort reason). */
  cause: unknown
}

/**
 * A staged upload stopped part way: the batches before `failedBatch` were uploaded (their ids are
 * here, nothing is silently lost), the failed batch and everything after it were not (or, when
 * `failedBatchMayHaveBeenApplied`, the failed batch may have been partly applied — check with
 * `getAnnotationCount`). A caller's abort after the first uploaded batch is reported this way too.
 */
export class StagedUploadError extends DafError {
  override name = 'StagedUploadError'
  readonly table: string
  readonly update: boolean
  readonly failedBatch: number
  readonly batches: number
  readonly attempts: number
  readonly uploadedRows: number
  readonly totalRows: number
  readonly uploadedIds: BigUint64Array
  readonly uploadedMapping: Map<bigint, bigint>
  readonly failedBatchMayHaveBeenApplied: boolean
  /** True when the caller's signal stopped the upload. */
  readonly aborted: boolean
  constructor(init: StagedUploadErrorInit & { aborted?: boolean }) {
    const what = init.update ? 'update of' : 'upload to'
    const why = init.cause instanceof Error ? init.cause.message : String(init.cause)
    const how = init.aborted ? 'was aborted at' : `failed at`
    const tries = init.aborted ? '' : ` after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'}`
    const maybe = init.failedBatchMayHaveBeenApplied
      ? ` Batch ${init.failedBatch} may have reached the server before the failure; check the table before re-sending it.`
      : ''
    super(
      `Staged ${what} table "${init.table}" ${how} batch ${init.failedBatch} of ${init.batches}${tries}: ${why}. ` +
        `${init.uploadedRows} of ${init.totalRows} rows were uploaded before it (their ${init.update ? 'old → new ids are in .uploadedMapping' : 'ids are in .uploadedIds'}); ` +
        `the rows from ${init.uploadedRows} on were not uploaded.${maybe}`,
      { cause: init.cause },
    )
    this.table = init.table
    this.update = init.update
    this.failedBatch = init.failedBatch
    this.batches = init.batches
    this.attempts = init.attempts
    this.uploadedRows = init.uploadedRows
    this.totalRows = init.totalRows
    this.uploadedIds = init.uploadedIds ?? new BigUint64Array(0)
    this.uploadedMapping = init.uploadedMapping ?? new Map()
    this.failedBatchMayHaveBeenApplied = init.failedBatchMayHaveBeenApplied
    this.aborted = init.aborted ?? false
    Object.defineProperty(this, STAGED, { value: true })
  }
}

export const isStagedUploadError = (e: unknown): e is StagedUploadError =>
  typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[STAGED] === true
