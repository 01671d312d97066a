/**
 * The annotation client (AnnotationEngine v2, services spec §4.3): tables, their metadata, and
 * annotation rows, on `{L}/annotation/api/v2/aligned_volume/{av}`. `{L}` and `{av}` come from the
 * datastack's info record on first use; construction sends nothing.
 *
 * Differences from Python's `AnnotationClientV2`, on purpose:
 * - `getTables({ timestamp })` is sent (with a warning) although the engine reports no version;
 *   Python refuses it always (#178).
 * - Writes are not retried unless asked (`{ retry: true }`); staged uploads retry each batch only
 *   after failures that mean the request was not processed (network, timeout, 408/429/502/503/504).
 * - Bad input (table names, permissions, ids, resolutions, rows) fails before any request.
 */
import type { CallOptions, ServiceContext } from '../framework/context.js'
import { requestEndpoint } from '../http/endpoints.js'
import { InvalidParameterError, ResponseFormatError } from '../http/errors.js'
import type { Logger } from '../http/logger.js'
import { toNaiveUtcIso } from '../http/timestamps.js'
import type { Uint64Like } from '../http/uint64.js'
import {
  checkNewTableName,
  checkPermission,
  checkResolution,
  checkTableName,
  noneToEmpty,
  serverIdMapping,
  serverIds,
  show,
  toAnnotationRecord,
  toDate,
  toIdList,
  toTableMetadata,
} from './convert.js'
import { annotationV2 } from './endpoints.js'
import { prepareRows, type WireRow } from './rows.js'
import { uploadStaged, type StagedDeps } from './staged.js'
import type {
  AnnotationRecord,
  AnnotationRow,
  AnnotationUpdateRow,
  CreateTableOptions,
  GetTablesOptions,
  StagedUpdateOptions,
  StagedUploadOptions,
  TableMetadata,
  UpdateMetadataOptions,
  WriteOptions,
} from './types.js'
import type { CompiledSchema, SchemaCompiler } from './validate.js'

export interface AnnotationClient {
  /** `{av}`: the aligned volume the datastack's annotations live in (from its info record). */
  alignedVolumeName(options?: CallOptions): Promise<string>
  /** Table names (`GET A/table`). */
  getTables(options?: GetTablesOptions): Promise<string[]>
  /** A table's metadata, `voxel_resolution_x|y|z` folded into `voxelResolution`. */
  getTableMetadata(table: string, options?: CallOptions): Promise<TableMetadata>
  /** Rows in the table: every row ever written, superseded and deleted ones included. */
  getAnnotationCount(table: string, options?: CallOptions): Promise<number>
  /** Creates a table of schema `schemaType`; resolves to the server's (non-JSON) confirmation text. */
  createTable(table: string, schemaType: string, options: CreateTableOptions): Promise<string>
  /** Marks a table for deletion (owner only). Resolves to the server's answer (`true`). */
  deleteTable(table: string, options?: WriteOptions): Promise<boolean>
  /** Changes only the fields given; resolves to the table's new metadata. */
  updateMetadata(table: string, fields: UpdateMetadataOptions): Promise<TableMetadata>
  /** Annotations by id (`annotation_ids=1,2,3`). */
  getAnnotation(table: string, ids: Uint64Like | Iterable<Uint64Like>, options?: CallOptions): Promise<AnnotationRecord[]>
  /**
   * Inserts rows (one row or a list of at most 10,000; nested or flat form); resolves to the new
   * ids in row order. More rows: `uploadStagedAnnotations`.
   */
  postAnnotation(table: string, rows: AnnotationRow | readonly AnnotationRow[], options?: WriteOptions): Promise<BigUint64Array>
  /**
   * Replaces annotations: each row names the `id` it replaces and gets a new id (the old row is
   * marked superseded). Resolves to old id → new id. The engine applies rows one by one, so a
   * 409/422 can leave earlier rows of the same call updated.
   */
  updateAnnotation(
    table: string,
    rows: AnnotationUpdateRow | readonly AnnotationUpdateRow[],
    options?: WriteOptions,
  ): Promise<Map<bigint, bigint>>
  /** Marks annotations deleted; resolves to the ids the server marked. */
  deleteAnnotation(table: string, ids: Uint64Like | Iterable<Uint64Like>, options?: WriteOptions): Promise<BigUint64Array>
  /**
   * Validated, batched upload (Python's `stage_annotations` + `upload_staged_annotations`): fetches
   * the table's metadata and schema, checks every row with a JSON-Schema validator (all problems
   * reported at once, before anything is sent), rescales positions by
   * `annotationResolution / tableResolution`, sends batches of `batchSize` (≤ 10,000) rows in row
   * order (each up to 3 attempts), reports progress, and resolves to the new ids in row order. A
   * batch that keeps failing rejects with `StagedUploadError` holding the ids already uploaded.
   */
  uploadStagedAnnotations(
    table: string,
    rows: AnnotationRow | readonly AnnotationRow[],
    options?: StagedUploadOptions & { update?: false },
  ): Promise<BigUint64Array>
  /** With `update: true`: rows replace existing annotations (`PUT`); resolves to the merged old → new ids. */
  uploadStagedAnnotations(
    table: string,
    rows: AnnotationUpdateRow | readonly AnnotationUpdateRow[],
    options: StagedUpdateOptions,
  ): Promise<Map<bigint, bigint>>
}

/** Knobs for tests: the waits between staged-upload attempts. */
export interface AnnotationClientOptions {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

const SERVICE = 'annotation'

/** Warns once per distinct message (the timestamp gate would otherwise warn on every call). */
function onceLogger(logger: Logger): Logger {
  const seen = new Set<string>()
  return {
    warn(message) {
      if (seen.has(message)) return
      seen.add(message)
      logger.warn(message)
    },
    ...(logger.debug && { debug: (m: string) => logger.debug?.(m) }),
  }
}

export function createAnnotationClient(ctx: ServiceContext, clientOptions: AnnotationClientOptions = {}): AnnotationClient {
  const http = ctx.http
  const gateLogger = onceLogger(ctx.logger)
  // ajv is needed only to validate staged uploads: load it on first use, so apps that never
  // upload (and their bundles' start-up) don't pay for it. A failed load is retried next time.
  let compiler: Promise<SchemaCompiler> | undefined
  const schemaCompiler = (): Promise<SchemaCompiler> =>
    (compiler ??= import('./validate.js').then(
      (m) => m.createSchemaCompiler(),
      (error: unknown) => {
        compiler = undefined
        throw error
      },
    ))

  async function target(signal: AbortSignal | undefined): Promise<{ baseUrl: string; av: string }> {
    const pinned = ctx.pinnedVersions?.annotation
    if (pinned !== undefined && pinned !== 2) {
      throw new InvalidParameterError(
        'pinnedVersions.annotation',
        `annotation API version ${pinned} is not supported: this client speaks AnnotationEngine v2 only (legacy v0 is not supported)`,
      )
    }
    const [baseUrl, info] = await Promise.all([ctx.localServer({ signal }), ctx.datastackInfo({ signal })])
    const av = info.aligned_volume?.name
    if (typeof av !== 'string' || av === '') {
      throw new ResponseFormatError(`the info record of datastack ${ctx.datastack ?? '?'} names no aligned volume`)
    }
    return { baseUrl, av }
  }

  const common = { service: SERVICE, logger: gateLogger, serverVersion: undefined }

  async function getTableMetadata(table: string, options: CallOptions = {}): Promise<TableMetadata> {
    checkTableName(table)
    const { baseUrl, av } = await target(options.signal)
    const raw = await requestEndpoint(http, annotationV2.tableMetadata, {
      ...common,
      baseUrl,
      params: { aligned_volume: av, table_name: table },
      signal: options.signal,
    })
    return toTableMetadata(raw, `metadata of table ${table}`)
  }

  async function fetchSchema(schemaType: string, signal: AbortSignal | undefined): Promise<CompiledSchema> {
    const schemas = await schemaCompiler()
    const hit = schemas.get(schemaType)
    if (hit) return hit
    // The schema service lives on the global server; called directly, not through the schema client.
    const doc = await http.request('GET /schema/api/v2/type/{schema_type}', {
      baseUrl: ctx.serverAddress,
      params: { schema_type: schemaType },
      signal,
    })
    return schemas.compile(schemaType, doc)
  }

  async function sendPost(table: string, rows: WireRow[], signal: AbortSignal | undefined, retry: boolean) {
    const { baseUrl, av } = await target(signal)
    const raw = await requestEndpoint(http, annotationV2.postAnnotations, {
      ...common,
      baseUrl,
      params: { aligned_volume: av, table_name: table },
      json: { annotations: rows },
      retryable: retry,
      signal,
    })
    return serverIds(raw, `new ids of ${table}`)
  }

  async function sendUpdate(table: string, rows: WireRow[], signal: AbortSignal | undefined, retry: boolean) {
    const { baseUrl, av } = await target(signal)
    const raw = await requestEndpoint(http, annotationV2.updateAnnotations, {
      ...common,
      baseUrl,
      params: { aligned_volume: av, table_name: table },
      json: { annotations: rows },
      retryable: retry,
      signal,
    })
    return serverIdMapping(raw, `updated ids of ${table}`)
  }

  const stagedDeps: StagedDeps = {
    metadata: (table, signal) => getTableMetadata(table, { signal }),
    schema: fetchSchema,
    post: (table, rows, signal) => sendPost(table, rows, signal, false),
    update: (table, rows, signal) => sendUpdate(table, rows, signal, false),
    logger: ctx.logger,
    ...(clientOptions.sleep && { sleep: clientOptions.sleep }),
  }

  function userIdText(value: unknown, parameter: string): string {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
    if (typeof value === 'string' && value.trim() !== '') return value
    throw new InvalidParameterError(parameter, `${parameter} must be a user id (non-negative integer), got ${show(value)}`)
  }

  function optionalText(value: unknown, parameter: string): string {
    if (typeof value !== 'string') throw new InvalidParameterError(parameter, `${parameter} must be a string, got ${show(value)}`)
    return value
  }

  const client: AnnotationClient = {
    async alignedVolumeName(options = {}) {
      return (await target(options.signal)).av
    },

    async getTables(options = {}) {
      const query: Record<string, string | boolean | undefined> = {}
      if (options.timestamp !== undefined) query.timestamp = toNaiveUtcIso(toDate(options.timestamp, 'timestamp'))
      if (options.filterValid !== undefined) {
        if (typeof options.filterValid !== 'boolean') {
          throw new InvalidParameterError('filterValid', `filterValid must be a boolean, got ${show(options.filterValid)}`)
        }
        query.filter_valid = options.filterValid
      }
      const { baseUrl, av } = await target(options.signal)
      const raw = await requestEndpoint(http, annotationV2.tables, {
        ...common,
        baseUrl,
        params: { aligned_volume: av },
        query,
        signal: options.signal,
      })
      if (!Array.isArray(raw) || !raw.every((t) => typeof t === 'string')) {
        throw new ResponseFormatError(`table list of ${av}: expected a list of names, got ${show(raw)}`)
      }
      return raw
    },

    getTableMetadata,

    async getAnnotationCount(table, options = {}) {
      checkTableName(table)
      const { baseUrl, av } = await target(options.signal)
      const raw = await requestEndpoint(http, annotationV2.annotationCount, {
        ...common,
        baseUrl,
        params: { aligned_volume: av, table_name: table },
        signal: options.signal,
      })
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
        throw new ResponseFormatError(`row count of ${table}: expected a non-negative integer, got ${show(raw)}`)
      }
      return raw
    },

    async createTable(table, schemaType, options) {
      checkNewTableName(table)
      if (typeof schemaType !== 'string' || schemaType.trim() === '' || /[/\s]/.test(schemaType)) {
        throw new InvalidParameterError('schemaType', `schemaType must be a schema name, got ${show(schemaType)}`)
      }
      const o = options ?? ({} as CreateTableOptions)
      if (typeof o.description !== 'string' || o.description.trim() === '') {
        throw new InvalidParameterError('description', `description is required (what the table holds, who made it), got ${show(o.description)}`)
      }
      const [x, y, z] = checkResolution(o.voxelResolution, 'voxelResolution')
      const metadata: Record<string, unknown> = {
        description: o.description,
        voxel_resolution_x: x,
        voxel_resolution_y: y,
        voxel_resolution_z: z,
        read_permission: checkPermission(o.readPermission ?? 'PUBLIC', 'readPermission'),
        write_permission: checkPermission(o.writePermission ?? 'PRIVATE', 'writePermission'),
      }
      if (o.userId !== undefined) metadata.user_id = userIdText(o.userId, 'userId')
      if (o.noticeText !== undefined) metadata.notice_text = noneToEmpty(optionalText(o.noticeText, 'noticeText'))
      if (o.referenceTable !== undefined) {
        metadata.table_metadata = {
          reference_table: checkTableName(o.referenceTable, 'referenceTable'),
          track_target_id_updates: o.trackTargetIdUpdates ?? null,
        }
      } else if (o.trackTargetIdUpdates !== undefined) {
        throw new InvalidParameterError('trackTargetIdUpdates', 'trackTargetIdUpdates needs a referenceTable')
      }
      if (o.flatSegmentationSource !== undefined) {
        metadata.flat_segmentation_source = optionalText(o.flatSegmentationSource, 'flatSegmentationSource')
      }
      const { baseUrl, av } = await target(o.signal)
      const answer = await requestEndpoint(http, annotationV2.createTable, {
        ...common,
        baseUrl,
        params: { aligned_volume: av },
        json: { schema_type: schemaType, table_name: table, metadata },
        retryable: o.retry ?? false,
        signal: o.signal,
      })
      return typeof answer === 'string' ? answer : String(answer)
    },

    async deleteTable(table, options = {}) {
      checkTableName(table)
      const { baseUrl, av } = await target(options.signal)
      const raw = await requestEndpoint(http, annotationV2.deleteTable, {
        ...common,
        baseUrl,
        params: { aligned_volume: av, table_name: table },
        retryable: options.retry ?? false,
        signal: options.signal,
      })
      return raw === true
    },

    async updateMetadata(table, fields) {
      checkTableName(table)
      const f = fields ?? ({} as UpdateMetadataOptions)
      const metadata: Record<string, unknown> = {}
      const text = (v: unknown, parameter: string) => noneToEmpty(optionalText(v, parameter))
      if (f.description !== undefined) metadata.description = text(f.description, 'description')
      if (f.flatSegmentationSource !== undefined) metadata.flat_segmentation_source = text(f.flatSegmentationSource, 'flatSegmentationSource')
      if (f.readPermission !== undefined) metadata.read_permission = checkPermission(f.readPermission, 'readPermission')
      if (f.writePermission !== undefined) metadata.write_permission = checkPermission(f.writePermission, 'writePermission')
      if (f.userId !== undefined) metadata.user_id = userIdText(f.userId, 'userId')
      if (f.noticeText !== undefined) metadata.notice_text = text(f.noticeText, 'noticeText')
      if (Object.keys(metadata).length === 0) {
        throw new InvalidParameterError('fields', 'updateMetadata needs at least one field to change')
      }
      const { baseUrl, av } = await target(f.signal)
      const raw = await requestEndpoint(http, annotationV2.updateMetadata, {
        ...common,
        baseUrl,
        params: { aligned_volume: av },
        json: { table_name: table, metadata },
        retryable: f.retry ?? false,
        signal: f.signal,
      })
      const answer = raw as Record<string, unknown> | null
      if (answer && typeof answer === 'object' && 'voxel_resolution_x' in answer) {
        return toTableMetadata(answer, `new metadata of table ${table}`)
      }
      // An engine that answers something else: read the metadata back.
      return getTableMetadata(table, { signal: f.signal })
    },

    async getAnnotation(table, ids, options = {}) {
      checkTableName(table)
      const list = toIdList(ids, 'ids')
      const { baseUrl, av } = await target(options.signal)
      const raw = await requestEndpoint(http, annotationV2.getAnnotations, {
        ...common,
        baseUrl,
        params: { aligned_volume: av, table_name: table },
        query: { annotation_ids: list },
        signal: options.signal,
      })
      if (!Array.isArray(raw)) throw new ResponseFormatError(`annotations of ${table}: expected a list, got ${show(raw)}`)
      return raw.map((a, i) => toAnnotationRecord(a, `annotations of ${table}[${i}]`))
    },

    async postAnnotation(table, rows, options = {}) {
      checkTableName(table)
      const wire = prepareRows(rows, { update: false })
      return sendPost(table, wire, options.signal, options.retry ?? false)
    },

    async updateAnnotation(table, rows, options = {}) {
      checkTableName(table)
      const wire = prepareRows(rows, { update: true })
      return sendUpdate(table, wire, options.signal, options.retry ?? false)
    },

    async deleteAnnotation(table, ids, options = {}) {
      checkTableName(table)
      const list = toIdList(ids, 'ids')
      const { baseUrl, av } = await target(options.signal)
      const raw = await requestEndpoint(http, annotationV2.deleteAnnotations, {
        ...common,
        baseUrl,
        params: { aligned_volume: av, table_name: table },
        json: { annotation_ids: list },
        retryable: options.retry ?? false,
        signal: options.signal,
      })
      return serverIds(raw, `deleted ids of ${table}`)
    },

    uploadStagedAnnotations: ((table: string, rows: AnnotationRow | readonly AnnotationRow[], options: StagedUploadOptions & { update?: boolean } = {}) =>
      uploadStaged(stagedDeps, table, rows, options, options.update === true)) as AnnotationClient['uploadStagedAnnotations'],
  }
  return client
}
