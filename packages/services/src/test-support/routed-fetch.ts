/**
 * A fetch double that answers by route (`'GET https://global.test/info/version'`) and records
 * every call; unknown routes answer 404 `{"message": "Not found"}` like the services do. Also a
 * `ServiceContext` over it for testing one service client without a FrameworkClient.
 */
import { createHttpClient } from '../http/client.js'
import type { ServiceContext, PinnedVersions } from '../framework/context.js'
import type { DatastackInfo } from '../info/types.js'
import { GLOBAL, LOCAL, fakeAuth, recordingLogger } from './fake-auth.js'

export interface RoutedRequest {
  method: string
  url: URL
  headers: Headers
  body: string | undefined
}

export type RouteHandler = (req: RoutedRequest) => Response | Promise<Response>

export function routedFetch(routes: Record<string, RouteHandler | Response> = {}) {
  const calls: RoutedRequest[] = []
  const table = new Map(Object.entries(routes))
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input))
    const method = (init.method ?? 'GET').toUpperCase()
    const body = typeof init.body === 'string' ? init.body : init.body == null ? undefined : new TextDecoder().decode(init.body as Uint8Array)
    const req: RoutedRequest = { method, url, headers: new Headers(init.headers), body }
    calls.push(req)
    const handler = table.get(`${method} ${url.origin}${url.pathname}`)
    if (handler === undefined) return jsonResponse({ message: 'Not found' }, 404)
    return typeof handler === 'function' ? handler(req) : handler.clone()
  }) as typeof globalThis.fetch
  return {
    fetch,
    calls,
    /** Adds or replaces a route. */
    on(route: string, handler: RouteHandler | Response) {
      table.set(route, handler)
    },
    /** Calls to `METHOD pathname` (any origin). */
    callsTo(route: string) {
      const [method, path] = route.split(' ')
      return calls.filter((c) => c.method === method && c.url.pathname === path)
    },
  }
}

export const jsonResponse = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...headers } })

export interface FakeContextOptions {
  fetch: typeof globalThis.fetch
  datastack?: string
  pinnedVersions?: PinnedVersions
  /** What `datastackInfo()` resolves to. */
  info?: DatastackInfo
}

export function fakeContext(options: FakeContextOptions) {
  const logger = recordingLogger()
  const auth = fakeAuth([GLOBAL, LOCAL])
  const http = createHttpClient({ auth, fetch: options.fetch, logger, retry: { baseDelayMs: 1, maxDelayMs: 2 } })
  const ctx: ServiceContext = {
    http,
    auth: auth as unknown as ServiceContext['auth'],
    serverAddress: GLOBAL,
    datastack: options.datastack,
    logger,
    pinnedVersions: options.pinnedVersions,
    async datastackInfo() {
      if (!options.info) throw new Error('fakeContext: no info record')
      return options.info
    },
    async localServer() {
      return LOCAL
    },
  }
  return { ctx, logger }
}

/** A datastack record on `GLOBAL`/`LOCAL` with every §1.3 field. */
export function demoRecord(overrides: Partial<DatastackInfo> = {}): DatastackInfo {
  return {
    viewer_site: 'https://viewer.test/',
    aligned_volume: { name: 'av1', id: 7, image_source: 'precomputed://gs://bucket/em', description: 'EM' },
    local_server: `${LOCAL}/`,
    segmentation_source: `graphene://${LOCAL}/segmentation/table/t1`,
    synapse_segmentation_source: null,
    synapse_table: 'synapses',
    soma_table: null,
    skeleton_source: null,
    analysis_database: null,
    description: 'demo',
    viewer_resolution_x: 4,
    viewer_resolution_y: 4,
    viewer_resolution_z: 40,
    deployment_extra: { kept: true },
    ...overrides,
  }
}
