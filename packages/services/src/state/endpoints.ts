/**
 * The state service (`{G}/nglstate`, NeuroglancerJsonServer; services spec §4.5): neuroglancer
 * states and segment-property files by integer id. No probe: v1, or the legacy v0 when pinned.
 */
import { endpoint, responseOf, type ServiceDefinition } from '../http/endpoints.js'

/** Property routes arrived in state server 0.4.0. */
const PROPERTIES = '>=0.4.0'

export const stateV1 = {
  /** The state, re-serialised by the server. */
  getState: endpoint('GET /nglstate/api/v1/{state_id}', { response: responseOf<unknown>() }),
  /** The stored form, not decoded by the server. */
  getStateRaw: endpoint('GET /nglstate/api/v1/raw/{state_id}', { responseType: 'arrayBuffer' }),
  /** Body: the state JSON. Answers a JSON string `"<url>/<id>"`. Not retried (a retry could store twice). */
  uploadState: endpoint('POST /nglstate/api/v1/post', { response: responseOf<unknown>() }),
  /** Admin: store under a chosen id. */
  uploadStateWithId: endpoint('POST /nglstate/api/v1/post/{state_id}', { response: responseOf<unknown>() }),
  getProperty: endpoint('GET /nglstate/api/v1/property/{state_id}/info', {
    response: responseOf<unknown>(),
    serverVersion: PROPERTIES,
  }),
  getPropertyRaw: endpoint('GET /nglstate/api/v1/property/raw/{state_id}', {
    responseType: 'arrayBuffer',
    serverVersion: PROPERTIES,
  }),
  uploadProperty: endpoint('POST /nglstate/api/v1/property/post', { response: responseOf<unknown>(), serverVersion: PROPERTIES }),
  uploadPropertyWithId: endpoint('POST /nglstate/api/v1/property/post/{state_id}', {
    response: responseOf<unknown>(),
    serverVersion: PROPERTIES,
  }),
} as const

/** Legacy v0 (before the `/api/v1` prefix): states only. */
export const stateV0 = {
  getState: endpoint('GET /nglstate/{state_id}', { response: responseOf<unknown>() }),
  getStateRaw: endpoint('GET /nglstate/raw/{state_id}', { responseType: 'arrayBuffer' }),
  uploadState: endpoint('POST /nglstate/post', { response: responseOf<unknown>() }),
} as const

export const stateService = {
  service: 'state',
  server: 'global',
  serverVersion: endpoint('GET /nglstate/api/v1/version', { response: responseOf<string>() }),
  fallbackApiVersion: 1,
  legacyApiVersions: [0],
  apiVersions: { 0: stateV0, 1: stateV1 },
} as const satisfies ServiceDefinition<0 | 1>

/** Where a neuroglancer deployment says what it is; 404 ⇒ `{}` (a seunglab build). */
export const NEUROGLANCER_INFO_PATH = '/version.json'

/** Viewer used when neither the caller nor the datastack names one (Python's `fallback_ngl_url`). */
export const FALLBACK_NGL_URL = 'https://neuroglancer.neuvue.io/'

/** Python's `upload_property_json(max_size=2_500_000)`; here it caps state uploads too (PR #216). */
export const DEFAULT_MAX_UPLOAD_BYTES = 2_500_000
