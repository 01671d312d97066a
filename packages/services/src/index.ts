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
