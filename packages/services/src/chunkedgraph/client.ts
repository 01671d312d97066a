/**
 * `createChunkedGraphClient(ctx, { timestamp? })`: the PyChunkedGraph segmentation v1 client
 * (Python `ChunkedGraphClient`, spec §4.4). Construction sends nothing. On first use it reads the
 * datastack's info record (`local_server`, and `{table_id}` from `segmentation_source`), probes
 * `{L}/segmentation/api/versions` (no answer → v1 with a warning) and `{L}/segmentation/api/version`
 * (unknown → gated calls go through with a warning; known and too old → `ServerIncompatibilityError`
 * before any request). Successes are cached, failures are not.
 *
 * Ids are `bigint` / `BigUint64Array`; JSON answers are requested with `int64_as_str=true` and
 * parsed losslessly anyway. Timestamps go out as float epoch seconds (UTC) and come back as
 * `Date`s (milliseconds; sub-millisecond digits are truncated).
 */
import { lazyAsync, type CallOptions, type ServiceContext } from '../framework/context.js'
import { requestEndpoint } from '../http/endpoints.js'
import {
  DafError,
  InvalidParameterError,
  ResponseFormatError,
  ServerIncompatibilityError,
  isHttpError,
  isUnsupportedInBrowserError,
} from '../http/errors.js'
import { parseJson } from '../http/json.js'
import { jsonArrayText, type Query } from '../http/query.js'
import { scrubUrl } from '../http/redact.js'
import type { Uint64Like } from '../http/uint64.js'
import { chunkedgraphV1 as V1, tableIdFromSegmentationSource } from './endpoints.js'
import { pastFutureIdMapping } from './lineage.js'
import type {
  Bounds,
  ChangeLog,
  ChangeLogOptions,
  ChunkedGraphClientOptions,
  ContactSites,
  ContactSitesOptions,
  DeltaRoots,
  DeltaRootsOptions,
  EditResult,
  FindPathOptions,
  FindPathResult,
  GetRootIdOptions,
  GetRootsOptions,
  IdsInput,
  LeavesOptions,
  LineageGraph,
  LineageGraphOptions,
  MergeLog,
  MergeOptions,
  OperationDetails,
  PastIds,
  PastIdsOptions,
  Point3,
  RootTimestampsOptions,
  SegmentationInfo,
  SplitOptions,
  SplitPreview,
  Subgraph,
  SuggestLatestRootsOptions,
  SuggestedRoot,
  TabularChangeLogEntry,
  TimestampInput,
  TimestampOption,
  ValidNodesOptions,
} from './types.js'
import {
  arrayFrom,
  boundsParam,
  countFrom,
  dateFromIso,
  dateFromSeconds,
  describe,
  idFrom,
  idListFrom,
  idPairsFrom,
  idParam,
  idsParam,
  layerParam,
  numberListFrom,
  objectFrom,
  pointParam,
  pointsParam,
  positiveIntParam,
  secondsFrom,
  toTimestampSeconds,
} from './wire.js'

const SERVICE = 'chunkedgraph'
/** The API versions this client implements (legacy v0 is not). */
const CLIENT_API_VERSIONS = [1] as const
/** `valid_nodes` start when none is given: 2000-01-01T00:00:00Z, as in Python. */
const VALID_NODES_START = 946684800
const DEFAULT_BATCH_SIZE = 100_000
const DEFAULT_CONCURRENCY = 4
const DEFAULT_RESOLUTION: Point3 = [4, 4, 40]

export interface ChunkedGraphClient {
  /** The client's default timestamp (`options.timestamp`), if any. */
  readonly defaultTimestamp: Date | undefined

  /** `{table_id}` (from `segmentation_source` unless `options.tableId` was given). */
  tableId(options?: CallOptions): Promise<string>
  /** What `{L}/segmentation/api/version` reported; undefined when unknown. */
  serverVersion(options?: CallOptions): Promise<string | undefined>

  /** Root (or `stopLayer` parent) of each supervoxel, in input order; 0 for unknown ids. */
  getRoots(supervoxelIds: IdsInput, options?: GetRootsOptions): Promise<BigUint64Array>
  getRootId(supervoxelId: Uint64Like, options?: GetRootIdOptions): Promise<bigint>
  getLeaves(rootId: Uint64Like, options?: LeavesOptions): Promise<BigUint64Array>
  getLeavesMany(rootIds: IdsInput, options?: LeavesOptions): Promise<Map<bigint, BigUint64Array>>
  getChildren(nodeId: Uint64Like, options?: CallOptions): Promise<BigUint64Array>
  getChangeLog(rootId: Uint64Like, options?: ChangeLogOptions): Promise<ChangeLog>
  getMergeLog(rootId: Uint64Like, options?: CallOptions): Promise<MergeLog>
  getTabularChangeLog(rootIds: IdsInput, options?: ChangeLogOptions): Promise<Map<bigint, TabularChangeLogEntry[]>>
  getDeltaRoots(timestampPast: TimestampInput, options?: DeltaRootsOptions): Promise<DeltaRoots>
  getSubgraph(rootId: Uint64Like, options?: { bounds?: Bounds } & CallOptions): Promise<Subgraph>
  level2ChunkGraph(rootId: Uint64Like, options?: { bounds?: Bounds } & CallOptions): Promise<Array<[bigint, bigint]>>
  getContactSites(rootId: Uint64Like, options?: ContactSitesOptions): Promise<ContactSites>
  findPath(rootId: Uint64Like, sourcePoint: Point3, targetPoint: Point3, options?: FindPathOptions): Promise<FindPathResult>
  getOperationDetails(operationIds: IdsInput, options?: CallOptions): Promise<Map<bigint, OperationDetails>>
  getLineageGraph(rootIds: Uint64Like | IdsInput, options?: LineageGraphOptions): Promise<LineageGraph>
  getLatestRoots(rootId: Uint64Like, options?: TimestampOption): Promise<BigUint64Array>
  getOriginalRoots(rootId: Uint64Like, options?: { timestampPast?: TimestampInput } & CallOptions): Promise<BigUint64Array>
  isLatestRoots(rootIds: IdsInput, options?: TimestampOption): Promise<boolean[]>
  suggestLatestRoots(rootId: Uint64Like, options?: SuggestLatestRootsOptions): Promise<SuggestedRoot[]>
  isValidNodes(nodeIds: IdsInput, options?: ValidNodesOptions): Promise<boolean[]>
  getRootTimestamps(rootIds: IdsInput, options?: RootTimestampsOptions): Promise<Date[]>
  getOldestTimestamp(options?: CallOptions): Promise<Date>
  getPastIds(rootIds: IdsInput, options?: PastIdsOptions): Promise<PastIds>
  getMinimalCoveringNodes(nodeIds: IdsInput, options?: CallOptions): Promise<BigUint64Array>

  doMerge(supervoxelIds: readonly [Uint64Like, Uint64Like], coords: readonly [Point3, Point3], options?: MergeOptions): Promise<EditResult>
  executeSplit(sourcePoints: readonly Point3[], sinkPoints: readonly Point3[], rootId: Uint64Like, options?: SplitOptions): Promise<EditResult>
  previewSplit(sourcePoints: readonly Point3[], sinkPoints: readonly Point3[], rootId: Uint64Like, options?: SplitOptions): Promise<SplitPreview>
  undoOperation(operationId: Uint64Like, options?: CallOptions): Promise<EditResult>
  remeshLevel2Chunks(level2Ids: IdsInput, options?: CallOptions): Promise<void>

  /** Graphene info of the table (cached after the first success). */
  segmentationInfo(options?: CallOptions): Promise<SegmentationInfo>
  /** `scales[0].resolution` (nm per voxel), the unit of `bounds`. */
  baseResolution(options?: CallOptions): Promise<[number, number, number]>
  /** `graphene://{L}/segmentation/api/v1/{table_id}` for cloud-volume. */
  cloudvolumePath(options?: CallOptions): Promise<string>
}

interface Target {
  local: string
  tableId: string
}

interface Call extends Target {
  serverVersion: string | undefined
  signal: AbortSignal | undefined
}

/** A version answer that should not be cached (the probe failed for a reason other than 404). */
class Transient<T> {
  constructor(readonly value: T) {}
}

export function createChunkedGraphClient(ctx: ServiceContext, options: ChunkedGraphClientOptions = {}): ChunkedGraphClient {
  const defaultSeconds = options.timestamp === undefined ? undefined : toTimestampSeconds(options.timestamp, 'timestamp')
  if (options.tableId !== undefined && (typeof options.tableId !== 'string' || !/^[^/?#\s]+$/.test(options.tableId))) {
    throw new InvalidParameterError('tableId', `tableId must be a non-empty table name without "/", got ${describe(options.tableId)}`)
  }
  const logger = ctx.logger
  const gate = { logger, service: SERVICE }

  const target = lazyAsync<Target>(async (signal) => {
    const local = await ctx.localServer({ signal })
    if (options.tableId !== undefined) return { local, tableId: options.tableId }
    const info = await ctx.datastackInfo({ signal })
    const source = info.segmentation_source
    if (typeof source !== 'string' || /^(precomputed|gs|s3|file|zarr|n5):/i.test(source.trim())) {
      throw new DafError(
        `datastack ${ctx.datastack ?? ''} has no chunkedgraph: its segmentation_source ${describe(source)} is not a graphene source`,
      )
    }
    const tableId = tableIdFromSegmentationSource(source)
    if (tableId === undefined) {
      throw new DafError(`cannot derive the chunkedgraph table from segmentation_source "${source}" of datastack ${ctx.datastack ?? ''}`)
    }
    return { local, tableId }
  })

  const loadVersions = lazyAsync(async (signal) => {
    const { local } = await target({ signal })
    const [api, server] = await Promise.all([apiVersion(local, signal), serverVersionOf(local, signal)])
    const value = { api: api.value, server: server.value }
    if (api instanceof Transient || server instanceof Transient) throw new Transient(value)
    return value
  })

  async function versions(signal: AbortSignal | undefined): Promise<{ api: number; server: string | undefined }> {
    try {
      return await loadVersions({ signal })
    } catch (e) {
      if (e instanceof Transient) return e.value as { api: number; server: string | undefined }
      throw e
    }
  }

  /** API version (spec §3.1): probe, or the pinned one; a failed probe means v1 with a warning. */
  async function apiVersion(local: string, signal: AbortSignal): Promise<{ value: number } | Transient<number>> {
    const pinned = ctx.pinnedVersions?.chunkedgraph
    if (pinned !== undefined) {
      if (!(CLIENT_API_VERSIONS as readonly number[]).includes(pinned)) {
        throw new InvalidParameterError(
          'pinnedVersions.chunkedgraph',
          `chunkedgraph API v${pinned} is not supported; this client implements v${CLIENT_API_VERSIONS.join(', v')} (legacy v0 is not supported)`,
        )
      }
      return { value: pinned }
    }
    const probe = `${local}/segmentation/api/versions`
    let answer: unknown
    try {
      answer = await ctx.http.request('GET /segmentation/api/versions', { baseUrl: local, signal, retry: { retries: 0 } })
    } catch (e) {
      if (signal.aborted) throw e
      const why = isHttpError(e) ? `HTTP ${e.status}` : (e as Error).message
      logger.warn(`${SERVICE} API version probe ${scrubUrl(probe)} failed (${why}); using v1`)
      return isHttpError(e) && e.status === 404 ? { value: 1 } : new Transient(1)
    }
    if (!Array.isArray(answer) || !answer.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      logger.warn(`${SERVICE} API version probe ${scrubUrl(probe)} did not answer a list of integers; using v1`)
      return { value: 1 }
    }
    const common = CLIENT_API_VERSIONS.filter((v) => (answer as number[]).includes(v))
    if (common.length === 0) {
      throw new ServerIncompatibilityError(
        { feature: `${SERVICE} API`, required: `v${CLIENT_API_VERSIONS.join(', v')}`, actual: `v${answer.join(', v') || ' (none)'}`, service: SERVICE },
        `${SERVICE} at ${scrubUrl(local)} speaks API v${answer.join(', v') || ' (none)'}, but this client implements only v${CLIENT_API_VERSIONS.join(', v')}`,
      )
    }
    return { value: Math.max(...common) }
  }

  /** Server version (spec §3.2): 404 = unknown (cached); another failure = unknown this time only. */
  async function serverVersionOf(local: string, signal: AbortSignal): Promise<{ value: string | undefined } | Transient<undefined>> {
    const url = `${local}/segmentation/api/version`
    let answer: unknown
    try {
      answer = await ctx.http.request('GET /segmentation/api/version', { baseUrl: local, signal, retry: { retries: 0 } })
    } catch (e) {
      if (signal.aborted) throw e
      if (isHttpError(e) && e.status === 404) return { value: undefined }
      logger.warn(`${SERVICE} server version (${scrubUrl(url)}) could not be read, treating it as unknown: ${(e as Error).message}`)
      return new Transient(undefined)
    }
    if (typeof answer === 'string' && answer.trim()) return { value: answer.trim() }
    logger.warn(`${SERVICE} server version (${scrubUrl(url)}) is not a JSON string, treating it as unknown`)
    return { value: undefined }
  }

  async function call(signal: AbortSignal | undefined): Promise<Call> {
    signal?.throwIfAborted()
    const t = await target({ signal })
    const v = await versions(signal)
    return { ...t, serverVersion: v.server, signal }
  }

  const segmentationInfo = lazyAsync<SegmentationInfo>(async (signal) => {
    const c = await call(signal)
    const info = objectFrom(
      await requestEndpoint(ctx.http, V1.info, { baseUrl: c.local, params: { table_id: c.tableId }, signal, ...gate }),
      'segmentation info',
    )
    if (!Array.isArray(info.scales) || info.scales.length === 0) {
      throw new ResponseFormatError(`segmentation info of ${c.tableId} has no scales`)
    }
    return info as SegmentationInfo
  })

  /** Explicit → client default → now (measured once per call). */
  const resolveTs = (value: TimestampInput | undefined, name: string): number =>
    value !== undefined ? toTimestampSeconds(value, name) : (defaultSeconds ?? Date.now() / 1000)
  /** Explicit → client default → not sent (the server's default applies). */
  const optionalTs = (value: TimestampInput | undefined, name: string): number | undefined =>
    value !== undefined ? toTimestampSeconds(value, name) : defaultSeconds

  const p = (c: Call) => ({ table_id: c.tableId })
  const base = (c: Call) => ({ baseUrl: c.local, signal: c.signal, serverVersion: c.serverVersion ?? null, ...gate })

  // -------------------------------------------------------------------------------------------
  // Internals shared by several methods

  async function rootTimestampSeconds(c: Call, ids: BigUint64Array, latest: number | undefined): Promise<number[]> {
    const query: Query = latest === undefined ? {} : { latest: true, timestamp: latest }
    const res = objectFrom(
      await requestEndpoint(ctx.http, V1.rootTimestamps, { ...base(c), params: p(c), query, json: { node_ids: ids } }),
      'root_timestamps',
    )
    const list = arrayFrom(res.timestamp, 'root_timestamps.timestamp')
    if (list.length !== ids.length) {
      throw new ResponseFormatError(`root_timestamps answered ${list.length} timestamps for ${ids.length} roots`)
    }
    return list.map((v, i) => {
      const s = secondsFrom(v, `root_timestamps.timestamp[${i}]`)
      if (s <= 0) {
        throw new ResponseFormatError(
          `root_timestamps answered ${s} (before 1970) for node ${ids[i]}: the node is unknown to the server or the server mixed up a batch (PyChunkedGraph #512)`,
        )
      }
      return s
    })
  }

  async function lineage(c: Call, ids: BigUint64Array, past: number | undefined, future: number | undefined): Promise<LineageGraph> {
    // Spec §6.3 #6: Python sent `name=timestamp_future`; both bounds go out under their own names.
    const query: Query = { timestamp_past: past, timestamp_future: future, int64_as_str: true }
    const res = await requestEndpoint(ctx.http, V1.lineageGraphMultiple, { ...base(c), params: p(c), query, json: { root_ids: ids } })
    return lineageFrom(res)
  }

  async function leavesOf(c: Call, id: bigint, o: LeavesOptions): Promise<BigUint64Array> {
    const query: Query = {
      bounds: o.bounds === undefined ? undefined : boundsParam(o.bounds),
      stop_layer: o.stopLayer === undefined ? undefined : layerParam(o.stopLayer, 'stopLayer'),
      int64_as_str: true,
    }
    const res = objectFrom(await requestEndpoint(ctx.http, V1.leaves, { ...base(c), params: { ...p(c), node_id: id }, query }), 'leaves')
    return idListFrom(res.leaf_ids, 'leaves.leaf_ids')
  }

  async function leavesMany(c: Call, ids: BigUint64Array, o: LeavesOptions): Promise<Map<bigint, BigUint64Array>> {
    const query: Query = {
      bounds: o.bounds === undefined ? undefined : boundsParam(o.bounds),
      stop_layer: o.stopLayer === undefined ? undefined : layerParam(o.stopLayer, 'stopLayer'),
      int64_as_str: true,
    }
    const res = objectFrom(
      await requestEndpoint(ctx.http, V1.leavesMany, { ...base(c), params: p(c), query, json: { node_ids: ids } }),
      'leaves_many',
    )
    const out = new Map<bigint, BigUint64Array>()
    for (const [k, v] of Object.entries(res)) out.set(idFrom(k, 'leaves_many key'), idListFrom(v, `leaves_many[${k}]`))
    return out
  }

  /** Python `get_latest_roots`: walk the lineage graph forward (or back) to `timestamp`. */
  async function latestRoots(c: Call, id: bigint, timestamp: number): Promise<BigUint64Array> {
    const [rootTs] = await rootTimestampSeconds(c, BigUint64Array.of(id), undefined)
    if ((rootTs as number) < timestamp) {
      // Forward in time: what the object became, as of `timestamp`.
      const g = pruneLineage(await lineage(c, BigUint64Array.of(id), rootTs, timestamp), undefined, timestamp)
      return nodesWithDegree(g, 'out')
    }
    // `timestamp` is before the root existed: the roots it came from, as of `timestamp`.
    return nodesWithDegree(await lineage(c, BigUint64Array.of(id), timestamp, rootTs), 'in')
  }

  function editFrom(value: unknown, what: string): EditResult {
    const o = objectFrom(value, what)
    return { operationId: idFrom(o.operation_id, `${what}.operation_id`), newRootIds: idListFrom(o.new_root_ids, `${what}.new_root_ids`) }
  }

  function splitBody(sourcePoints: readonly Point3[], sinkPoints: readonly Point3[], rootId: Uint64Like, o: SplitOptions) {
    const root = idParam(rootId, 'rootId')
    const side = (points: readonly Point3[], svs: SplitOptions['sourceSupervoxels'], name: string, svName: string) => {
      const pts = pointsParam(points, name)
      if (pts.length === 0) throw new InvalidParameterError(name, `${name} must contain at least one point`)
      if (svs !== undefined && (!Array.isArray(svs) || svs.length !== pts.length)) {
        throw new InvalidParameterError(svName, `${svName} must have one entry per point (${pts.length}), got ${describe(svs)}`)
      }
      return pts.map((pt, i) => {
        const sv = svs?.[i]
        const id = sv === undefined || sv === null ? root : idParam(sv, `${svName}[${i}]`)
        return [id, pt[0], pt[1], pt[2]]
      })
    }
    return {
      sources: side(sourcePoints, o.sourceSupervoxels, 'sourcePoints', 'sourceSupervoxels'),
      sinks: side(sinkPoints, o.sinkSupervoxels, 'sinkPoints', 'sinkSupervoxels'),
    }
  }

  // -------------------------------------------------------------------------------------------

  return {
    get defaultTimestamp() {
      return defaultSeconds === undefined ? undefined : dateFromSeconds(defaultSeconds)
    },

    async tableId(o = {}) {
      return (await target(o)).tableId
    },

    async serverVersion(o = {}) {
      await target(o)
      return (await versions(o.signal)).server
    },

    async getRoots(supervoxelIds, o = {}) {
      const ids = idsParam(supervoxelIds, 'supervoxelIds')
      const stopLayer = o.stopLayer === undefined ? undefined : layerParam(o.stopLayer, 'stopLayer')
      const batchSize = positiveIntParam(o.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize')
      const concurrency = positiveIntParam(o.concurrency ?? DEFAULT_CONCURRENCY, 'concurrency')
      // One timestamp for every batch, so all answers describe the same state of the graph.
      const timestamp = resolveTs(o.timestamp, 'timestamp')
      if (ids.length === 0) return new BigUint64Array(0)

      let send = ids
      let inverse: Uint32Array | undefined
      if (o.dedupe) {
        const index = new Map<bigint, number>()
        inverse = new Uint32Array(ids.length)
        const unique: bigint[] = []
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i] as bigint
          let k = index.get(id)
          if (k === undefined) {
            k = unique.length
            index.set(id, k)
            unique.push(id)
          }
          inverse[i] = k
        }
        send = BigUint64Array.from(unique)
      }

      const c = await call(o.signal)
      const out = new BigUint64Array(send.length)
      const inner = new AbortController()
      const onAbort = () => inner.abort(o.signal?.reason)
      o.signal?.addEventListener('abort', onAbort, { once: true })
      const starts: number[] = []
      for (let s = 0; s < send.length; s += batchSize) starts.push(s)
      let next = 0
      let done = 0
      let failure: { error: unknown } | undefined
      const worker = async () => {
        while (next < starts.length && !failure) {
          const start = starts[next++] as number
          const batch = send.subarray(start, Math.min(start + batchSize, send.length))
          try {
            const roots = (await requestEndpoint(ctx.http, V1.rootsBinary, {
              ...base(c),
              signal: inner.signal,
              params: p(c),
              query: { timestamp, stop_layer: stopLayer },
              body: batch,
            })) as BigUint64Array
            if (roots.length !== batch.length) {
              throw new ResponseFormatError(`roots_binary answered ${roots.length} ids for ${batch.length} supervoxels`)
            }
            out.set(roots, start)
            done += batch.length
            o.onProgress?.({ done, total: send.length })
          } catch (error) {
            failure ??= { error }
            inner.abort(error)
          }
        }
      }
      try {
        await Promise.all(Array.from({ length: Math.min(concurrency, starts.length) }, worker))
      } finally {
        o.signal?.removeEventListener('abort', onAbort)
      }
      if (o.signal?.aborted) throw o.signal.reason
      if (failure) throw failure.error
      if (!inverse) return out
      const result = new BigUint64Array(ids.length)
      for (let i = 0; i < ids.length; i++) result[i] = out[inverse[i] as number] as bigint
      return result
    },

    async getRootId(supervoxelId, o = {}) {
      const id = idParam(supervoxelId, 'supervoxelId')
      const timestamp = resolveTs(o.timestamp, 'timestamp')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.root, {
          ...base(c),
          params: { ...p(c), node_id: id },
          query: { timestamp, stop_layer: o.level2 ? 2 : undefined, int64_as_str: true },
        }),
        'root',
      )
      return idFrom(res.root_id, 'root.root_id')
    },

    async getLeaves(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      if (o.bounds !== undefined) boundsParam(o.bounds)
      if (o.stopLayer !== undefined) layerParam(o.stopLayer, 'stopLayer')
      return leavesOf(await call(o.signal), id, o)
    },

    async getLeavesMany(rootIds, o = {}) {
      const ids = idsParam(rootIds, 'rootIds')
      if (o.bounds !== undefined) boundsParam(o.bounds)
      if (o.stopLayer !== undefined) layerParam(o.stopLayer, 'stopLayer')
      if (ids.length === 0) return new Map()
      return leavesMany(await call(o.signal), ids, o)
    },

    async getChildren(nodeId, o = {}) {
      const id = idParam(nodeId, 'nodeId')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.children, { ...base(c), params: { ...p(c), node_id: id }, query: { int64_as_str: true } }),
        'children',
      )
      return idListFrom(res.children_ids, 'children.children_ids')
    },

    async getChangeLog(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.changeLog, {
          ...base(c),
          params: { ...p(c), root_id: id },
          query: { filtered: o.filtered ?? true, int64_as_str: true },
        }),
        'change_log',
      )
      const userInfo: ChangeLog['userInfo'] = {}
      for (const [user, v] of Object.entries(objectFrom(res.user_info ?? {}, 'change_log.user_info'))) {
        const u = objectFrom(v, `change_log.user_info[${user}]`)
        userInfo[user] = {
          nMergers: u.n_mergers === undefined ? 0 : countFrom(u.n_mergers, 'n_mergers'),
          nSplits: u.n_splits === undefined ? 0 : countFrom(u.n_splits, 'n_splits'),
        }
      }
      return {
        nMergers: countFrom(res.n_mergers, 'change_log.n_mergers'),
        nSplits: countFrom(res.n_splits, 'change_log.n_splits'),
        operationIds: idListFrom(res.operations_ids ?? [], 'change_log.operations_ids'),
        pastIds: idListFrom(res.past_ids ?? [], 'change_log.past_ids'),
        userInfo,
      }
    },

    async getMergeLog(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.mergeLog, { ...base(c), params: { ...p(c), root_id: id }, query: { int64_as_str: true } }),
        'merge_log',
      )
      return {
        mergeEdges: arrayFrom(res.merge_edges ?? [], 'merge_log.merge_edges').map((edges, i) => idPairsFrom(edges, `merge_log.merge_edges[${i}]`)),
        mergeEdgeCoords: arrayFrom(res.merge_edge_coords ?? [], 'merge_log.merge_edge_coords'),
      }
    },

    async getTabularChangeLog(rootIds, o = {}) {
      const ids = uniqueSorted(idsParam(rootIds, 'rootIds'))
      const filtered = o.filtered ?? true
      if (ids.length === 0) return new Map()
      const c = await call(o.signal)
      const out = new Map<bigint, TabularChangeLogEntry[]>()
      try {
        const res = objectFrom(
          await requestEndpoint(ctx.http, V1.tabularChangeLogMany, { ...base(c), params: p(c), query: { filtered }, json: { root_ids: ids } }),
          'tabular_change_log_many',
        )
        for (const [k, v] of Object.entries(res)) {
          const table = typeof v === 'string' ? parseTable(v, k) : v
          out.set(idFrom(k, 'tabular_change_log_many key'), tableRows(table, `tabular_change_log[${k}]`))
        }
        return out
      } catch (e) {
        if (!isUnsupportedInBrowserError(e)) throw e
      }
      // Browsers cannot send the GET body: one body-free per-root request each (spec §4.4 notes).
      await pool([...ids], DEFAULT_CONCURRENCY, async (id) => {
        const table = await requestEndpoint(ctx.http, V1.tabularChangeLog, { ...base(c), params: { ...p(c), root_id: id }, query: { filtered } })
        out.set(id, tableRows(table, `tabular_change_log[${id}]`))
      })
      return new Map([...ids].map((id) => [id, out.get(id) ?? []]))
    },

    async getDeltaRoots(timestampPast, o = {}) {
      const past = toTimestampSeconds(timestampPast, 'timestampPast')
      const future = o.timestampFuture === undefined ? Date.now() / 1000 : toTimestampSeconds(o.timestampFuture, 'timestampFuture')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.deltaRoots, {
          ...base(c),
          params: p(c),
          query: { timestamp_past: past, timestamp_future: future, int64_as_str: true },
        }),
        'delta_roots',
      )
      return { oldRoots: idListFrom(res.old_roots, 'delta_roots.old_roots'), newRoots: idListFrom(res.new_roots, 'delta_roots.new_roots') }
    },

    async getSubgraph(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const bounds = o.bounds === undefined ? undefined : boundsParam(o.bounds)
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.subgraph, { ...base(c), params: { ...p(c), node_id: id }, query: { bounds, int64_as_str: true } }),
        'subgraph',
      )
      return {
        edges: idPairsFrom(res.nodes, 'subgraph.nodes'),
        affinities: numberListFrom(res.affinities, 'subgraph.affinities'),
        areas: numberListFrom(res.areas, 'subgraph.areas'),
      }
    },

    async level2ChunkGraph(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const bounds = o.bounds === undefined ? undefined : boundsParam(o.bounds)
      const c = await call(o.signal)
      const response = (await requestEndpoint(ctx.http, V1.lvl2Graph, {
        ...base(c),
        params: { ...p(c), node_id: id },
        query: { bounds, int64_as_str: true },
      })) as Response
      const used = response.headers.get('used-bounds')
      const text = await response.text()
      if (bounds !== undefined && used?.trim().toLowerCase() !== 'true') {
        throw new ServerIncompatibilityError(
          { feature: 'level2ChunkGraph(bounds)', required: '>=2.15.0 (Used-Bounds: True)', actual: c.serverVersion ?? 'unknown', service: SERVICE },
          `level2ChunkGraph: the server did not apply the bounds (Used-Bounds: ${used ?? 'missing'}); ` +
            'it is older than PyChunkedGraph 2.15.0, or (in a browser) it does not expose the Used-Bounds header through CORS',
        )
      }
      let body: unknown
      try {
        body = parseJson(text)
      } catch {
        throw new ResponseFormatError(`lvl2_graph of ${id}: the answer is not JSON`)
      }
      return idPairsFrom(objectFrom(body, 'lvl2_graph').edge_graph, 'lvl2_graph.edge_graph')
    },

    async getContactSites(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const bounds = o.bounds === undefined ? undefined : boundsParam(o.bounds)
      const timestamp = optionalTs(o.timestamp, 'timestamp')
      const c = await call(o.signal)
      // No body (spec §6.3 #14: the server reads none), so this works in browsers too.
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.contactSites, {
          ...base(c),
          params: { ...p(c), node_id: id },
          query: { bounds, partners: o.calcPartners ?? false, timestamp, int64_as_str: true },
        }),
        'contact_sites',
      )
      const sites = new Map<bigint, unknown>()
      for (const [k, v] of Object.entries(objectFrom(res.contact_sites ?? {}, 'contact_sites.contact_sites'))) {
        sites.set(idFrom(k, 'contact_sites key'), v)
      }
      return { contactSites: sites, metadata: objectFrom(res.contact_site_metadata ?? {}, 'contact_sites.contact_site_metadata') }
    },

    async findPath(rootId, sourcePoint, targetPoint, o = {}) {
      const id = idParam(rootId, 'rootId')
      const src = pointParam(sourcePoint, 'sourcePoint')
      const dst = pointParam(targetPoint, 'targetPoint')
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.findPath, {
          ...base(c),
          params: p(c),
          query: { precision_mode: o.precisionMode ?? false, int64_as_str: true },
          json: [
            [id, ...src],
            [id, ...dst],
          ],
        }),
        'find_path',
      )
      return {
        centroids: arrayFrom(res.centroids_list, 'find_path.centroids_list').map((pt, i) => numberListFrom(pt, `find_path.centroids_list[${i}]`)),
        l2Path: idListFrom(res.l2_path, 'find_path.l2_path'),
        failedL2Ids: idListFrom(res.failed_l2_ids ?? [], 'find_path.failed_l2_ids'),
      }
    },

    async getOperationDetails(operationIds, o = {}) {
      const ids = idsParam(operationIds, 'operationIds')
      if (ids.length === 0) return new Map()
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.operationDetails, {
          ...base(c),
          params: p(c),
          query: { operation_ids: jsonArrayText([...ids]), int64_as_str: true },
        }),
        'operation_details',
      )
      const out = new Map<bigint, OperationDetails>()
      for (const [k, v] of Object.entries(res)) {
        const op = idFrom(k, 'operation_details key')
        out.set(op, operationDetailsFrom(op, objectFrom(v, `operation_details[${k}]`)))
      }
      return out
    },

    async getLineageGraph(rootIds, o = {}) {
      const ids = uniqueSorted(isSingleId(rootIds) ? BigUint64Array.of(idParam(rootIds, 'rootIds')) : idsParam(rootIds, 'rootIds'))
      const past = o.timestampPast === undefined ? undefined : toTimestampSeconds(o.timestampPast, 'timestampPast')
      const future = o.timestampFuture === undefined ? undefined : toTimestampSeconds(o.timestampFuture, 'timestampFuture')
      const graph = await lineage(await call(o.signal), ids, past, future)
      return pruneLineage(graph, o.excludeLinksToPast ? past : undefined, o.excludeLinksToFuture ? future : undefined)
    },

    async getLatestRoots(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const timestamp = resolveTs(o.timestamp, 'timestamp')
      return latestRoots(await call(o.signal), id, timestamp)
    },

    async getOriginalRoots(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      const past = o.timestampPast === undefined ? undefined : toTimestampSeconds(o.timestampPast, 'timestampPast')
      const c = await call(o.signal)
      const [rootTs] = await rootTimestampSeconds(c, BigUint64Array.of(id), undefined)
      return nodesWithDegree(await lineage(c, BigUint64Array.of(id), past, rootTs), 'in')
    },

    async isLatestRoots(rootIds, o = {}) {
      const ids = idsParam(rootIds, 'rootIds')
      const timestamp = optionalTs(o.timestamp, 'timestamp')
      if (ids.length === 0) return []
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.isLatestRoots, { ...base(c), params: p(c), query: { timestamp }, json: { node_ids: ids } }),
        'is_latest_roots',
      )
      const flags = arrayFrom(res.is_latest, 'is_latest_roots.is_latest')
      if (flags.length !== ids.length || !flags.every((f) => typeof f === 'boolean')) {
        throw new ResponseFormatError(`is_latest_roots answered ${flags.length} values for ${ids.length} roots`)
      }
      return flags as boolean[]
    },

    async suggestLatestRoots(rootId, o = {}) {
      const id = idParam(rootId, 'rootId')
      let stopLayer = o.stopLayer === undefined ? undefined : layerParam(o.stopLayer, 'stopLayer')
      const timestamp = resolveTs(o.timestamp, 'timestamp')
      const c = await call(o.signal)
      const latest = await latestRoots(c, id, timestamp)
      if (latest.includes(id)) return [{ rootId: id, fractionOverlap: 1 }]
      if (stopLayer === undefined) {
        const nLayers = (await segmentationInfo(o)).graph?.n_layers
        stopLayer = Math.max(1, (typeof nLayers === 'number' ? nLayers : 6) - 4)
      }
      let original = await leavesOf(c, id, { stopLayer })
      while (original.length === 0) {
        stopLayer -= 1
        if (stopLayer < 2) throw new DafError(`root ${id} has no children at layer 2; the chunkedgraph looks inconsistent`)
        original = await leavesOf(c, id, { stopLayer })
      }
      const mine = new Set(original)
      const theirs = await leavesMany(c, latest, { stopLayer })
      return [...latest]
        .map((rid) => {
          let shared = 0
          for (const n of theirs.get(rid) ?? []) if (mine.has(n)) shared++
          return { rootId: rid, fractionOverlap: shared / original.length }
        })
        .sort((a, b) => b.fractionOverlap - a.fractionOverlap)
    },

    async isValidNodes(nodeIds, o = {}) {
      const ids = idsParam(nodeIds, 'nodeIds')
      const start = o.startTimestamp === undefined ? VALID_NODES_START : toTimestampSeconds(o.startTimestamp, 'startTimestamp')
      const end = optionalTs(o.endTimestamp, 'endTimestamp')
      // Id 0 is never a node: answered without asking (Python does the same for ids ≤ 0).
      const asked = ids.filter((v) => v !== 0n)
      if (asked.length === 0) return Array.from(ids, () => false)
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.validNodes, {
          ...base(c),
          params: p(c),
          query: { start_timestamp: start, end_timestamp: end, int64_as_str: true },
          json: { node_ids: asked },
        }),
        'valid_nodes',
      )
      const valid = new Set(idListFrom(res.valid_roots, 'valid_nodes.valid_roots'))
      return Array.from(ids, (v) => valid.has(v))
    },

    async getRootTimestamps(rootIds, o = {}) {
      const ids = idsParam(rootIds, 'rootIds')
      const latest = o.latest ? resolveTs(o.timestamp, 'timestamp') : undefined
      if (ids.length === 0) return []
      const seconds = await rootTimestampSeconds(await call(o.signal), ids, latest)
      return seconds.map(dateFromSeconds)
    },

    async getOldestTimestamp(o = {}) {
      const c = await call(o.signal)
      const res = objectFrom(await requestEndpoint(ctx.http, V1.oldestTimestamp, { ...base(c), params: p(c) }), 'oldest_timestamp')
      return dateFromIso(res.iso, 'oldest_timestamp.iso')
    },

    async getPastIds(rootIds, o = {}) {
      const ids = uniqueSorted(idsParam(rootIds, 'rootIds'))
      const past = o.timestampPast === undefined ? undefined : toTimestampSeconds(o.timestampPast, 'timestampPast')
      const future = o.timestampFuture === undefined ? undefined : toTimestampSeconds(o.timestampFuture, 'timestampFuture')
      if (ids.length === 0) return { pastIdMap: new Map(), futureIdMap: new Map() }
      const c = await call(o.signal)
      try {
        const res = objectFrom(
          await requestEndpoint(ctx.http, V1.pastIdMapping, {
            ...base(c),
            params: p(c),
            query: { timestamp_past: past, timestamp_future: future, int64_as_str: true },
            json: { root_ids: ids },
          }),
          'past_id_mapping',
        )
        return { pastIdMap: idMapFrom(res.past_id_map, 'past_id_map'), futureIdMap: idMapFrom(res.future_id_map, 'future_id_map') }
      } catch (e) {
        if (!isUnsupportedInBrowserError(e)) throw e
      }
      // Browsers: the same mapping, computed from the lineage graph (a POST) the server builds it from.
      return pastFutureIdMapping(await lineage(c, ids, past, future), ids)
    },

    async getMinimalCoveringNodes(nodeIds, o = {}) {
      const ids = idsParam(nodeIds, 'nodeIds')
      if (ids.length === 0) return new BigUint64Array(0)
      const c = await call(o.signal)
      // Binary answer; the HTTP layer checks the status first (Python decoded error bodies, §6.3 #8).
      const nodes = await requestEndpoint(ctx.http, V1.minimalCoveringNodes, {
        ...base(c),
        params: p(c),
        query: { as_array: true },
        json: { node_ids: ids },
      })
      return nodes as BigUint64Array
    },

    async doMerge(supervoxelIds, coords, o = {}) {
      if (!Array.isArray(supervoxelIds) || supervoxelIds.length !== 2) {
        throw new InvalidParameterError('supervoxelIds', `a merge joins exactly 2 supervoxels, got ${describe(supervoxelIds)}`)
      }
      const svs = supervoxelIds.map((v, i) => idParam(v, `supervoxelIds[${i}]`))
      const pts = pointsParam(coords, 'coords')
      if (pts.length !== 2) throw new InvalidParameterError('coords', `a merge needs one point per supervoxel (2), got ${pts.length}`)
      const res = pointParam(o.resolution ?? DEFAULT_RESOLUTION, 'resolution')
      const body = svs.map((sv, i) => {
        const pt = pts[i] as [number, number, number]
        return [sv, pt[0] * res[0], pt[1] * res[1], pt[2] * res[2]]
      })
      const c = await call(o.signal)
      return editFrom(
        await requestEndpoint(ctx.http, V1.merge, { ...base(c), params: p(c), query: { priority: false, int64_as_str: true }, json: body }),
        'merge',
      )
    },

    async executeSplit(sourcePoints, sinkPoints, rootId, o = {}) {
      const body = splitBody(sourcePoints, sinkPoints, rootId, o)
      const c = await call(o.signal)
      return editFrom(
        await requestEndpoint(ctx.http, V1.split, { ...base(c), params: p(c), query: { priority: false, int64_as_str: true }, json: body }),
        'split',
      )
    },

    async previewSplit(sourcePoints, sinkPoints, rootId, o = {}) {
      const body = splitBody(sourcePoints, sinkPoints, rootId, o)
      const c = await call(o.signal)
      const res = objectFrom(
        await requestEndpoint(ctx.http, V1.splitPreview, { ...base(c), params: p(c), query: { int64_as_str: true }, json: body }),
        'split_preview',
      )
      const ccs = arrayFrom(res.supervoxel_connected_components, 'split_preview.supervoxel_connected_components').map((cc, i) =>
        idListFrom(cc, `split_preview.supervoxel_connected_components[${i}]`),
      )
      if (typeof res.illegal_split !== 'boolean') throw new ResponseFormatError('split_preview.illegal_split is not a boolean')
      return {
        sourceConnectedComponent: ccs[0] ?? new BigUint64Array(0),
        sinkConnectedComponent: ccs[1] ?? new BigUint64Array(0),
        successfulSplit: !res.illegal_split,
        otherConnectedComponents: ccs.slice(2),
      }
    },

    async undoOperation(operationId, o = {}) {
      const op = idParam(operationId, 'operationId')
      const c = await call(o.signal)
      return editFrom(
        await requestEndpoint(ctx.http, V1.undo, {
          ...base(c),
          params: p(c),
          query: { priority: false, int64_as_str: true },
          json: { operation_id: op },
        }),
        'undo',
      )
    },

    async remeshLevel2Chunks(level2Ids, o = {}) {
      const ids = idsParam(level2Ids, 'level2Ids')
      if (ids.length === 0) return
      const c = await call(o.signal)
      await requestEndpoint(ctx.http, V1.remeshing, { ...base(c), params: p(c), json: { new_lvl2_ids: ids } })
    },

    segmentationInfo: (o = {}) => segmentationInfo(o),

    async baseResolution(o = {}) {
      const info = await segmentationInfo(o)
      const r = info.scales[0]?.resolution
      if (!Array.isArray(r) || r.length !== 3 || !r.every((v) => typeof v === 'number')) {
        throw new ResponseFormatError('segmentation info: scales[0].resolution is not [x, y, z]')
      }
      return [r[0], r[1], r[2]]
    },

    async cloudvolumePath(o = {}) {
      const t = await target(o)
      return `graphene://${t.local}/segmentation/api/v1/${t.tableId}`
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Response conversion

function isSingleId(v: unknown): v is Uint64Like {
  return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string'
}

/** Sorted distinct ids (Python `np.unique`). */
function uniqueSorted(ids: BigUint64Array): BigUint64Array {
  const out = BigUint64Array.from(new Set(ids))
  out.sort()
  return out
}

function lineageFrom(value: unknown): LineageGraph {
  const o = objectFrom(value, 'lineage graph')
  const nodes = arrayFrom(o.nodes, 'lineage graph nodes').map((n, i) => {
    const node = objectFrom(n, `lineage graph nodes[${i}]`)
    const seconds = secondsFrom(node.timestamp, `lineage graph nodes[${i}].timestamp`)
    const op = node.operation_id
    return {
      id: idFrom(node.id, `lineage graph nodes[${i}].id`),
      operationId: op === undefined || op === null ? undefined : idFrom(op, `lineage graph nodes[${i}].operation_id`),
      timestamp: dateFromSeconds(seconds),
      timestampSeconds: seconds,
    }
  })
  const links = arrayFrom(o.links, 'lineage graph links').map((l, i) => {
    const link = objectFrom(l, `lineage graph links[${i}]`)
    return { source: idFrom(link.source, `lineage graph links[${i}].source`), target: idFrom(link.target, `lineage graph links[${i}].target`) }
  })
  return {
    directed: o.directed !== false,
    multigraph: o.multigraph === true,
    graph: typeof o.graph === 'object' && o.graph !== null ? (o.graph as Record<string, unknown>) : {},
    nodes,
    links,
  }
}

/** Drops nodes created before `past` / after `future`, and their links (compared in UTC seconds). */
function pruneLineage(g: LineageGraph, past: number | undefined, future: number | undefined): LineageGraph {
  if (past === undefined && future === undefined) return g
  const drop = new Set<bigint>()
  for (const n of g.nodes) {
    if ((past !== undefined && n.timestampSeconds < past) || (future !== undefined && n.timestampSeconds > future)) drop.add(n.id)
  }
  return {
    ...g,
    nodes: g.nodes.filter((n) => !drop.has(n.id)),
    links: g.links.filter((l) => !drop.has(l.source) && !drop.has(l.target)),
  }
}

function nodesWithDegree(g: LineageGraph, direction: 'in' | 'out'): BigUint64Array {
  const withLinks = new Set(g.links.map((l) => (direction === 'in' ? l.target : l.source)))
  return BigUint64Array.from(g.nodes.filter((n) => !withLinks.has(n.id)).map((n) => n.id))
}

function idMapFrom(value: unknown, what: string): Map<bigint, BigUint64Array> {
  const out = new Map<bigint, BigUint64Array>()
  for (const [k, v] of Object.entries(objectFrom(value ?? {}, what))) {
    // PyChunkedGraph writes lists in past_id_map but single ids in future_id_map.
    out.set(idFrom(k, `${what} key`), Array.isArray(v) ? idListFrom(v, `${what}[${k}]`) : BigUint64Array.of(idFrom(v, `${what}[${k}]`)))
  }
  return out
}

function parseTable(text: string, root: string): unknown {
  try {
    return parseJson(text)
  } catch {
    throw new ResponseFormatError(`tabular_change_log of ${root}: the table is not JSON`)
  }
}

/** Rows of a pandas `to_json()` table (`{column: {row: value}}`), ordered by row label. */
function tableRows(value: unknown, what: string): TabularChangeLogEntry[] {
  const table = objectFrom(value, what)
  const col = (name: string) => (table[name] === undefined ? undefined : objectFrom(table[name], `${what}.${name}`))
  const opCol = col('operation_id') ?? {}
  const labels = Object.keys(opCol).sort((a, b) => Number(a) - Number(b))
  const cols = {
    timestamp: col('timestamp'),
    user_id: col('user_id'),
    before_root_ids: col('before_root_ids'),
    after_root_ids: col('after_root_ids'),
    is_merge: col('is_merge'),
    user_name: col('user_name'),
    user_affiliation: col('user_affiliation'),
    in_neuron: col('in_neuron'),
    is_relevant: col('is_relevant'),
  }
  return labels.map((row) => {
    const at = (c: Record<string, unknown> | undefined) => c?.[row]
    const ts = at(cols.timestamp)
    const timestamp =
      typeof ts === 'string' && !/^-?\d+(\.\d+)?$/.test(ts) ? dateFromIso(ts, `${what}.timestamp[${row}]`) : new Date(Math.floor(countFrom(ts, `${what}.timestamp[${row}]`)))
    const entry: TabularChangeLogEntry = {
      operationId: idFrom(opCol[row], `${what}.operation_id[${row}]`),
      timestamp,
      userId: String(at(cols.user_id) ?? ''),
      beforeRootIds: [...idListFrom(at(cols.before_root_ids) ?? [], `${what}.before_root_ids[${row}]`)],
      afterRootIds: [...idListFrom(at(cols.after_root_ids) ?? [], `${what}.after_root_ids[${row}]`)],
      isMerge: at(cols.is_merge) === true,
    }
    const name = at(cols.user_name)
    if (typeof name === 'string') entry.userName = name
    const aff = at(cols.user_affiliation)
    if (typeof aff === 'string') entry.userAffiliation = aff
    const inNeuron = at(cols.in_neuron)
    if (typeof inNeuron === 'boolean') entry.inNeuron = inNeuron
    const relevant = at(cols.is_relevant)
    if (typeof relevant === 'boolean') entry.isRelevant = relevant
    return entry
  })
}

function operationDetailsFrom(op: bigint, d: Record<string, unknown>): OperationDetails {
  const optIds = (k: string) => (d[k] === undefined || d[k] === null ? undefined : idListFrom(d[k], `operation_details[${op}].${k}`))
  const optPairs = (k: string) => (d[k] === undefined || d[k] === null ? undefined : idPairsFrom(d[k], `operation_details[${op}].${k}`))
  const optDate = (k: string) => (typeof d[k] === 'string' ? dateFromIso(d[k], `operation_details[${op}].${k}`) : undefined)
  const optId = (k: string) => (d[k] === undefined || d[k] === null ? undefined : idFrom(d[k], `operation_details[${op}].${k}`))
  return {
    operationId: op,
    timestamp: optDate('timestamp'),
    operationTimestamp: optDate('operation_ts'),
    user: d.user === undefined || d.user === null ? undefined : String(d.user),
    roots: optIds('roots') ?? new BigUint64Array(0),
    addedEdges: optPairs('added_edges'),
    removedEdges: optPairs('removed_edges'),
    sourceIds: optIds('source_ids'),
    sinkIds: optIds('sink_ids'),
    sourceCoords: d.source_coords,
    sinkCoords: d.sink_coords,
    undoOperationId: optId('undo_operation_id'),
    redoOperationId: optId('redo_operation_id'),
    raw: d,
  }
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T)
    }),
  )
}
