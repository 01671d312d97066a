/**
 * `FrameworkClient` (alias `CaveClient`): one entry point to a CAVE / DAF deployment, like Python's
 * `CAVEclient`. It holds one `AuthClient`, one `HttpClient` (one token, one retry and timeout
 * policy) and the `ServiceContext` every service client is built on; the service clients are
 * created on first access and cached. Construction sends no request.
 *
 * ```ts
 * const client = new FrameworkClient('minnie65_public')
 * const info = await client.info.getDatastackInfo()
 * const schemas = await client.schema.getSchemas()
 * const tables = await client.annotation.getTables()
 * ```
 */
import { AuthClient, DEFAULT_SERVER_ADDRESS, normalizeServerAddress } from '@daf/auth'
import { platform } from '#platform'
import { createAnnotationClient, type AnnotationClient } from '../annotation/client.js'
import { createChunkedGraphClient, type ChunkedGraphClient } from '../chunkedgraph/client.js'
import type { TimestampInput } from '../chunkedgraph/types.js'
import { createHttpClient, type HttpClient } from '../http/client.js'
import { GlobalClientError, InvalidParameterError } from '../http/errors.js'
import { consoleLogger, type Logger } from '../http/logger.js'
import type { RetryOptions } from '../http/retry.js'
import { createInfoClient, type InfoCache, type InfoClient } from '../info/client.js'
import type { DatastackInfo } from '../info/types.js'
import { createSchemaClient, type SchemaClient } from '../schema/client.js'
import { createStateClient, type StateClient } from '../state/client.js'
import type { CallOptions, PinnedVersions, ServiceContext } from './context.js'

export interface FrameworkClientOptions {
  /** The datastack; the first constructor argument does the same. Without one the client is global-only. */
  datastack?: string | undefined
  /**
   * The global server `{G}`. Default: the `auth` client's server; else (with a datastack, in Node)
   * the entry of `~/.cloudvolume/secrets/cave_datastack_to_server_map.json`; else
   * `https://global.daf-apis.com`. A missing scheme means `https://`.
   */
  serverAddress?: string | URL | undefined
  /** A token to use instead of the stored one. Ignored when `auth` is given (passing both is an error). */
  authToken?: string | undefined
  /** An existing `AuthClient` (shared: it learns the datastack's local server). */
  auth?: AuthClient | undefined
  /** Node: secrets directory for token files and the datastack map; default `~/.cloudvolume/secrets`. */
  secretsDir?: string | undefined
  /** Looked up per call when absent (`globalThis.fetch`), so test patches and msw apply. */
  fetch?: typeof globalThis.fetch | undefined
  retry?: Partial<RetryOptions> | undefined
  /** Per attempt; default 60 s. `Infinity`/0 disables it. */
  timeoutMs?: number | undefined
  /** All attempts of one call; default 5 min. */
  totalTimeoutMs?: number | undefined
  /** Default `console.warn` with a `[@daf/services]` prefix. */
  logger?: Logger | undefined
  /** Info records to start from (a `Map` is shared and filled; see `InfoCache`). */
  infoCache?: InfoCache | undefined
  /** API versions to use instead of negotiating (e.g. `{ info: 1 }` for a legacy server). */
  pinnedVersions?: PinnedVersions | undefined
  /**
   * Node: record `datastack → serverAddress` in the datastack map after the first successful info
   * fetch, when both were given explicitly. Default true.
   */
  writeServerCache?: boolean | undefined
  /** Default viewer for `client.state` links; else the datastack's `viewer_site`. */
  nglUrl?: string | undefined
  /**
   * Default point in time for `client.chunkedgraph` calls that take a timestamp and get none
   * (Python's `CAVEclient(timestamp=…)`); without it they use "now".
   */
  timestamp?: TimestampInput | undefined
}

/** The public shape of a `FrameworkClient` in logs and JSON: no token. */
export interface FrameworkClientDescription {
  readonly datastack: string | undefined
  readonly serverAddress: string
  readonly auth: ReturnType<AuthClient['toJSON']>
}

export class FrameworkClient {
  readonly #datastack: string | undefined
  readonly #serverAddress: string
  readonly #auth: AuthClient
  readonly #http: HttpClient
  readonly #logger: Logger
  readonly #options: FrameworkClientOptions
  readonly #ctx: ServiceContext
  /** Set when the map should be written after the first successful info fetch. */
  #writeMapFor: string | undefined
  #info: InfoClient | undefined
  #schema: SchemaClient | undefined
  #state: StateClient | undefined
  #annotation: AnnotationClient | undefined
  #chunkedgraph: ChunkedGraphClient | undefined

  constructor(datastack?: string | null, options?: FrameworkClientOptions)
  constructor(options?: FrameworkClientOptions)
  constructor(datastackOrOptions?: string | FrameworkClientOptions | null, maybeOptions: FrameworkClientOptions = {}) {
    const options: FrameworkClientOptions =
      typeof datastackOrOptions === 'object' && datastackOrOptions !== null ? { ...datastackOrOptions } : { ...maybeOptions }
    const positional = typeof datastackOrOptions === 'string' ? datastackOrOptions : undefined
    if (datastackOrOptions !== undefined && datastackOrOptions !== null && typeof datastackOrOptions !== 'string' && typeof datastackOrOptions !== 'object') {
      throw new InvalidParameterError('datastack', `datastack must be a string, got ${typeof datastackOrOptions}`)
    }
    if (positional !== undefined && options.datastack !== undefined && options.datastack !== positional) {
      throw new InvalidParameterError('datastack', `two different datastacks given: "${positional}" and options.datastack "${options.datastack}"`)
    }
    const datastack = positional ?? options.datastack
    if (datastack !== undefined && (typeof datastack !== 'string' || datastack.trim() === '')) {
      throw new InvalidParameterError('datastack', 'datastack must be a non-empty string (or omitted for a global-only client)')
    }
    if (options.auth !== undefined && options.authToken !== undefined) {
      throw new InvalidParameterError('authToken', 'pass either auth (an AuthClient) or authToken, not both')
    }
    this.#datastack = datastack?.trim()
    this.#options = options
    this.#logger = options.logger ?? consoleLogger

    const explicit = options.serverAddress !== undefined ? normalizeServerAddress(options.serverAddress) : undefined
    if (explicit !== undefined && options.auth !== undefined && options.auth.serverAddress !== explicit) {
      throw new InvalidParameterError(
        'serverAddress',
        `serverAddress ${explicit} differs from the auth client's server ${options.auth.serverAddress}`,
      )
    }
    this.#serverAddress = explicit ?? options.auth?.serverAddress ?? this.#mappedServer() ?? DEFAULT_SERVER_ADDRESS
    this.#writeMapFor = explicit !== undefined && this.#datastack !== undefined && options.writeServerCache !== false ? this.#datastack : undefined

    this.#auth =
      options.auth ??
      new AuthClient({
        serverAddress: this.#serverAddress,
        ...(options.authToken !== undefined && { token: options.authToken }),
        ...(options.secretsDir !== undefined && { secretsDir: options.secretsDir }),
      })
    this.#http = createHttpClient({
      auth: this.#auth,
      logger: this.#logger,
      ...(options.fetch !== undefined && { fetch: options.fetch }),
      ...(options.retry !== undefined && { retry: options.retry }),
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
      ...(options.totalTimeoutMs !== undefined && { totalTimeoutMs: options.totalTimeoutMs }),
    })

    const self = this
    this.#ctx = {
      http: this.#http,
      auth: this.#auth,
      serverAddress: this.#serverAddress,
      datastack: this.#datastack,
      logger: this.#logger,
      pinnedVersions: options.pinnedVersions,
      async datastackInfo(o?: CallOptions): Promise<DatastackInfo> {
        if (self.#datastack === undefined) throw new GlobalClientError('the datastack info record')
        return self.info.getDatastackInfo(o?.signal ? { signal: o.signal } : {})
      },
      async localServer(o?: CallOptions): Promise<string> {
        const info = await self.#ctx.datastackInfo(o)
        const local = normalizeServerAddress(info.local_server, 'local_server')
        self.#auth.addLocalServer(local)
        return local
      },
    }
  }

  /** The datastack, or undefined for a global-only client. */
  get datastack(): string | undefined {
    return this.#datastack
  }

  /** `{G}`, normalised (no trailing slash). */
  get serverAddress(): string {
    return this.#serverAddress
  }

  /** The token holder; decides which URLs see the token. */
  get auth(): AuthClient {
    return this.#auth
  }

  /** The shared HTTP client (for calls no service client covers). */
  get http(): HttpClient {
    return this.#http
  }

  /** What service clients are built from; pass it to `createXClient(ctx)` for a custom client. */
  get context(): ServiceContext {
    return this.#ctx
  }

  /** Datastack and aligned-volume records (`{G}/info`). */
  get info(): InfoClient {
    return (this.#info ??= createInfoClient(this.#ctx, {
      infoCache: this.#options.infoCache,
      onDatastackInfo: (datastack) => this.#recordServer(datastack),
    }))
  }

  /** Annotation schema definitions (`{G}/schema`). */
  get schema(): SchemaClient {
    return (this.#schema ??= createSchemaClient(this.#ctx))
  }

  /** Neuroglancer states (`{G}/nglstate`). */
  get state(): StateClient {
    return (this.#state ??= createStateClient(this.#ctx, { nglUrl: this.#options.nglUrl }))
  }

  /**
   * Annotation tables and rows on the datastack's local server (AnnotationEngine). A global-only
   * client throws `GlobalClientError`.
   */
  get annotation(): AnnotationClient {
    if (this.#datastack === undefined) throw new GlobalClientError('client.annotation')
    return (this.#annotation ??= createAnnotationClient(this.#ctx))
  }

  /**
   * The datastack's segmentation graph (PyChunkedGraph) on its local server; the table comes from
   * the record's `segmentation_source`. A global-only client throws `GlobalClientError`.
   */
  get chunkedgraph(): ChunkedGraphClient {
    if (this.#datastack === undefined) throw new GlobalClientError('client.chunkedgraph')
    return (this.#chunkedgraph ??= createChunkedGraphClient(
      this.#ctx,
      this.#options.timestamp === undefined ? {} : { timestamp: this.#options.timestamp },
    ))
  }

  toJSON(): FrameworkClientDescription {
    return { datastack: this.#datastack, serverAddress: this.#serverAddress, auth: this.#auth.toJSON() }
  }

  toString(): string {
    const token = this.#auth.hasToken ? `token from ${this.#auth.tokenSource}` : 'no token'
    const where = this.#datastack === undefined ? `global-only, ${this.#serverAddress}` : `${this.#datastack} @ ${this.#serverAddress}`
    return `FrameworkClient(${where}, ${token})`
  }

  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    const body = inspect ? inspect(this.toJSON(), options) : JSON.stringify(this.toJSON())
    return `FrameworkClient ${body}`
  }

  /** The datastack map's entry for this datastack (Node), when usable. */
  #mappedServer(): string | undefined {
    if (this.#datastack === undefined) return undefined
    const mapped = platform.readDatastackServer(this.#datastack, { secretsDir: this.#options.secretsDir })
    if (mapped === undefined) return undefined
    try {
      return normalizeServerAddress(mapped)
    } catch {
      this.#logger.warn(`the datastack map's server for ${this.#datastack} is not a URL ("${mapped}"); using the default`)
      return undefined
    }
  }

  /** After the first successful fetch of this datastack's record: remember its server (Node). */
  #recordServer(datastack: string): void {
    if (datastack !== this.#writeMapFor) return
    this.#writeMapFor = undefined
    void platform.writeDatastackServer(datastack, this.#serverAddress, {
      secretsDir: this.#options.secretsDir,
      onSkip: (reason) => this.#logger.debug?.(`datastack map not updated: ${reason}`),
    })
  }
}

/** Python's name for the same client. */
export { FrameworkClient as CaveClient }
