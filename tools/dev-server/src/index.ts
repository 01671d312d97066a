/**
 * @daf/tools-dev-server: the local deployment. A real HTTP server on loopback that emulates the
 * DAF / CAVE services (info, auth for now) with generated data, middle_auth behaviour, CORS and
 * fault injection.
 *
 * ```ts
 * const server = await startDevServer()
 * const res = await fetch(`${server.url}/info/api/v2/datastack/full/${DEMO_DATASTACK}`, {
 *   headers: { Authorization: `Bearer ${DEV_TOKEN}` },
 * })
 * await server.close()
 * ```
 */
export * from './constants.js'
export {
  startDevServer,
  defaultServices,
  createDevServerState,
  createRequestHandler,
  type DevServer,
  type DefaultServicesOptions,
  type DevServerOptions,
  type HandlerOptions,
  type StateOptions,
} from './server.js'
export {
  createDataset,
  findAlignedVolume,
  findDatastack,
  tableIdOf,
  type AlignedVolumeRecord,
  type DatasetOptions,
  type DatastackEntry,
  type DatastackInfo,
  type DevDataset,
  type LegacyDatasetRecord,
} from './dataset.js'
export {
  DEFAULT_TOKENS,
  TokenStore,
  authenticate,
  authorizeUrl,
  extractToken,
  isProgrammatic,
  publicUser,
  tosFormUrl,
  type AuthRequirement,
  type DevTokenSpec,
  type DevUser,
  type ExtractedToken,
  type MissingTos,
  type TokenSource,
} from './auth.js'
export {
  Fault,
  FaultInjector,
  faultFromJson,
  validateFault,
  type FaultJson,
  type FaultSnapshot,
  type FaultSpec,
} from './faults.js'
export { REDACTED, type DevRequestLogEntry } from './request-log.js'
export { Router, type DevService, type Handler, type Method, type Route, type RouteMatch } from './router.js'
export type { DevServerState, RequestContext } from './context.js'
export {
  CORS_ALLOW_HEADERS,
  CORS_ALLOW_METHODS,
  CORS_EXPOSE_HEADERS,
  CORS_HEADERS,
  HttpError,
  acceptsGzip,
  badRequest,
  html,
  json,
  jsonError,
  notFound,
  readBody,
  readJson,
  readText,
  redirect,
  sendReply,
  text,
  type BodyOptions,
  type HeaderValue,
  type Reply,
} from './http.js'
export { JsonSyntaxError, parseJson, stringifyJson, type JsonValue } from './json.js'
export { createRng, hashString, normalizeSeed, type Rng, type Seed } from './rng.js'
export { adminService } from './services/admin.js'
export { authService } from './services/auth.js'
export { infoService } from './services/info.js'
export { SCHEMA_API_VERSIONS, schemaService } from './services/schema.js'
export { STATE_BODY_LIMIT, stateService } from './services/state.js'
export { JSON_SCHEMA_DRAFT_07, SCHEMAS, SCHEMA_NAMES, type JsonSchemaDocument, type JsonSchemaObject } from './data/schemas.js'
export { ANNOTATION_INSERT_LIMIT, TABLE_NAME_PATTERN, annotationService, type AnnotationServiceOptions } from './services/annotation.js'
export {
  ANNOTATION_STORE_FILE,
  AnnotationStore,
  type AnnotationStoreOptions,
  type StoredRow,
  type StoredTable,
  type TableMetadataRecord,
} from './services/annotation-store.js'
export { chunkedGraphModelFor, chunkedgraphService, grapheneInfo, pcgError, pythonIso } from './services/chunkedgraph.js'
export {
  CG_API_VERSIONS,
  CG_GEOMETRY,
  CG_LAYER_ID_BITS,
  CG_N_LAYERS,
  CG_SERVICE_VERSION,
  ChunkedGraphError,
  ChunkedGraphModel,
  MAX_MERGE_CHUNK_DISTANCE,
  SPLIT_BB_OFFSET,
  bitsPerDim,
  chunkOf,
  layerOf,
  makeNodeId,
  segmentOf,
  type ChunkedGraphGeometry,
  type ChunkedGraphModelOptions,
  type ChunkedGraphUser,
  type EdgeRecord,
  type Level2Record,
  type LineageGraphData,
  type OperationRecord,
  type RootRecord,
  type SupervoxelInfo,
  type TabularChangeLogRow,
  type Vec3,
} from './data/chunkedgraph-model.js'
export { objectPath, parseRange, staticObjectReply, volumesService } from './services/volumes.js'
export {
  LAYERS as VOLUME_LAYERS,
  SEG_MIP1_SHARDING,
  emInfo,
  generatedVolumes,
  supervoxelLayout,
  wsInfo,
  type GeneratedVolumes,
  type SupervoxelLayout,
} from './volumes/generate.js'
export { StaticStore, type StaticObject } from './volumes/store.js'
