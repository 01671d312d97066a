/**
 * What a route handler sees: the parsed request, the route parameters, the authenticated user and
 * the shared server state (dataset, tokens, faults, request log).
 */
import type { IncomingMessage } from 'node:http'
import type { DevUser, TokenStore } from './auth.js'
import type { DevDataset } from './dataset.js'
import type { FaultInjector } from './faults.js'
import { readBody, readJson, readText, type BodyOptions } from './http.js'
import type { JsonValue } from './json.js'
import type { DevRequestLogEntry } from './request-log.js'
import type { Router } from './router.js'

/** State shared by every origin the deployment listens on. */
export interface DevServerState {
  dataset: DevDataset
  tokens: TokenStore
  faults: FaultInjector
  requests: DevRequestLogEntry[]
  router: Router
  /** `{G}`: where the auth pages live (`WWW-Authenticate` realm, login redirects, ToS forms). */
  globalUrl: string
}

export interface RequestContext {
  readonly req: IncomingMessage
  /** Upper-case method. */
  readonly method: string
  /** Absolute request URL on the origin that received it. */
  readonly url: URL
  /** `url.pathname`. */
  readonly path: string
  readonly query: URLSearchParams
  /** Route parameters: `:name` URL-decoded, `*rest` as sent (still percent-encoded). */
  readonly params: Record<string, string>
  /** Origin that received the request (`http://127.0.0.1:PORT`). */
  readonly origin: string
  readonly state: DevServerState
  readonly dataset: DevDataset
  /** The user of a valid token (set for every route when the request carried one). */
  user: DevUser | undefined
  /** The token that authenticated `user`. */
  token: string | undefined
  /** Raw body (gzip/deflate undone). Readable once. */
  body(options?: BodyOptions): Promise<Buffer>
  text(options?: BodyOptions): Promise<string>
  /** uint64-safe JSON body (big integers as `bigint`); 400 on malformed JSON. */
  json(options?: BodyOptions): Promise<JsonValue>
}

export function createContext(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  state: DevServerState,
): RequestContext {
  return {
    req,
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    path: url.pathname,
    query: url.searchParams,
    params,
    origin: url.origin,
    state,
    dataset: state.dataset,
    user: undefined,
    token: undefined,
    body: (options) => readBody(req, options),
    text: (options) => readText(req, options),
    json: (options) => readJson(req, options),
  }
}
