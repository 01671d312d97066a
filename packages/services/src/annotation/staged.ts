/**
 * Staged uploads (Python `stage_annotations` + `upload_staged_annotations`, spec §4.3): validate
 * every row against the table's schema on the client, rescale positions, then send batches in row
 * order, each retried a few times, reporting progress; a batch that keeps failing stops the upload
 * with a `StagedUploadError` that hands back what was already uploaded.
 */
import { abortReason, sleep as defaultSleep } from '../http/abort.js'
import { InvalidParameterError, ResponseFormatError, isHttpError, isInvalidParameterError, isNetworkError, isTimeoutError } from '../http/errors.js'
import type { Logger } from '../http/logger.js'
import { parseRetryAfter } from '../http/retry.js'
import { checkResolution, checkTableName, show } from './convert.js'
import { ANNOTATION_INSERT_LIMIT } from './endpoints.js'
import { AnnotationValidationError, StagedUploadError } from './errors.js'
import { nestRow, rescalePositions, type WireRow } from './rows.js'
import { toUint64, type Uint64Like } from '../http/uint64.js'
import type { CompiledSchema } from './validate.js'
import type { AnnotationRow, RowProblem, StagedUploadOptions, TableMetadata } from './types.js'

export const DEFAULT_BATCH_ATTEMPTS = 3
export const DEFAULT_BATCH_DELAYS_MS: readonly number[] = Object.freeze([2000, 4000])
/** A server's `Retry-After` is honoured up to this long. */
const MAX_RETRY_AFTER_MS = 60_000

/** Statuses after which a batch is sent again: the request was (most likely) not processed. */
const RETRIED_STATUSES = new Set([408, 429, 502, 503, 504])

export interface StagedDeps {
  metadata(table: string, signal: AbortSignal | undefined): Promise<TableMetadata>
  schema(schemaType: string, signal: AbortSignal | undefined): Promise<CompiledSchema>
  post(table: string, rows: WireRow[], signal: AbortSignal | undefined): Promise<BigUint64Array>
  update(table: string, rows: WireRow[], signal: AbortSignal | undefined): Promise<Map<bigint, bigint>>
  logger: Logger
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

interface Checked {
  batchSize: number
  attempts: number
  delays: readonly number[]
  annotationResolution: readonly number[] | undefined
}

function checkOptions(options: StagedUploadOptions): Checked {
  const batchSize = options.batchSize ?? ANNOTATION_INSERT_LIMIT
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > ANNOTATION_INSERT_LIMIT) {
    throw new InvalidParameterError(
      'batchSize',
      `batchSize must be an integer from 1 to ${ANNOTATION_INSERT_LIMIT} (the engine's insert limit), got ${show(batchSize)}`,
    )
  }
  const attempts = options.batchRetry?.attempts ?? DEFAULT_BATCH_ATTEMPTS
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new InvalidParameterError('batchRetry.attempts', `batchRetry.attempts must be an integer ≥ 1, got ${show(attempts)}`)
  }
  const delays = options.batchRetry?.delaysMs ?? DEFAULT_BATCH_DELAYS_MS
  if (!Array.isArray(delays) || delays.length === 0 || !delays.every((d) => typeof d === 'number' && d >= 0 && Number.isFinite(d))) {
    throw new InvalidParameterError('batchRetry.delaysMs', `batchRetry.delaysMs must be a non-empty list of waits in ms, got ${show(delays)}`)
  }
  const annotationResolution =
    options.annotationResolution === undefined ? undefined : checkResolution(options.annotationResolution, 'annotationResolution')
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new InvalidParameterError('onProgress', 'onProgress must be a function')
  }
  return { batchSize, attempts, delays, annotationResolution }
}

/**
 * Nested, validated rows ready to send, or an `AnnotationValidationError` listing every problem of
 * every row (row index, field, what is wrong).
 */
export function stageRows(
  rows: readonly AnnotationRow[],
  schema: CompiledSchema,
  update: boolean,
  context: string,
): WireRow[] {
  const problems: RowProblem[] = []
  const out: WireRow[] = []
  rows.forEach((row, i) => {
    let wire: WireRow
    try {
      wire = nestRow(row, i, schema.pointFields)
    } catch (e) {
      if (!isInvalidParameterError(e)) throw e
      problems.push({ row: i, field: e.parameter.replace(/^rows\[\d+\]\.?/, ''), problem: e.message.replace(/^rows\[\d+\] /, '') })
      return
    }
    if (update || wire.id !== undefined) {
      if (wire.id === undefined || wire.id === null) {
        problems.push({ row: i, field: 'id', problem: 'is required: an update names the annotation it replaces' })
      } else {
        try {
          wire.id = toUint64(wire.id as Uint64Like, 'id')
        } catch (e) {
          if (!isInvalidParameterError(e)) throw e
          problems.push({ row: i, field: 'id', problem: e.message })
        }
      }
    }
    // `id` is checked above; a schema with `additionalProperties: false` does not list it.
    const { id: _id, ...fields } = wire
    for (const p of schema.validate(fields)) problems.push({ row: i, ...p })
    out.push(wire)
  })
  if (problems.length > 0) throw new AnnotationValidationError(problems, context)
  return out
}

/** Whether another attempt may help: the request most likely never reached the application. */
function worthRetrying(e: unknown): boolean {
  if (isNetworkError(e) || isTimeoutError(e)) return true
  return isHttpError(e) && RETRIED_STATUSES.has(e.status)
}

/**
 * Whether a failed attempt may still have written rows: anything but a 4xx refusal; for updates
 * (applied row by row) also 404/409/422, which can stop a batch half way.
 */
function mayHaveBeenApplied(e: unknown, update: boolean): boolean {
  if (!isHttpError(e)) return true
  if (e.status >= 500) return true
  return update && [404, 409, 422].includes(e.status)
}

export async function uploadStaged(
  deps: StagedDeps,
  table: string,
  rows: AnnotationRow | readonly AnnotationRow[],
  options: StagedUploadOptions,
  update: boolean,
): Promise<BigUint64Array | Map<bigint, bigint>> {
  checkTableName(table)
  const list: readonly AnnotationRow[] = Array.isArray(rows) ? rows : [rows as AnnotationRow]
  if (list.length === 0) throw new InvalidParameterError('rows', 'rows must not be empty')
  const opts = checkOptions(options)
  const { signal } = options
  signal?.throwIfAborted()
  const sleep = deps.sleep ?? defaultSleep
  const now = deps.now ?? Date.now

  const metadata = await deps.metadata(table, signal)
  const schema = await deps.schema(metadata.schema_type, signal)
  const wire = stageRows(list, schema, update, `table "${table}" (schema ${metadata.schema_type})`)

  if (opts.annotationResolution) {
    const tableResolution = metadata.voxelResolution
    if (!tableResolution.every((v) => typeof v === 'number' && v > 0)) {
      throw new InvalidParameterError(
        'annotationResolution',
        `table "${table}" reports no usable voxel resolution (${show(tableResolution)}), so positions cannot be rescaled`,
      )
    }
    const scale = opts.annotationResolution.map((a, axis) => a / (tableResolution[axis] as number))
    for (const row of wire) rescalePositions(row, schema.pointFields, scale)
  }

  const totalRows = wire.length
  const batches = Math.ceil(totalRows / opts.batchSize)
  const ids: bigint[] = []
  const mapping = new Map<bigint, bigint>()
  let uploaded = 0

  for (let b = 0; b < batches; b++) {
    const slice = wire.slice(b * opts.batchSize, (b + 1) * opts.batchSize)
    const fail = (cause: unknown, attempts: number, maybe: boolean, aborted = false): StagedUploadError =>
      new StagedUploadError({
        table,
        update,
        failedBatch: b + 1,
        batches,
        attempts,
        uploadedRows: uploaded,
        totalRows,
        uploadedIds: BigUint64Array.from(ids),
        uploadedMapping: new Map(mapping),
        failedBatchMayHaveBeenApplied: maybe,
        cause,
        aborted,
      })
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) {
        // Nothing uploaded yet: a plain abort. Otherwise hand back what was uploaded.
        if (uploaded === 0 && attempt === 1) throw abortReason(signal)
        throw fail(abortReason(signal), attempt - 1, false, true)
      }
      try {
        if (update) {
          const result = await deps.update(table, slice, signal)
          for (const [k, v] of result) mapping.set(k, v)
        } else {
          const result = await deps.post(table, slice, signal)
          if (result.length !== slice.length) {
            throw fail(
              new ResponseFormatError(`the server answered ${result.length} ids for ${slice.length} rows`),
              attempt,
              true,
            )
          }
          ids.push(...result)
        }
        break
      } catch (e) {
        if (e instanceof StagedUploadError) throw e
        if (signal?.aborted) {
          if (uploaded === 0) throw abortReason(signal)
          throw fail(abortReason(signal), attempt, true, true)
        }
        if (!worthRetrying(e) || attempt >= opts.attempts) throw fail(e, attempt, mayHaveBeenApplied(e, update))
        const planned = opts.delays[Math.min(attempt - 1, opts.delays.length - 1)] as number
        const after = isHttpError(e) ? parseRetryAfter(e.headers['retry-after'], now()) : undefined
        const wait = after === undefined ? planned : Math.max(planned, Math.min(after, MAX_RETRY_AFTER_MS))
        deps.logger.debug?.(`staged upload to ${table}: batch ${b + 1} of ${batches} failed (${(e as Error).message}); attempt ${attempt + 1} of ${opts.attempts} in ${wait} ms`)
        try {
          await sleep(wait, signal)
        } catch (abort) {
          if (uploaded === 0) throw abort
          throw fail(abort, attempt, mayHaveBeenApplied(e, update), true)
        }
      }
    }
    uploaded += slice.length
    if (options.onProgress) {
      try {
        options.onProgress({ batch: b + 1, batches, rows: uploaded, totalRows })
      } catch (e) {
        deps.logger.warn(`staged upload to ${table}: onProgress threw (${(e as Error)?.message ?? String(e)}); the upload goes on`)
      }
    }
  }
  return update ? mapping : BigUint64Array.from(ids)
}
