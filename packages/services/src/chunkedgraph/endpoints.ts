/**
 * The chunkedgraph service (PyChunkedGraph, `{L}/segmentation`, spec §4.4): segmentation API v1
 * routes under `P = {L}/segmentation/api/v1/table/{table_id}`, the table info, the meshing route
 * used by `remeshLevel2Chunks`, and the version endpoints. Legacy v0 (`{L}/segmentation/1.0`) is
 * not supported: pinning it is an error.
 *
 * "GET+body" routes (`tabular_change_log_many`, `past_id_mapping`, `valid_nodes`) read a JSON
 * body on a GET; the HTTP layer sends those with `node:http` in Node and refuses them in browsers.
 */
import { endpoint, responseOf, type ServiceDefinition } from '../http/endpoints.js'
import type {
  ChangeLogWire,
  ChildrenWire,
  ContactSitesWire,
  DeltaRootsWire,
  EditWire,
  FindPathWire,
  IdWire,
  IsLatestWire,
  LeavesWire,
  LineageGraphWire,
  MergeLogWire,
  OldestTimestampWire,
  PastIdMappingWire,
  RootIdWire,
  RootTimestampsWire,
  SegmentationInfo,
  SplitPreviewWire,
  SubgraphWire,
  ValidNodesWire,
} from './types.js'

/** `level2_chunk_graph(bounds=…)` arrived in 2.15.0. */
export const LVL2_BOUNDS_VERSION = '>=2.15.0'
export const MINIMAL_COVERING_NODES_VERSIONS = ['>=2.18.0,<3', '>=3.0.5,<4'] as const
export const ROOT_TIMESTAMPS_LATEST_VERSIONS = ['>=1.25.0,<2', '>=2.17.0,<3', '>=3.0.4,<4'] as const

export const chunkedgraphV1 = {
  /** Raw little-endian uint64 in and out; a POST that only reads, so it is retried like a GET. */
  rootsBinary: endpoint('POST /segmentation/api/v1/table/{table_id}/roots_binary', { responseType: 'uint64', retryable: true }),
  root: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/root', { response: responseOf<RootIdWire>() }),
  leaves: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/leaves', { response: responseOf<LeavesWire>() }),
  leavesMany: endpoint('POST /segmentation/api/v1/table/{table_id}/node/leaves_many', {
    response: responseOf<Record<string, IdWire[]>>(),
    retryable: true,
  }),
  children: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/children', { response: responseOf<ChildrenWire>() }),
  minimalCoveringNodes: endpoint('POST /segmentation/api/v1/table/{table_id}/minimal_covering_nodes', {
    responseType: 'uint64',
    retryable: true,
    serverVersion: MINIMAL_COVERING_NODES_VERSIONS,
  }),
  mergeLog: endpoint('GET /segmentation/api/v1/table/{table_id}/root/{root_id}/merge_log', { response: responseOf<MergeLogWire>() }),
  changeLog: endpoint('GET /segmentation/api/v1/table/{table_id}/root/{root_id}/change_log', { response: responseOf<ChangeLogWire>() }),
  /** GET+body `{"root_ids": [...]}` → `{"<root>": "<pandas JSON text>"}`. */
  tabularChangeLogMany: endpoint('GET /segmentation/api/v1/table/{table_id}/tabular_change_log_many', {
    response: responseOf<Record<string, string>>(),
  }),
  /** Body-free per-root form (browsers): one pandas JSON table. */
  tabularChangeLog: endpoint('GET /segmentation/api/v1/table/{table_id}/root/{root_id}/tabular_change_log', {
    response: responseOf<Record<string, Record<string, unknown>>>(),
  }),
  /** The server reads no body here any more (Python still sends `[root]`, §6.3 #14). */
  contactSites: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/contact_sites', {
    response: responseOf<ContactSitesWire>(),
  }),
  findPath: endpoint('POST /segmentation/api/v1/table/{table_id}/graph/find_path', { response: responseOf<FindPathWire>(), retryable: true }),
  subgraph: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/subgraph', { response: responseOf<SubgraphWire>() }),
  /** Read as a raw response: the `Used-Bounds` header says whether `bounds` was applied. */
  lvl2Graph: endpoint('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/lvl2_graph', {
    responseType: 'response',
    queryGates: { bounds: LVL2_BOUNDS_VERSION },
  }),
  /** `operation_ids` is JSON array text (`[1, 2]`). */
  operationDetails: endpoint('GET /segmentation/api/v1/table/{table_id}/operation_details', {
    response: responseOf<Record<string, Record<string, unknown>>>(),
  }),
  lineageGraphMultiple: endpoint('POST /segmentation/api/v1/table/{table_id}/lineage_graph_multiple', {
    response: responseOf<LineageGraphWire>(),
    retryable: true,
  }),
  lineageGraph: endpoint('GET /segmentation/api/v1/table/{table_id}/root/{root_id}/lineage_graph', {
    response: responseOf<LineageGraphWire>(),
  }),
  isLatestRoots: endpoint('POST /segmentation/api/v1/table/{table_id}/is_latest_roots', { response: responseOf<IsLatestWire>(), retryable: true }),
  rootTimestamps: endpoint('POST /segmentation/api/v1/table/{table_id}/root_timestamps', {
    response: responseOf<RootTimestampsWire>(),
    retryable: true,
    queryGates: { latest: ROOT_TIMESTAMPS_LATEST_VERSIONS, timestamp: ROOT_TIMESTAMPS_LATEST_VERSIONS },
  }),
  /** GET+body `{"root_ids": [...]}`. */
  pastIdMapping: endpoint('GET /segmentation/api/v1/table/{table_id}/past_id_mapping', { response: responseOf<PastIdMappingWire>() }),
  deltaRoots: endpoint('GET /segmentation/api/v1/table/{table_id}/delta_roots', { response: responseOf<DeltaRootsWire>() }),
  /** GET+body `{"node_ids": [...]}`. */
  validNodes: endpoint('GET /segmentation/api/v1/table/{table_id}/valid_nodes', { response: responseOf<ValidNodesWire>() }),
  oldestTimestamp: endpoint('GET /segmentation/api/v1/table/{table_id}/oldest_timestamp', { response: responseOf<OldestTimestampWire>() }),
  // Edits: never retried automatically (a retried merge could merge twice).
  merge: endpoint('POST /segmentation/api/v1/table/{table_id}/merge', { response: responseOf<EditWire>(), retryable: false }),
  split: endpoint('POST /segmentation/api/v1/table/{table_id}/split', { response: responseOf<EditWire>(), retryable: false }),
  undo: endpoint('POST /segmentation/api/v1/table/{table_id}/undo', { response: responseOf<EditWire>(), retryable: false }),
  /** Computes without editing, so it may be retried. */
  splitPreview: endpoint('POST /segmentation/api/v1/table/{table_id}/graph/split_preview', {
    response: responseOf<SplitPreviewWire>(),
    retryable: true,
  }),
  /** Not under `P`; the response body is ignored. */
  remeshing: endpoint('POST /meshing/api/v1/table/{table_id}/remeshing', { responseType: 'text', retryable: false }),
  /** Not under `P`: graphene info (cloud-volume's metadata). */
  info: endpoint('GET /segmentation/table/{table_id}/info', { response: responseOf<SegmentationInfo>() }),
} as const

export const chunkedgraphService = {
  service: 'chunkedgraph',
  server: 'local',
  apiVersionProbe: endpoint('GET /segmentation/api/versions', { response: responseOf<number[]>() }),
  serverVersion: endpoint('GET /segmentation/api/version', { response: responseOf<string>() }),
  fallbackApiVersion: 1,
  apiVersions: { 1: chunkedgraphV1 },
} as const satisfies ServiceDefinition<1>

/**
 * `{table_id}` from a `segmentation_source` (spec §1.4): strip `graphene://` and `middleauth+`,
 * ignore a trailing `/`, take the last path segment. Works for `…/segmentation/table/{t}` and the
 * legacy `…/segmentation/1.0/{t}`. Undefined when nothing is left.
 */
export function tableIdFromSegmentationSource(source: string): string | undefined {
  if (typeof source !== 'string') return undefined
  const s = source.trim().replace(/^graphene:\/\//i, '').replace(/^middleauth\+/i, '')
  let path: string
  try {
    path = new URL(s).pathname
  } catch {
    return undefined
  }
  const last = path.split('/').filter((p) => p !== '').pop()
  if (last === undefined) return undefined
  try {
    return decodeURIComponent(last)
  } catch {
    return last
  }
}
