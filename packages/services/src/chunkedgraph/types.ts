/**
 * Types of the chunkedgraph (PyChunkedGraph segmentation v1) client: what callers pass in, the
 * converted results (ids as `bigint`/`BigUint64Array`, timestamps as UTC `Date`s), and the wire
 * shapes the server sends (spec §4.4).
 */
import type { CallOptions } from '../framework/context.js'
import type { Uint64Like } from '../http/uint64.js'

/**
 * A point in time: a `Date`, an ISO-8601 string (no zone = UTC; fractions kept to the microsecond)
 * or float epoch seconds (UTC). Milliseconds are rejected (values above 1e11).
 */
export type TimestampInput = Date | string | number

/** Ids as callers pass them: a `BigUint64Array`, or any iterable of bigints, safe integers or decimal strings. */
export type IdsInput = BigUint64Array | Iterable<Uint64Like>

/** `[[x0, x1], [y0, y1], [z0, z1]]` in voxels of the chunkedgraph's base resolution (`baseResolution()`). */
export type Bounds = readonly [readonly [number, number], readonly [number, number], readonly [number, number]]

export type Point3 = readonly [number, number, number]

// ---------------------------------------------------------------------------------------------
// Options

export interface ChunkedGraphClientOptions {
  /**
   * Default point in time for calls that take a `timestamp` and get none (Python's client
   * `timestamp`). Without it such calls use "now" (measured once per call, in UTC).
   */
  timestamp?: TimestampInput
  /** Table id to use instead of the one derived from the datastack's `segmentation_source`. */
  tableId?: string
}

export interface GetRootsProgress {
  /** Ids resolved so far (in batches, not necessarily in input order); with `dedupe`, distinct ids. */
  done: number
  /** Ids to resolve: the input length, or with `dedupe` the number of distinct ids. */
  total: number
}

export interface GetRootsOptions extends CallOptions {
  timestamp?: TimestampInput
  /** Look up only up to this layer (2 = level-2 ids). Default: roots. */
  stopLayer?: number
  /** Ids per `roots_binary` request. Default 100,000. */
  batchSize?: number
  /** Batches in flight at once. Default 4. */
  concurrency?: number
  /** Send each distinct id once (results still follow the input, duplicates included). Default false. */
  dedupe?: boolean
  onProgress?: (progress: GetRootsProgress) => void
}

export interface GetRootIdOptions extends CallOptions {
  timestamp?: TimestampInput
  /** Return the level-2 parent instead of the root (`stop_layer=2`). */
  level2?: boolean
}

export interface LeavesOptions extends CallOptions {
  /** Only leaves in chunks that intersect these bounds. */
  bounds?: Bounds
  /** Return nodes of this layer instead of supervoxels (layer 1). */
  stopLayer?: number
}

export interface ChangeLogOptions extends CallOptions {
  /** Only edits that shaped the object's current state (default true). */
  filtered?: boolean
}

export interface LineageGraphOptions extends CallOptions {
  timestampPast?: TimestampInput
  timestampFuture?: TimestampInput
  /** Drop nodes created after `timestampFuture` (and their links). */
  excludeLinksToFuture?: boolean
  /** Drop nodes created before `timestampPast` (and their links). */
  excludeLinksToPast?: boolean
}

export interface PastIdsOptions extends CallOptions {
  timestampPast?: TimestampInput
  timestampFuture?: TimestampInput
}

export interface TimestampOption extends CallOptions {
  timestamp?: TimestampInput
}

export interface SuggestLatestRootsOptions extends CallOptions {
  timestamp?: TimestampInput
  /** Layer whose nodes are compared. Default `n_layers − 4` (at least 1). */
  stopLayer?: number
}

export interface ValidNodesOptions extends CallOptions {
  /** Default 2000-01-01T00:00:00Z. */
  startTimestamp?: TimestampInput
  /** Default: the client's default timestamp, else none (the server's now). */
  endTimestamp?: TimestampInput
}

export interface RootTimestampsOptions extends CallOptions {
  /**
   * `true`: for each root, when it stopped being current (its successor's creation time), or
   * `timestamp` for roots still current then. Needs PyChunkedGraph ≥ 1.25/2.17/3.0.4.
   */
  latest?: boolean
  /** Reference time for `latest` (default: the client's default timestamp, else now). */
  timestamp?: TimestampInput
}

export interface ContactSitesOptions extends CallOptions {
  /** Find contacts only in these bounds (the whole object is slow). */
  bounds?: Bounds
  /** Also compute the partner root ids (`partners=true`). Default false. */
  calcPartners?: boolean
  timestamp?: TimestampInput
}

export interface FindPathOptions extends CallOptions {
  /** Mesh-based centroids (slower). Default false, as in Python (the server's default is true). */
  precisionMode?: boolean
}

export interface MergeOptions extends CallOptions {
  /** nm per unit of `coords`. Default `[4, 4, 40]`. */
  resolution?: Point3
}

export interface SplitOptions extends CallOptions {
  /** One per source point (`undefined` entries: the server finds the supervoxel of `rootId` there). */
  sourceSupervoxels?: ReadonlyArray<Uint64Like | undefined | null>
  sinkSupervoxels?: ReadonlyArray<Uint64Like | undefined | null>
}

export interface DeltaRootsOptions extends CallOptions {
  /** Default now. */
  timestampFuture?: TimestampInput
}

// ---------------------------------------------------------------------------------------------
// Results

export interface EditResult {
  operationId: bigint
  newRootIds: BigUint64Array
}

export interface ChangeLog {
  nMergers: number
  nSplits: number
  /** Wire key `operations_ids`. */
  operationIds: BigUint64Array
  pastIds: BigUint64Array
  /** Per user id (string): edits by that user. */
  userInfo: Record<string, { nMergers: number; nSplits: number }>
}

export interface MergeLog {
  /** Per merge operation, the supervoxel edges it added. */
  mergeEdges: Array<Array<[bigint, bigint]>>
  /** Per merge operation, the source and sink coordinates as stored by the server. */
  mergeEdgeCoords: unknown[]
}

export interface TabularChangeLogEntry {
  operationId: bigint
  /** From the server's milliseconds. */
  timestamp: Date
  userId: string
  beforeRootIds: bigint[]
  afterRootIds: bigint[]
  isMerge: boolean
  userName?: string
  userAffiliation?: string
  /** Only with `filtered: false`. */
  inNeuron?: boolean
  isRelevant?: boolean
}

export interface LineageNode {
  id: bigint
  /** The operation recorded on the node (the one that replaced it, or created it when current). */
  operationId: bigint | undefined
  /** Creation time (milliseconds; `timestampSeconds` keeps the server's precision). */
  timestamp: Date
  timestampSeconds: number
}

export interface LineageLink {
  source: bigint
  target: bigint
}

/** networkx node-link data: links point from older to newer roots. */
export interface LineageGraph {
  directed: boolean
  multigraph: boolean
  graph: Record<string, unknown>
  nodes: LineageNode[]
  links: LineageLink[]
}

export interface PastIds {
  /** Root → the original roots (at `timestampPast`) it came from. */
  pastIdMap: Map<bigint, BigUint64Array>
  /** Past id → the root it became (only where that is unambiguous). */
  futureIdMap: Map<bigint, BigUint64Array>
}

export interface DeltaRoots {
  /** Roots that stopped being current in the interval. */
  oldRoots: BigUint64Array
  /** Roots that became current in the interval. */
  newRoots: BigUint64Array
}

export interface Subgraph {
  /** Supervoxel pairs (wire key `nodes`). */
  edges: Array<[bigint, bigint]>
  affinities: number[]
  areas: number[]
}

export interface FindPathResult {
  /** One point (nm) per level-2 node on the path. */
  centroids: number[][]
  l2Path: BigUint64Array
  failedL2Ids: BigUint64Array
}

export interface SplitPreview {
  /** Supervoxels in the component with the source points. */
  sourceConnectedComponent: BigUint64Array
  sinkConnectedComponent: BigUint64Array
  /** `!illegal_split`. */
  successfulSplit: boolean
  otherConnectedComponents: BigUint64Array[]
}

export interface OperationDetails {
  operationId: bigint
  /** `timestamp` (the edit's time), from `YYYY-MM-DD HH:MM:SS.ffffff+00:00`. */
  timestamp: Date | undefined
  /** `operation_ts`, when the server sends it. */
  operationTimestamp: Date | undefined
  user: string | undefined
  roots: BigUint64Array
  addedEdges: Array<[bigint, bigint]> | undefined
  removedEdges: Array<[bigint, bigint]> | undefined
  sourceIds: BigUint64Array | undefined
  sinkIds: BigUint64Array | undefined
  sourceCoords: unknown
  sinkCoords: unknown
  undoOperationId: bigint | undefined
  redoOperationId: bigint | undefined
  /** Every key the server sent, ids as bigint or string. */
  raw: Record<string, unknown>
}

export interface SuggestedRoot {
  rootId: bigint
  /** Share of the old root's nodes (at the compared layer) found in this root. */
  fractionOverlap: number
}

export interface ContactSites {
  /** Partner root id (with `calcPartners`) or contact-site number → the server's entries. */
  contactSites: Map<bigint, unknown>
  metadata: Record<string, unknown>
}

/** `{L}/segmentation/table/{table_id}/info`: graphene info as cloud-volume reads it. */
export interface SegmentationInfo {
  app?: { supported_api_versions?: number[]; [key: string]: unknown }
  data_dir?: string
  data_type?: string
  type?: string
  mesh?: string
  graph?: {
    chunk_size?: number[]
    n_layers?: number
    n_bits_for_layer_id?: number
    bounding_box?: number[]
    [key: string]: unknown
  }
  scales: Array<{
    key: string
    resolution: [number, number, number]
    size?: number[]
    voxel_offset?: number[]
    chunk_sizes?: number[][]
    encoding?: string
    [key: string]: unknown
  }>
  [key: string]: unknown
}

// ---------------------------------------------------------------------------------------------
// Wire shapes (ids may arrive as strings with `int64_as_str`, as bigint from the lossless parser,
// or as small numbers)

export type IdWire = string | number | bigint

export interface RootIdWire {
  root_id: IdWire
}
export interface LeavesWire {
  leaf_ids: IdWire[]
}
export interface ChildrenWire {
  children_ids: IdWire[]
}
export interface ChangeLogWire {
  n_mergers: number | string
  n_splits: number | string
  operations_ids: IdWire[]
  past_ids: IdWire[]
  user_info: Record<string, { n_mergers?: number | string; n_splits?: number | string }>
}
export interface MergeLogWire {
  merge_edges: IdWire[][][]
  merge_edge_coords: unknown[]
}
export interface LineageGraphWire {
  directed: boolean
  multigraph: boolean
  graph: Record<string, unknown>
  nodes: Array<{ id: IdWire; operation_id?: IdWire; timestamp: number }>
  links: Array<{ source: IdWire; target: IdWire }>
}
export interface PastIdMappingWire {
  past_id_map: Record<string, IdWire[] | IdWire>
  future_id_map: Record<string, IdWire[] | IdWire>
}
export interface DeltaRootsWire {
  old_roots: IdWire[]
  new_roots: IdWire[]
}
export interface SubgraphWire {
  nodes: IdWire[][]
  affinities: number[]
  areas: number[]
}
export interface Lvl2GraphWire {
  edge_graph: IdWire[][]
}
export interface FindPathWire {
  centroids_list: number[][]
  l2_path: IdWire[]
  failed_l2_ids: IdWire[]
}
export interface EditWire {
  operation_id: IdWire
  new_root_ids: IdWire[]
}
export interface SplitPreviewWire {
  supervoxel_connected_components: IdWire[][]
  illegal_split: boolean
}
export interface IsLatestWire {
  is_latest: boolean[]
}
export interface RootTimestampsWire {
  timestamp: number[]
}
export interface ValidNodesWire {
  valid_roots: IdWire[]
}
export interface OldestTimestampWire {
  iso: string
}
export interface ContactSitesWire {
  contact_sites: Record<string, unknown>
  contact_site_metadata: Record<string, unknown>
}
