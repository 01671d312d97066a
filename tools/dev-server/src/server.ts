/**
 * `startDevServer`: the local deployment on a loopback port. One `node:http` server plays both the
 * global server `{G}` and the local server `{L}`; the pieces (state, request handler) are separate
 * so a second origin can be added later by listening again with the same state and another origin.
 */
import { setMaxListeners } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { authenticate, extractToken, TokenStore, type DevTokenSpec } from './auth.js'
import { ADMIN_PREFIX, TOKEN_NAME } from './constants.js'
import { createContext, type DevServerState } from './context.js'
import { createDataset, type DevDataset } from './dataset.js'
import { FaultInjector, type Fault, type FaultSpec } from './faults.js'
import { HttpError, jsonError, preflight, sendReply, type Reply } from './http.js'
import { createLogEntry, REDACTED, type DevRequestLogEntry } from './request-log.js'
import { Router, type DevService } from './router.js'
import type { Seed } from './rng.js'
import { adminService } from './services/admin.js'
import { annotationService } from './services/annotation.js'
import { authService } from './services/auth.js'
import { chunkedgraphService } from './services/chunkedgraph.js'
import { infoService } from './services/info.js'
import { schemaService } from './services/schema.js'
import { stateService } from './services/state.js'
import { volumesService } from './services/volumes.js'

export interface DevServerOptions {
  /** Default 0: an ephemeral port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** Accepted tokens (default `DEFAULT_TOKENS`: `DEV_TOKEN`, `NO_PERMISSION_TOKEN`, `MISSING_TOS_TOKEN`). */
  tokens?: ReadonlyArray<string | DevTokenSpec>
  /** Dataset seed (default 1). Same seed → same dataset. */
  seed?: Seed
  /** Faults active from the start. */
  faults?: FaultSpec[]
  /** One line per request: `true` → `console.log`, or a function. Default off. */
  log?: boolean | ((line: string) => void)
  /** Extra services, matched after the built-in ones (tests, later issues). */
  services?: DevService[]
  /** URL to advertise instead of `http://host:port` (e.g. listening on 0.0.0.0 behind a name). */
  publicUrl?: string
  /** Bodies larger than this are gzipped for clients that accept it. Default 1024. */
  gzipThreshold?: number
  /** Request-log entries kept (oldest dropped first). Default 10 000. */
  maxRequestLog?: number
  /**
   * Persist what clients write (annotation tables: `<dataDir>/annotation.json`) so a restart with
   * the same directory keeps it. Default: memory only.
   */
  dataDir?: string
  /** First id of every new annotation table (default 1; e.g. `2n ** 53n + 1n` to test lossless ids). */
  annotationFirstId?: bigint | number
}

export interface DevServer {
  /** `http://127.0.0.1:PORT`, no trailing slash: both `{G}` and `{L}`. */
  readonly url: string
  readonly port: number
  readonly host: string
  readonly dataset: DevDataset
  /** Add, remove and inspect faults at runtime. */
  readonly faults: FaultInjector
  /** Accepted tokens; add or revoke at runtime. */
  readonly tokens: TokenStore
  /** Live request log (admin routes excluded). Empty it with `requests.length = 0`. */
  readonly requests: DevRequestLogEntry[]
  readonly router: Router
  /** A token with `view` on the demo dataset (`DEV_TOKEN` by default), if any is configured. */
  readonly token: string | undefined
  /** Stops listening, aborts delayed responses and closes every connection. Idempotent. */
  close(): Promise<void>
}

/** The built-in services, in matching order. */
export function defaultServices(options: DefaultServicesOptions = {}): DevService[] {
  return [
    infoService(),
    schemaService(),
    stateService(),
    annotationService({ dataDir: options.dataDir, firstId: options.annotationFirstId }),
    chunkedgraphService(),
    volumesService(),
    authService(),
    adminService(),
  ]
}

/** Options of the built-in services that keep data. */
export interface DefaultServicesOptions {
  /** See `DevServerOptions.dataDir`. */
  dataDir?: string | undefined
  /** See `DevServerOptions.annotationFirstId`. */
  annotationFirstId?: bigint | number | undefined
}

export interface StateOptions {
  dataset: DevDataset
  tokens?: ReadonlyArray<string | DevTokenSpec>
  faults?: FaultSpec[]
  services?: DevService[]
  /** Passed to `defaultServices`. */
  dataDir?: string | undefined
  annotationFirstId?: bigint | number | undefined
}

export function createDevServerState(options: StateOptions): DevServerState {
  const tokens = new TokenStore(options.tokens, options.dataset.datastacks[0]?.permissionGroup)
  return {
    dataset: options.dataset,
    tokens,
    faults: new FaultInjector(options.faults),
    requests: [],
    router: new Router([
      ...defaultServices({ dataDir: options.dataDir, annotationFirstId: options.annotationFirstId }),
      ...(options.services ?? []),
    ]),
    globalUrl: options.dataset.globalUrl,
  }
}

export interface HandlerOptions {
  /** The origin this listener answers as (`http://127.0.0.1:PORT`). */
  origin: string
  gzipThreshold?: number
  maxRequestLog?: number
  log?: (line: string) => void
  /** Aborted when the server closes: cuts short injected delays. */
  signal?: AbortSignal
}

const DROPPED = Symbol('dropped')

/** The `(req, res)` listener for one origin over shared state. */
export function createRequestHandler(
  state: DevServerState,
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let seq = 0
  const maxLog = options.maxRequestLog ?? 10_000

  return async (req, res) => {
    const started = performance.now()
    const method = (req.method ?? 'GET').toUpperCase()
    let url: URL
    try {
      url = new URL(req.url ?? '/', options.origin)
    } catch {
      await sendReply(req, res, jsonError(400, 'Malformed request URL'))
      return
    }
    const admin = url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)
    const extracted = extractToken(req, url)
    const tokenValid = extracted.token ? state.tokens.lookup(extracted.token) !== undefined : null

    let entry: DevRequestLogEntry | undefined
    if (!admin) {
      entry = createLogEntry(++seq, req, url, extracted, tokenValid)
      state.requests.push(entry)
      if (state.requests.length > maxLog) state.requests.splice(0, state.requests.length - maxLog)
    }
    const abort = new AbortController()
    const onServerClose = (): void => abort.abort()
    options.signal?.addEventListener('abort', onServerClose, { once: true })
    res.once('close', () => {
      options.signal?.removeEventListener('abort', onServerClose)
      abort.abort()
      if (entry && !res.writableFinished) entry.dropped = true
    })
    res.once('finish', () => {
      if (entry) {
        entry.status = res.statusCode
        entry.durationMs = Math.round((performance.now() - started) * 10) / 10
      }
    })

    let fault: Fault | undefined
    let reply: Reply | typeof DROPPED
    try {
      fault = admin ? undefined : state.faults.take(method, url.pathname, url.search)
      if (fault && entry) entry.fault = fault.id
      reply = await dispatch(state, req, url, method, fault, extracted, abort.signal)
    } catch (err) {
      reply = err instanceof HttpError ? err.reply : internalError(err)
    }
    if (reply === DROPPED) {
      req.socket.destroy()
    } else {
      try {
        await sendReply(req, res, reply, { gzipThreshold: options.gzipThreshold })
      } catch (err) {
        res.destroy(err as Error)
      }
    }
    if (options.log && !admin) {
      const status = reply === DROPPED ? 'dropped' : String(reply.status)
      const ms = Math.round(performance.now() - started)
      options.log(`${method} ${redactedTarget(url)} → ${status} ${ms}ms${fault ? ` [fault ${fault.id}]` : ''}`)
    }
  }
}

async function dispatch(
  state: DevServerState,
  req: IncomingMessage,
  url: URL,
  method: string,
  fault: Fault | undefined,
  extracted: ReturnType<typeof extractToken>,
  signal: AbortSignal,
): Promise<Reply | typeof DROPPED> {
  if (fault) {
    if (fault.spec.delayMs) {
      try {
        await sleep(fault.spec.delayMs, undefined, { signal })
      } catch {
        return DROPPED // client went away or the server is closing
      }
    }
    if (fault.spec.dropConnection) return DROPPED
    const r = fault.reply()
    if (r) return r
  }
  if (method === 'OPTIONS') return preflight()

  const match = state.router.match(method, url.pathname)
  if (match.kind === 'not-found') return jsonError(404, `Not found: ${method} ${url.pathname}`)
  if (match.kind === 'method-not-allowed') {
    const r = jsonError(405, `Method ${method} not allowed for ${url.pathname}`)
    r.headers = { ...r.headers, Allow: [...match.allow, 'OPTIONS'].join(', ') }
    return r
  }
  const ctx = createContext(req, url, match.params, state)
  const denied = authenticate(ctx, match.route.auth ?? 'token', extracted)
  if (denied) return denied
  return await match.route.handler(ctx)
}

function internalError(err: unknown): Reply {
  const e = err instanceof Error ? err : new Error(String(err))
  return jsonError(500, e.message, {
    code: 500,
    timestamp: new Date().toISOString(),
    traceback: (e.stack ?? '').split('\n'),
  })
}

function redactedTarget(url: URL): string {
  if (!url.searchParams.has(TOKEN_NAME)) return url.pathname + url.search
  const copy = new URL(url)
  copy.searchParams.set(TOKEN_NAME, REDACTED)
  return copy.pathname + copy.search
}

function formatOrigin(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`
}

/** Starts the local deployment. Resolves once it is listening. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1'
  const closing = new AbortController()
  // Every in-flight request listens for the close; hundreds at once are normal, not a leak.
  setMaxListeners(0, closing.signal)
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined
  const server: Server = createServer((req, res) => {
    if (!handler) {
      res.writeHead(503).end()
      return
    }
    void handler(req, res)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 0, host }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const url = (options.publicUrl ?? formatOrigin(host, port)).replace(/\/+$/, '')

  const dataset = createDataset({ seed: options.seed ?? 1, globalUrl: url })
  const state = createDevServerState({
    dataset,
    tokens: options.tokens,
    faults: options.faults,
    services: options.services,
    dataDir: options.dataDir,
    annotationFirstId: options.annotationFirstId,
  })
  const log = options.log === true ? (line: string) => console.log(line) : options.log || undefined
  handler = createRequestHandler(state, {
    origin: url,
    gzipThreshold: options.gzipThreshold,
    maxRequestLog: options.maxRequestLog,
    log,
    signal: closing.signal,
  })

  let closed: Promise<void> | undefined
  return {
    url,
    port,
    host,
    dataset,
    faults: state.faults,
    tokens: state.tokens,
    requests: state.requests,
    router: state.router,
    get token() {
      return state.tokens.primaryToken()
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort()
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
      return closed
    },
  }
}
