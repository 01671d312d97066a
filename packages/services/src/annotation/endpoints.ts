/**
 * The annotation service (AnnotationEngine, services spec §4.3) on the datastack's local server:
 * `A = {L}/annotation/api/v2/aligned_volume/{av}`. No API-version probe and no server-version
 * endpoint, so v2 is always used and the server's version is always unknown (gates warn, never block).
 */
import { endpoint, responseOf, type ServiceDefinition } from '../http/endpoints.js'

/** `get_tables(timestamp=…)` arrived in AnnotationEngine 4.33.0. */
export const ANNOTATION_TIMESTAMP_GATE = '>=4.33.0'

/** Rows the engine accepts per insert (`AnnotationInsertLimitExceeded`, issue #272). */
export const ANNOTATION_INSERT_LIMIT = 10_000

export const annotationV2 = {
  /** `string[]`; query `timestamp` (gated ≥ 4.33.0) and `filter_valid`. */
  tables: endpoint('GET /annotation/api/v2/aligned_volume/{aligned_volume}/table', {
    response: responseOf<string[]>(),
    queryGates: { timestamp: ANNOTATION_TIMESTAMP_GATE },
  }),
  /** Body `{schema_type, table_name, metadata}`; the answer is not JSON (Python does not decode it). */
  createTable: endpoint('POST /annotation/api/v2/aligned_volume/{aligned_volume}/table', { responseType: 'text' }),
  /** Body `{table_name, metadata: {only the given fields}}`; answers the new metadata. */
  updateMetadata: endpoint('PUT /annotation/api/v2/aligned_volume/{aligned_volume}/table', {
    response: responseOf<Record<string, unknown>>(),
  }),
  /** Table metadata; the real server answers **201**. */
  tableMetadata: endpoint('GET /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}', {
    response: responseOf<Record<string, unknown>>(),
  }),
  /** Marks the table for deletion (owner only); answers `true`. */
  deleteTable: endpoint('DELETE /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}', {
    response: responseOf<unknown>(),
  }),
  /** Rows in the table (every row ever written, superseded and deleted ones included). */
  annotationCount: endpoint('GET /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}/count', {
    response: responseOf<number>(),
  }),
  /** Query `annotation_ids=1,2,3`. */
  getAnnotations: endpoint('GET /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}/annotations', {
    response: responseOf<Record<string, unknown>[]>(),
  }),
  /** Body `{annotations: [row, …]}`; answers the new ids in row order. */
  postAnnotations: endpoint('POST /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}/annotations', {
    response: responseOf<unknown[]>(),
  }),
  /** Body `{annotations: [{id, …}, …]}`; answers `{"<old id>": <new id>}`. */
  updateAnnotations: endpoint('PUT /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}/annotations', {
    response: responseOf<unknown>(),
  }),
  /** Body `{annotation_ids: [...]}`; answers the ids marked deleted. */
  deleteAnnotations: endpoint('DELETE /annotation/api/v2/aligned_volume/{aligned_volume}/table/{table_name}/annotations', {
    response: responseOf<unknown>(),
  }),
} as const

export const annotationService = {
  service: 'annotation',
  server: 'local',
  fallbackApiVersion: 2,
  apiVersions: { 2: annotationV2 },
} as const satisfies ServiceDefinition<2>
