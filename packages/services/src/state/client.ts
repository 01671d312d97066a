/**
 * The state service client (`client.state`; services spec §4.5): upload and fetch neuroglancer
 * states and segment-property files on `{G}/nglstate`, and build viewer links to them.
 *
 * - State ids are `bigint` (they can exceed 2^53); states are parsed losslessly, so integers above
 *   2^53 inside a state come back as `bigint`, and `bigint` values are written as bare JSON integers
 *   (or as strings with `bigintAsString`, which is what neuroglancer expects for segment ids).
 * - Uploads are capped client-side (default 2.5 MB of UTF-8 JSON; `PayloadTooLargeError` before any
 *   request) and are not retried automatically (a retried POST could store the state twice); opt in
 *   with `retryable: true`.
 * - `getStateJson(url)` and `getNeuroglancerInfo(nglUrl)` fetch foreign URLs **without** the token
 *   unless their origin is the deployment's (the client's Authorizer decides per URL; §6.3 #1).
 * - API version: v1, or the legacy v0 (`{G}/nglstate/post`, `{G}/nglstate/{id}`) when
 *   `pinnedVersions.state` is 0; property files need v1 and server ≥ 0.4.0 (an unknown server
 *   version lets the call through with a warning).
 */
import { lazyAsync, type CallOptions, type ServiceContext } from '../framework/context.js'
import { requestEndpoint, type Endpoint } from '../http/endpoints.js'
import {
  InvalidParameterError,
  PayloadTooLargeError,
  ResponseFormatError,
  ServerIncompatibilityError,
  isHttpError,
  isResponseFormatError,
} from '../http/errors.js'
import { parseJson, stringifyJson } from '../http/json.js'
import { normalizeBaseUrl } from '../http/url.js'
import { toUint64, type Uint64Like } from '../http/uint64.js'
import { fetchServerVersion } from '../versions/server-version.js'
import {
  DEFAULT_MAX_UPLOAD_BYTES,
  FALLBACK_NGL_URL,
  NEUROGLANCER_INFO_PATH,
  stateService,
  stateV0,
  stateV1,
} from './endpoints.js'

export type StateId = bigint

/** `seunglab`, or the spelunker family (`spelunker`, `mainline`, `cave-explorer`: same links). */
export type TargetSite = 'seunglab' | 'spelunker' | 'mainline' | 'cave-explorer'

export const SEUNGLAB_SITES: readonly TargetSite[] = ['seunglab']
export const SPELUNKER_SITES: readonly TargetSite[] = ['spelunker', 'mainline', 'cave-explorer']

export interface StateClientOptions {
  /** Default viewer for `buildNeuroglancerUrl`/`getNeuroglancerInfo`; else the datastack's `viewer_site`, else neuroglancer.neuvue.io. */
  nglUrl?: string | undefined
}

export interface UploadOptions extends CallOptions {
  /** Store under this id (an admin feature on real deployments): `POST …/post/{id}`. */
  stateId?: Uint64Like | undefined
  /**
   * Accepted for parity with Python's `upload_state_json(timestamp=…)`, which documents it as the
   * state's date when re-uploading under `stateId` but never sends it; this client does not send
   * it either. Requires `stateId`.
   */
  timestamp?: Date | number | undefined
  /** UTF-8 bytes of JSON allowed before refusing (default 2,500,000). `Infinity` or `null` disables the cap. */
  maxSizeBytes?: number | null | undefined
  /** Write `bigint` values as JSON strings (neuroglancer's segment-id form) instead of bare integers. */
  bigintAsString?: boolean | undefined
  /** Retry on 502/503/504 and network errors; default false (a retry may store the state twice). */
  retryable?: boolean | undefined
}

export interface BuildNeuroglancerUrlOptions extends CallOptions {
  /** The viewer; default as in `StateClientOptions.nglUrl`. */
  nglUrl?: string | undefined
  /** Default: asked from `{nglUrl}/version.json` (non-empty ⇒ `spelunker`, `{}`/404 ⇒ `seunglab`). */
  targetSite?: TargetSite | undefined
  /** The first argument is a URL to a JSON state file, not a state id; no `middleauth+` is added. */
  staticUrl?: boolean | undefined
  /** A `precomputed://middleauth+…/property/{id}` source for a segment-property file (no viewer, no request). */
  formatProperties?: boolean | undefined
}

export interface StateClient {
  /** `{G}`. */
  readonly serverAddress: string
  /** 1, or 0 when pinned. */
  readonly apiVersion: 0 | 1
  /** Where neuroglancer's `jsonStateServer` should point: `J/post`. */
  readonly stateServiceEndpoint: string
  /** `GET J/version`, cached; undefined when unknown (and always for v0). */
  getServerVersion(options?: CallOptions): Promise<string | undefined>
  /**
   * The state with this id (`J/{id}`), or the JSON at this URL. A URL (`http(s)://…`, optionally
   * `middleauth+`-prefixed) is fetched with the token only when its origin is the deployment's.
   */
  getStateJson(idOrUrl: Uint64Like | URL, options?: CallOptions): Promise<unknown>
  /** Uploads a state (an object, or JSON text sent as is); resolves to its new id. */
  uploadStateJson(state: unknown, options?: UploadOptions): Promise<StateId>
  /** A segment-property file (`J/property/{id}/info`; server ≥ 0.4.0). */
  getPropertyJson(id: Uint64Like, options?: CallOptions): Promise<unknown>
  /** Uploads a segment-property file (server ≥ 0.4.0); resolves to its id. */
  uploadPropertyJson(property: unknown, options?: Omit<UploadOptions, 'timestamp'>): Promise<StateId>
  /** A viewer link that loads the state (spec §4.5). */
  buildNeuroglancerUrl(idOrUrl: Uint64Like, options?: BuildNeuroglancerUrlOptions): Promise<string>
  /** `{nglUrl}/version.json` (`{}` when absent). No token unless the viewer is on the deployment's origin. */
  getNeuroglancerInfo(nglUrl?: string, options?: CallOptions): Promise<Record<string, unknown>>
}

export function createStateClient(ctx: ServiceContext, options: StateClientOptions = {}): StateClient {
  const { http, logger } = ctx
  const baseUrl = ctx.serverAddress
  const pinned = ctx.pinnedVersions?.state
  if (pinned !== undefined && pinned !== 0 && pinned !== 1) {
    throw new InvalidParameterError('pinnedVersions.state', `state API v${pinned} is not supported; this client knows v0, v1`)
  }
  const apiVersion: 0 | 1 = pinned ?? 1
  const routes = apiVersion === 1 ? stateV1 : stateV0
  /** `J`: the prefix state ids are appended to. */
  const statePrefix = apiVersion === 1 ? `${baseUrl}/nglstate/api/v1` : `${baseUrl}/nglstate`
  const sig = (o: CallOptions | undefined) => (o?.signal ? { signal: o.signal } : {})

  const serverVersion = lazyAsync(async (signal) =>
    apiVersion === 0
      ? undefined
      : fetchServerVersion({ url: `${baseUrl}${stateService.serverVersion.route.slice('GET '.length)}`, http, logger, service: 'state', signal }),
  )

  function needsV1(feature: string): ServerIncompatibilityError {
    return new ServerIncompatibilityError(
      { feature: `state.${feature}`, required: 'state API v1', actual: 'v0 (pinned)', service: 'state' },
      `state.${feature} needs the state API v1; this client is pinned to the legacy v0`,
    )
  }

  /** The JSON text to upload, checked against the cap before anything is sent. */
  function serialise(value: unknown, what: string, o: UploadOptions): string {
    let text: string
    if (typeof value === 'string') {
      try {
        parseJson(value)
      } catch (e) {
        throw new InvalidParameterError(what, `${what} text is not valid JSON: ${(e as Error).message}`)
      }
      text = value
    } else {
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
        throw new InvalidParameterError(what, `${what} must be a JSON value (object), got ${typeof value}`)
      }
      try {
        text = stringifyJson(o.bigintAsString ? bigintsToStrings(value) : value)
      } catch (e) {
        throw new InvalidParameterError(what, `${what} is not serialisable as JSON: ${(e as Error).message}`)
      }
    }
    const limit = o.maxSizeBytes === null ? Infinity : (o.maxSizeBytes ?? DEFAULT_MAX_UPLOAD_BYTES)
    if (typeof limit !== 'number' || Number.isNaN(limit) || limit < 0) {
      throw new InvalidParameterError('maxSizeBytes', `maxSizeBytes must be a non-negative number, null or Infinity`)
    }
    const size = new TextEncoder().encode(text).byteLength
    if (size > limit) {
      throw new PayloadTooLargeError(
        what,
        size,
        limit,
        'Reduce it, or raise maxSizeBytes if your state server accepts larger uploads',
      )
    }
    return text
  }

  /** Checks id and payload (nothing sent yet); returns what `upload` sends. */
  function prepareUpload(value: unknown, what: string, o: UploadOptions, withId: boolean) {
    const id = o.stateId === undefined ? undefined : toUint64(o.stateId, 'stateId')
    if (o.timestamp !== undefined && id === undefined) {
      throw new InvalidParameterError('timestamp', 'timestamp needs stateId (it dates a state re-uploaded under a chosen id)')
    }
    if (id !== undefined && !withId) throw needsV1(`upload ${what} with stateId`)
    return { id, text: serialise(value, what, o) }
  }

  async function upload(
    ep: Endpoint,
    epWithId: Endpoint | undefined,
    { id, text }: { id: bigint | undefined; text: string },
    o: UploadOptions,
    version: string | null | undefined,
  ): Promise<StateId> {
    const answer = await requestEndpoint(http, (id === undefined ? ep : epWithId) as Endpoint<string>, {
      baseUrl,
      ...(id !== undefined && { params: { state_id: id } }),
      body: text,
      headers: { 'content-type': 'application/json' },
      retryable: o.retryable ?? false,
      ...(version !== undefined && { serverVersion: version }),
      service: 'state',
      ...sig(o),
    } as never)
    return idFromAnswer(answer)
  }

  async function defaultNglUrl(o: CallOptions): Promise<string> {
    if (options.nglUrl) return options.nglUrl
    if (ctx.datastack !== undefined) {
      const site = (await ctx.datastackInfo(o)).viewer_site
      if (typeof site === 'string' && site) return site
    }
    return FALLBACK_NGL_URL
  }

  async function getNeuroglancerInfo(nglUrl?: string, o: CallOptions = {}): Promise<Record<string, unknown>> {
    const ngl = checkViewerUrl(nglUrl ?? (await defaultNglUrl(o)))
    try {
      const info = await http.send('GET', `${ngl.replace(/\/+$/, '')}${NEUROGLANCER_INFO_PATH}`, sig(o))
      return typeof info === 'object' && info !== null && !Array.isArray(info) ? (info as Record<string, unknown>) : {}
    } catch (e) {
      if (o.signal?.aborted) throw e
      // Not every deployment has a version.json; a single-page app may answer its index page instead.
      if ((isHttpError(e) && e.status === 404) || isResponseFormatError(e)) return {}
      throw e
    }
  }

  function stateUrl(id: bigint): string {
    return `${statePrefix}/${id}`
  }

  return {
    serverAddress: baseUrl,
    apiVersion,
    stateServiceEndpoint: `${statePrefix}/post`,
    getServerVersion: (o) => serverVersion(o),

    async getStateJson(idOrUrl, o = {}) {
      const target = stateTarget(idOrUrl)
      if (target.kind === 'url') return http.send('GET', target.url, sig(o))
      return requestEndpoint(http, routes.getState, { baseUrl, params: { state_id: target.id }, ...sig(o) })
    },

    async uploadStateJson(state, o = {}) {
      const withId = apiVersion === 1 ? stateV1.uploadStateWithId : undefined
      return upload(routes.uploadState, withId, prepareUpload(state, 'state', o, withId !== undefined), o, undefined)
    },

    async getPropertyJson(id, o = {}) {
      const stateId = toUint64(id, 'id')
      if (apiVersion === 0) throw needsV1('getPropertyJson')
      return requestEndpoint(http, stateV1.getProperty, {
        baseUrl,
        params: { state_id: stateId },
        serverVersion: (await serverVersion(o)) ?? null,
        service: 'state',
        ...sig(o),
      })
    },

    async uploadPropertyJson(property, o = {}) {
      if (apiVersion === 0) throw needsV1('uploadPropertyJson')
      const prepared = prepareUpload(property, 'property', o, true) // checked before the version request
      return upload(stateV1.uploadProperty, stateV1.uploadPropertyWithId, prepared, o, (await serverVersion(o)) ?? null)
    },

    async buildNeuroglancerUrl(idOrUrl, o = {}) {
      if (o.targetSite !== undefined && ![...SEUNGLAB_SITES, ...SPELUNKER_SITES].includes(o.targetSite)) {
        throw new InvalidParameterError(
          'targetSite',
          `targetSite must be one of ${[...SEUNGLAB_SITES, ...SPELUNKER_SITES].map((s) => `'${s}'`).join(', ')}; got ${JSON.stringify(o.targetSite)}`,
        )
      }
      if (o.formatProperties) {
        if (apiVersion === 0) throw needsV1('buildNeuroglancerUrl(formatProperties)')
        return `precomputed://middleauth+${statePrefix}/property/${toUint64(idOrUrl, 'stateId')}`
      }
      let jsonUrl: string
      if (o.staticUrl) {
        if (typeof idOrUrl !== 'string' || !/^https?:\/\//i.test(idOrUrl)) {
          throw new InvalidParameterError('stateId', 'with staticUrl the first argument must be an http(s) URL of a JSON state file')
        }
        jsonUrl = idOrUrl
      } else {
        jsonUrl = stateUrl(toUint64(idOrUrl, 'stateId'))
      }
      const ngl = checkViewerUrl(o.nglUrl ?? (await defaultNglUrl(o)))
      let site = o.targetSite
      if (site === undefined) site = Object.keys(await getNeuroglancerInfo(ngl, o)).length > 0 ? 'spelunker' : 'seunglab'
      const slash = ngl.endsWith('/')
      if (site === 'seunglab') return `${ngl}${slash ? '?json_url=' : '/?json_url='}${jsonUrl}`
      return `${ngl}${slash ? '#!' : '/#!'}${o.staticUrl ? '' : 'middleauth+'}${jsonUrl}`
    },

    getNeuroglancerInfo,
  }
}

type StateTarget = { kind: 'id'; id: bigint } | { kind: 'url'; url: string }

function stateTarget(idOrUrl: Uint64Like | URL): StateTarget {
  if (idOrUrl instanceof URL) return { kind: 'url', url: checkHttpUrl(idOrUrl.href, 'idOrUrl') }
  if (typeof idOrUrl === 'string' && !/^\s*\d+\s*$/.test(idOrUrl)) {
    const url = idOrUrl.trim().replace(/^middleauth\+/i, '')
    if (!/^https?:\/\//i.test(url)) {
      throw new InvalidParameterError('idOrUrl', `expected a state id or an http(s) URL of a JSON state, got "${idOrUrl}"`)
    }
    return { kind: 'url', url: checkHttpUrl(url, 'idOrUrl') }
  }
  return { kind: 'id', id: toUint64(idOrUrl, 'stateId') }
}

function checkHttpUrl(url: string, parameter: string): string {
  try {
    const u = new URL(url)
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.href
  } catch {
    // fall through
  }
  throw new InvalidParameterError(parameter, `"${url}" is not an absolute http(s) URL`)
}

function checkViewerUrl(url: string): string {
  if (typeof url !== 'string' || !url.trim()) throw new InvalidParameterError('nglUrl', 'nglUrl must be a non-empty URL')
  // Validates scheme and shape; the caller's trailing slash is kept (it selects the link form).
  normalizeBaseUrl(url.trim(), 'nglUrl')
  return url.trim()
}

/**
 * The id in an upload answer: NeuroglancerJsonServer answers the JSON string `"<url>/<id>"` built
 * from the request URL (host and scheme may differ behind proxies), so only the trailing integer counts.
 */
export function idFromAnswer(answer: unknown): StateId {
  if (typeof answer === 'bigint') return answer
  if (typeof answer === 'number' && Number.isSafeInteger(answer) && answer >= 0) return BigInt(answer)
  if (typeof answer === 'string') {
    const m = /(\d+)\/?\s*$/.exec(answer)
    if (m) return BigInt(m[1] as string)
  }
  throw new ResponseFormatError(`the state server's upload answer has no trailing state id: ${JSON.stringify(String(answer)).slice(0, 200)}`)
}

/** A copy of `value` with every bigint written as a decimal string. */
function bigintsToStrings(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(bigintsToStrings)
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, bigintsToStrings)
  }
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigintsToStrings(v)]))
  }
  return value
}
