/**
 * Endpoint tables: each service describes its routes once (template, response type, whether a POST
 * only reads, server-version gates), and service clients are built from the table. This file is the
 * shape; `info/endpoints.ts` is the first table, schema/annotation/chunkedgraph/state follow it.
 */
import type { HttpClient, RequestOptions } from './client.js'
import type { Logger } from './logger.js'
import type { ResponseBody, ResponseType } from './response.js'
import type { RouteParams, RouteParamNames } from './route.js'
import { checkServerVersion } from '../versions/gates.js'
import type { VersionConstraint } from '../versions/compare.js'

export interface EndpointMeta<Res = unknown> {
  /** How to read the body. Default `json`. */
  responseType?: ResponseType
  /** A POST that only reads (e.g. roots lookups), so it may be retried like a GET. */
  retryable?: boolean
  /** Server versions the whole endpoint needs (checked before the request). */
  serverVersion?: VersionConstraint
  /** Server versions needed when a given query parameter is passed (a keyword-argument gate). */
  queryGates?: Readonly<Record<string, VersionConstraint>>
  /** Type-only marker of the JSON response; set it with `responseOf<T>()`. */
  response?: Res
}

export interface Endpoint<R extends string = string, Res = unknown> extends EndpointMeta<Res> {
  readonly route: R
}

/** Names → endpoints for one API version of one service. */
export type EndpointTable = Readonly<Record<string, Endpoint>>

/** Everything the layer needs to know about a service before calling it. */
export interface ServiceDefinition<V extends number = number> {
  readonly service: string
  /** `global` = `{G}`; `local` = the datastack's `local_server`. */
  readonly server: 'global' | 'local'
  /** Route of the API-version probe (JSON int list), when the service has one. */
  readonly apiVersionProbe?: Endpoint
  /** Route of the server-version endpoint (bare JSON string), when the service has one. */
  readonly serverVersion?: Endpoint
  /** API version used without a probe, or when the probe fails. */
  readonly fallbackApiVersion: V
  /** Versions that are only used when a caller pins them. */
  readonly legacyApiVersions?: readonly V[]
  readonly apiVersions: Readonly<Record<V, EndpointTable>>
}

export function endpoint<const R extends string, Res = unknown>(route: R, meta: EndpointMeta<Res> = {}): Endpoint<R, Res> {
  return { route, ...meta }
}

/** Type-only: `endpoint('GET /x', { response: responseOf<X>() })`. */
export const responseOf = <T>(): T => undefined as T

type EndpointResult<E extends Endpoint> = E extends Endpoint<string, infer Res>
  ? E['responseType'] extends Exclude<ResponseType, 'json'>
    ? ResponseBody<NonNullable<E['responseType']>>
    : Res
  : never

export type EndpointRequestOptions<E extends Endpoint> = Omit<RequestOptions<E['route']>, 'responseType' | 'params'> &
  ([RouteParamNames<E['route']>] extends [never] ? { params?: undefined } : { params: RouteParams<E['route']> }) & {
    /** The server's version when known (`undefined`/`null` = unknown: gates warn and let the call through). */
    serverVersion?: string | null
    /** Where gate warnings go. Default: the client's logger. */
    logger?: Logger
    service?: string
  }

/** Calls one table entry: checks its version gates, then sends it with the entry's defaults. */
export async function requestEndpoint<E extends Endpoint>(
  http: HttpClient,
  ep: E,
  options: EndpointRequestOptions<E>,
): Promise<EndpointResult<E>> {
  const { serverVersion, logger = http.logger, service, ...rest } = options
  if (ep.serverVersion) checkServerVersion(ep.route, ep.serverVersion, serverVersion, logger, service)
  for (const [name, constraint] of Object.entries(ep.queryGates ?? {})) {
    if (rest.query?.[name] != null) checkServerVersion(`${ep.route} (${name})`, constraint, serverVersion, logger, service)
  }
  const send = {
    ...rest,
    responseType: ep.responseType ?? 'json',
    ...(ep.retryable !== undefined && rest.retryable === undefined && { retryable: ep.retryable }),
  }
  return http.request(ep.route, send as unknown as RequestOptions<string, ResponseType>) as Promise<EndpointResult<E>>
}
