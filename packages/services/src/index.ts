/**
 * @daf/services — the shared HTTP layer (endpoint templates, retries, timeouts, errors, uint64-safe
 * JSON, API/server-version handling) and the endpoint tables service clients are built from.
 */
export {
  createHttpClient,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  type HttpClient,
  type HttpClientOptions,
  type RequestBody,
  type RequestOptions,
  type SendOptions,
} from './http/client.js'
export type { ResponseBody, ResponseType } from './http/response.js'
export { DEFAULT_RETRY, backoffDelay, mayRetry, parseRetryAfter, type RetryOptions } from './http/retry.js'
export {
  AuthError,
  DafError,
  HttpError,
  InvalidParameterError,
  NetworkError,
  ResponseFormatError,
  ServerIncompatibilityError,
  TimeoutError,
  GlobalClientError,
  PayloadTooLargeError,
  UnsupportedInBrowserError,
  isAuthError,
  isDafError,
  isHttpError,
  isInvalidParameterError,
  isNetworkError,
  isResponseFormatError,
  isServerIncompatibilityError,
  isTimeoutError,
  isUnsupportedInBrowserError,
  isGlobalClientError,
  isPayloadTooLargeError,
  type AuthErrorInit,
  type DafErrorKind,
  type HttpErrorInit,
  type ServerIncompatibilityInit,
} from './http/errors.js'
export { parseRoute, fillPath, type HttpMethod, type ParsedRoute, type PathParamValue, type RouteParams, type RouteParamNames } from './http/route.js'
export { appendQuery, encodeQuery, jsonArrayText, type JsonText, type Query, type QueryScalar, type QueryValue } from './http/query.js'
export { joinUrl, normalizeBaseUrl } from './http/url.js'
export { parseJson, stringifyJson } from './http/json.js'
export {
  UINT64_MAX,
  decodeUint64LE,
  encodeUint64LE,
  isUint64,
  toUint64,
  toUint64Array,
  type Uint64Like,
} from './http/uint64.js'
export { toEpochSeconds, toNaiveUtcIso } from './http/timestamps.js'
export { DEFAULT_GZIP_THRESHOLD_BYTES, gzip } from './http/gzip.js'
export { bodyExcerpt, redactText, scrubUrl, type Redactor } from './http/redact.js'
export { extractServerMessage } from './http/server-message.js'
export { consoleLogger, silentLogger, type Logger } from './http/logger.js'
export type { GetWithBodyRequest, SendGetWithBody } from './http/get-with-body.js'
export {
  endpoint,
  requestEndpoint,
  responseOf,
  type Endpoint,
  type EndpointMeta,
  type EndpointRequestOptions,
  type EndpointTable,
  type ServiceDefinition,
} from './http/endpoints.js'
export { compareVersions, constraintText, parseVersion, satisfies, type ParsedVersion, type VersionConstraint } from './versions/compare.js'
export { checkServerVersion } from './versions/gates.js'
export { fetchServerVersion, type FetchServerVersionOptions } from './versions/server-version.js'
export { negotiateApiVersion, type NegotiateApiVersionOptions, type NegotiatedApiVersion } from './versions/negotiate.js'
export { infoService, infoV1, infoV2 } from './info/endpoints.js'
export type { AlignedVolumeInfo, DatastackInfo } from './info/types.js'

// FrameworkClient and the info, schema and state clients.
export {
  FrameworkClient,
  CaveClient,
  type FrameworkClientDescription,
  type FrameworkClientOptions,
} from './framework/client.js'
export { lazyAsync, type CallOptions, type PinnedVersions, type ServiceContext } from './framework/context.js'
export {
  createInfoClient,
  fromLegacyRecord,
  type DatastackCallOptions,
  type GetDatastackInfoOptions,
  type ImageSourceOptions,
  type InfoCache,
  type InfoClient,
  type InfoClientOptions,
  type SourceOptions,
} from './info/client.js'
export { FORMAT_FOR_VALUES, checkFormatFor, formatSource, type FormatFor } from './info/format.js'
export { createSchemaClient, type SchemaClient } from './schema/client.js'
export { schemaService, schemaV1, schemaV2 } from './schema/endpoints.js'
export type { JsonSchemaNode, SchemaDefinition } from './schema/types.js'
export {
  SEUNGLAB_SITES,
  SPELUNKER_SITES,
  createStateClient,
  idFromAnswer,
  type BuildNeuroglancerUrlOptions,
  type StateClient,
  type StateClientOptions,
  type StateId,
  type TargetSite,
  type UploadOptions,
} from './state/client.js'
export {
  DEFAULT_MAX_UPLOAD_BYTES,
  FALLBACK_NGL_URL,
  stateService,
  stateV0,
  stateV1,
} from './state/endpoints.js'
export { DATASTACK_MAP_FILE } from './platform/platform.js'

// Annotation client (AnnotationEngine v2).
export {
  createAnnotationClient,
  type AnnotationClient,
  type AnnotationClientOptions,
} from './annotation/client.js'
export { ANNOTATION_INSERT_LIMIT, ANNOTATION_TIMESTAMP_GATE, annotationService, annotationV2 } from './annotation/endpoints.js'
export {
  AnnotationValidationError,
  StagedUploadError,
  isAnnotationValidationError,
  isStagedUploadError,
  type StagedUploadErrorInit,
} from './annotation/errors.js'
export {
  TABLE_PERMISSIONS,
  type AnnotationRecord,
  type AnnotationRow,
  type AnnotationUpdateRow,
  type CreateTableOptions,
  type GetTablesOptions,
  type RowProblem,
  type SpatialPointInput,
  type StagedUpdateOptions,
  type StagedUploadOptions,
  type StagedUploadProgress,
  type TableMetadata,
  type TablePermission,
  type UpdateMetadataOptions,
  type VoxelResolution,
  type WriteOptions,
} from './annotation/types.js'
export { createChunkedGraphClient, type ChunkedGraphClient } from './chunkedgraph/client.js'
export {
  chunkedgraphService,
  chunkedgraphV1,
  tableIdFromSegmentationSource,
  LVL2_BOUNDS_VERSION,
  MINIMAL_COVERING_NODES_VERSIONS,
  ROOT_TIMESTAMPS_LATEST_VERSIONS,
} from './chunkedgraph/endpoints.js'
export { pastFutureIdMapping } from './chunkedgraph/lineage.js'
export { toTimestampSeconds, parseIsoSeconds } from './chunkedgraph/wire.js'
export type {
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
  GetRootsProgress,
  IdsInput,
  LeavesOptions,
  LineageGraph,
  LineageGraphOptions,
  LineageLink,
  LineageNode,
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
  TimestampOption,
  ValidNodesOptions,
} from './chunkedgraph/types.js'
