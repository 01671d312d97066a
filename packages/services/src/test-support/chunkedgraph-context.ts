/**
 * A `ServiceContext` for chunkedgraph-client tests without a FrameworkClient: a fake Authorizer
 * for `{G}` and `{L}` (configurable), a real HTTP client (msw or an injected fetch answer it), and
 * a datastack record whose `segmentation_source` names table `fly_v1` on `{L}`.
 */
import type { PinnedVersions, ServiceContext } from '../framework/context.js'
import { createHttpClient, type HttpClientOptions } from '../http/client.js'
import type { DatastackInfo } from '../info/types.js'
import { GLOBAL, LOCAL, fakeAuth, recordingLogger } from './fake-auth.js'

export const TABLE = 'fly_v1'
/** `P` of spec §4.4 for the fake context. */
export const P = `${LOCAL}/segmentation/api/v1/table/${TABLE}`

export interface ChunkedGraphContextOptions {
  http?: Omit<HttpClientOptions, 'auth' | 'logger'>
  /** Origins that get the token. Default `{G}` and `{L}`. */
  origins?: string[]
  pinnedVersions?: PinnedVersions
  segmentationSource?: string
  /** Makes `datastackInfo()` fail (an info-service outage). */
  infoError?: Error
  /** `{L}` (default `https://local.test`), e.g. a real local test server. */
  local?: string
}

export function chunkedgraphTestContext(options: ChunkedGraphContextOptions = {}) {
  const logger = recordingLogger()
  const local = options.local ?? LOCAL
  const auth = fakeAuth(options.origins ?? [GLOBAL, local])
  const http = createHttpClient({ auth, logger, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...options.http })
  const info = {
    local_server: `${local}/`,
    segmentation_source: options.segmentationSource ?? `graphene://middleauth+${local}/segmentation/table/${TABLE}/`,
  } as DatastackInfo
  const calls = { info: 0 }
  const ctx: ServiceContext = {
    http,
    auth: auth as unknown as ServiceContext['auth'],
    serverAddress: GLOBAL,
    datastack: 'fly_stack',
    logger,
    pinnedVersions: options.pinnedVersions,
    async datastackInfo({ signal } = {}) {
      signal?.throwIfAborted()
      calls.info++
      if (options.infoError) throw options.infoError
      return info
    },
    async localServer({ signal } = {}) {
      signal?.throwIfAborted()
      calls.info++
      if (options.infoError) throw options.infoError
      return local
    },
  }
  return { ctx, logger, calls }
}
