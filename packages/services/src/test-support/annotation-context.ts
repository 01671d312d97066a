/**
 * A `ServiceContext` for annotation-client tests without a FrameworkClient: a real AuthClient
 * (explicit token, in-memory store) that authorises `{G}` and `{L}` only, a real HTTP client, and a
 * fixed datastack info record whose `local_server` is `{L}`.
 */
import { AuthClient, MemoryTokenStore } from '@daf/auth'
import type { ServiceContext } from '../framework/context.js'
import { createHttpClient, type HttpClientOptions } from '../http/client.js'
import type { DatastackInfo } from '../info/types.js'
import { GLOBAL, LOCAL, TOKEN, recordingLogger } from './fake-auth.js'

export const AV = 'test_av'
export const DATASTACK = 'test_stack'
/** `A` of spec §4.3 for the fake context. */
export const A = `${LOCAL}/annotation/api/v2/aligned_volume/${AV}`

export function datastackInfo(overrides: Partial<DatastackInfo> = {}): DatastackInfo {
  return {
    viewer_site: 'https://viewer.test',
    aligned_volume: { name: AV, id: 1, image_source: 'precomputed://gs://bucket/em', description: 'em' },
    local_server: LOCAL,
    segmentation_source: `graphene://${LOCAL}/segmentation/table/test_seg`,
    synapse_table: null,
    soma_table: null,
    analysis_database: null,
    description: 'test datastack',
    viewer_resolution_x: 4,
    viewer_resolution_y: 4,
    viewer_resolution_z: 40,
    ...overrides,
  }
}

export interface TestContextOptions {
  http?: Omit<HttpClientOptions, 'auth' | 'logger'>
  info?: Partial<DatastackInfo>
}

export function annotationTestContext(options: TestContextOptions = {}) {
  const logger = recordingLogger()
  const auth = new AuthClient({ serverAddress: GLOBAL, token: TOKEN, store: new MemoryTokenStore(), onWarning: () => {} })
  const http = createHttpClient({ auth, logger, retry: { baseDelayMs: 1 }, ...options.http })
  const info = datastackInfo(options.info)
  let infoCalls = 0
  const ctx: ServiceContext = {
    http,
    auth,
    serverAddress: GLOBAL,
    datastack: DATASTACK,
    logger,
    async datastackInfo({ signal } = {}) {
      signal?.throwIfAborted()
      infoCalls++
      return info
    },
    async localServer({ signal } = {}) {
      signal?.throwIfAborted()
      const local = info.local_server.replace(/\/+$/, '')
      auth.addLocalServer(local)
      return local
    },
  }
  return { ctx, logger, auth, infoCalls: () => infoCalls }
}
