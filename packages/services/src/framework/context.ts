/**
 * What every service client gets from `FrameworkClient`: one HTTP client (one token, one retry and
 * timeout policy), the global server, the datastack, and lazy access to the datastack's info record.
 * Service clients are plain factories over this context (`createInfoClient(ctx)`,
 * `createAnnotationClient(ctx)`, …): no subclass pyramid, and a test can build one from a fake
 * context without a FrameworkClient.
 */
import type { AuthClient } from '@daf/auth'
import type { HttpClient } from '../http/client.js'
import type { Logger } from '../http/logger.js'
import type { DatastackInfo } from '../info/types.js'
import { keyedCache } from './keyed-cache.js'

export interface CallOptions {
  signal?: AbortSignal
}

/**
 * API versions a caller insists on, per service (no probe is sent for a pinned service). Each
 * service client checks its entry against the versions it implements (`InvalidParameterError`
 * for one it does not know). Legacy versions (info 1, state 0, annotation 0, chunkedgraph 0) are
 * only used when pinned (or, for info, after the v2 routes answered 404).
 */
export interface PinnedVersions {
  readonly info?: number | undefined
  readonly schema?: number | undefined
  readonly state?: number | undefined
  readonly annotation?: number | undefined
  readonly chunkedgraph?: number | undefined
}

export interface ServiceContext {
  readonly http: HttpClient
  readonly auth: AuthClient
  /** `{G}`, normalised (no trailing slash). */
  readonly serverAddress: string
  /** Undefined for a global-only client. */
  readonly datastack: string | undefined
  readonly logger: Logger
  /** API versions pinned by the caller (`FrameworkClient`'s `pinnedVersions`); absent = negotiate. */
  readonly pinnedVersions?: PinnedVersions | undefined
  /**
   * The datastack's info record, fetched once and cached (a failure is not cached). Rejects with
   * `GlobalClientError` when the client has no datastack.
   */
  datastackInfo(options?: CallOptions): Promise<DatastackInfo>
  /**
   * `{L}` (the record's `local_server`, normalised). Its origin is added to `auth` so the token is
   * sent there and nowhere else.
   */
  localServer(options?: CallOptions): Promise<string>
}

/**
 * Memoises a lazy async value: concurrent callers share one in-flight promise, success is cached,
 * failure is not (the next call tries again). The caller's signal aborts only its own wait.
 */
export function lazyAsync<T>(load: (signal: AbortSignal) => Promise<T>): (options?: CallOptions) => Promise<T> {
  // One key of a keyed cache. The shared load gets its own signal, not one caller's, so one
  // caller's abort does not fail the others.
  const cache = keyedCache<true, T>(() => load(new AbortController().signal))
  return (options) => cache.get(true, options)
}
