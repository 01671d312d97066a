/**
 * The info service client (`client.info`; services spec §4.1): datastack and aligned-volume
 * records from `{G}/info`, cached per (datastack, image mirror), and the values derived from them
 * (local server, viewer site, sources formatted for a tool, viewer resolution).
 *
 * API version: v2. The legacy v1 "dataset" routes (`{G}/info/api/datasets`,
 * `{G}/info/api/dataset/{dataset}`) are used when `pinnedVersions.info` is 1, or automatically
 * when a v2 call answers 404 **and** `GET /info/api/v2/datastacks` answers 404 too (a server
 * without the v2 API; a 404 for an unknown datastack on a v2 server stays a 404). A v1 record is
 * mapped onto the v2 shape (`aligned_volume`, `local_server`, `segmentation_source`); calls with
 * no v1 equivalent throw `ServerIncompatibilityError`.
 */
import { normalizeServerAddress } from '@daf/auth'
import { lazyAsync, type CallOptions, type ServiceContext } from '../framework/context.js'
import { keyedCache, type CacheStore } from '../framework/keyed-cache.js'
import { requestEndpoint } from '../http/endpoints.js'
import { GlobalClientError, InvalidParameterError, ServerIncompatibilityError, isHttpError } from '../http/errors.js'
import { fetchServerVersion } from '../versions/server-version.js'
import { infoService, infoV1, infoV2 } from './endpoints.js'
import { formatSource, type FormatFor } from './format.js'
import type { AlignedVolumeInfo, DatastackInfo } from './types.js'

/**
 * Records to start from, keyed by datastack (Python's `info_cache`). A `Map` is shared: records
 * this client fetches (without a mirror) are written into it, so several clients can share one.
 */
export type InfoCache = Map<string, DatastackInfo> | Readonly<Record<string, DatastackInfo>>

export interface InfoClientOptions {
  infoCache?: InfoCache | undefined
  /** Called after a datastack record (without mirror) was fetched successfully. */
  onDatastackInfo?: ((datastack: string, info: DatastackInfo) => void) | undefined
}

export interface DatastackCallOptions extends CallOptions {
  /** Default: the client's datastack. */
  datastack?: string | undefined
}

export interface GetDatastackInfoOptions extends DatastackCallOptions {
  /** Use the cached record when there is one (default true); false fetches and re-caches it. */
  useStored?: boolean | undefined
  /** Return the record with this image mirror's aligned volume (`image_source_name`; info ≥ 4.3.1). */
  imageMirror?: string | undefined
}

export interface SourceOptions extends DatastackCallOptions {
  /** Default `raw`. */
  formatFor?: FormatFor | undefined
}

export interface ImageSourceOptions extends SourceOptions {
  imageMirror?: string | undefined
}

export interface InfoClient {
  /** `{G}`. */
  readonly serverAddress: string
  /** The client's datastack (undefined for a global-only client). */
  readonly datastack: string | undefined
  /** `GET {G}/info/version`, cached; undefined when the server does not say. */
  getServerVersion(options?: CallOptions): Promise<string | undefined>
  /** 2, or 1 when pinned or when the server turned out to speak only v1. No request. */
  readonly apiVersion: 1 | 2
  /** `I/datastacks` (v1: `/info/api/datasets`). */
  getDatastacks(options?: CallOptions): Promise<string[]>
  /** `I/datastack/full/{ds}`, cached per (datastack, mirror). Unknown keys are kept. */
  getDatastackInfo(options?: GetDatastackInfoOptions): Promise<DatastackInfo>
  /** `I/aligned_volume`. */
  getAlignedVolumes(options?: CallOptions): Promise<AlignedVolumeInfo[]>
  /** `I/aligned_volume/{name}`; without a name, the datastack record's `aligned_volume` (no request once cached). */
  getAlignedVolumeInfo(name?: string, options?: DatastackCallOptions): Promise<AlignedVolumeInfo>
  /** `I/aligned_volume/id/{id}`. */
  getAlignedVolumeInfoById(id: number, options?: CallOptions): Promise<AlignedVolumeInfo>
  /** `I/aligned_volume/{name}/datastacks`; without a name, the datastack's aligned volume. */
  getDatastacksByAlignedVolume(name?: string, options?: DatastackCallOptions): Promise<string[]>
  /** `I/datastack/{ds}/image_sources` (info ≥ 4.3.1): the aligned volume and its mirrors. */
  getImageMirrors(options?: DatastackCallOptions): Promise<AlignedVolumeInfo[]>
  /** Names of `getImageMirrors()`. */
  getImageMirrorNames(options?: DatastackCallOptions): Promise<string[]>
  /** `local_server` (`{L}`), without trailing slash. */
  localServer(options?: DatastackCallOptions): Promise<string>
  /** `viewer_site`, or null when the record has none. */
  viewerSite(options?: DatastackCallOptions): Promise<string | null>
  /** `{L}/annotation`. */
  annotationEndpoint(options?: DatastackCallOptions): Promise<string>
  /** `aligned_volume.image_source` (of the mirror, with `imageMirror`), formatted. */
  imageSource(options?: ImageSourceOptions): Promise<string | null>
  /** `segmentation_source`, formatted. */
  segmentationSource(options?: SourceOptions): Promise<string | null>
  /** `synapse_segmentation_source`, formatted; null when the record has none. */
  synapseSegmentationSource(options?: SourceOptions): Promise<string | null>
  /** `[viewer_resolution_x, y, z]` (nm per voxel). */
  viewerResolution(options?: DatastackCallOptions): Promise<[number, number, number]>
  /** Fetches every cached record again (with their mirrors). */
  refreshStoredData(options?: CallOptions): Promise<void>
}

const NO_MIRROR = ''

export function createInfoClient(ctx: ServiceContext, options: InfoClientOptions = {}): InfoClient {
  const { http, logger } = ctx
  const baseUrl = ctx.serverAddress
  const pinned = ctx.pinnedVersions?.info
  if (pinned !== undefined && pinned !== 1 && pinned !== 2) {
    throw new InvalidParameterError('pinnedVersions.info', `info API v${pinned} is not supported; this client knows v1, v2`)
  }
  let apiVersion: 1 | 2 = pinned ?? 2

  const serverVersion = lazyAsync((signal) =>
    fetchServerVersion({ url: `${baseUrl}${infoService.serverVersion.route.slice('GET '.length)}`, http, logger, service: 'info', signal }),
  )

  // Plain records live in the caller's Map when one was given (shared between clients).
  const plain: Map<string, DatastackInfo> =
    options.infoCache instanceof Map ? options.infoCache : new Map(Object.entries(options.infoCache ?? {}))
  const mirrors = new Map<string, DatastackInfo>()
  const key = (ds: string, mirror: string) => JSON.stringify([ds, mirror])
  const parse = (k: string) => JSON.parse(k) as [datastack: string, mirror: string]
  // One view over both: plain records by datastack name, mirror records by (name, mirror).
  const store: CacheStore<string, DatastackInfo> = {
    has: (k) => {
      const [ds, mirror] = parse(k)
      return mirror === NO_MIRROR ? plain.has(ds) : mirrors.has(k)
    },
    get: (k) => {
      const [ds, mirror] = parse(k)
      return mirror === NO_MIRROR ? plain.get(ds) : mirrors.get(k)
    },
    set: (k, v) => {
      const [ds, mirror] = parse(k)
      if (mirror === NO_MIRROR) plain.set(ds, v)
      else mirrors.set(k, v)
    },
    keys: () => [...[...plain.keys()].map((ds) => key(ds, NO_MIRROR)), ...mirrors.keys()],
    clear: () => {
      plain.clear()
      mirrors.clear()
    },
  }
  const records = keyedCache<string, DatastackInfo>(
    (k, signal) => {
      const [ds, mirror] = parse(k)
      return fetchDatastackInfo(ds, mirror, signal)
    },
    {
      store,
      onLoad: (k, info) => {
        const [ds, mirror] = parse(k)
        if (mirror === NO_MIRROR) options.onDatastackInfo?.(ds, info)
      },
    },
  )

  const signalOf = (o: CallOptions | undefined) => (o?.signal ? { signal: o.signal } : {})

  function datastackOf(o: DatastackCallOptions | undefined, method: string): string {
    const ds = o?.datastack ?? ctx.datastack
    if (ds === undefined || ds === '') {
      throw new GlobalClientError(
        `info.${method}`,
        `info.${method} needs a datastack, but none was given and no datastack was set on this client. ` +
          `Pass { datastack: 'my_datastack' }, or create the client with one: new FrameworkClient('my_datastack', { ... })`,
      )
    }
    return ds
  }

  function needsV2(feature: string): ServerIncompatibilityError {
    return new ServerIncompatibilityError(
      { feature: `info.${feature}`, required: 'info API v2', actual: 'v1 only', service: 'info' },
      `info.${feature} needs the info API v2, but ${baseUrl} speaks only the legacy v1 (dataset) API`,
    )
  }

  /** Runs the v2 form; on a 404 from a server without the v2 API, switches to v1 for good. */
  async function v2OrLegacy<T>(
    feature: string,
    v2: () => Promise<T>,
    v1: (() => Promise<T>) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    if (apiVersion === 1) {
      if (!v1) throw needsV2(feature)
      return v1()
    }
    try {
      return await v2()
    } catch (e) {
      if (pinned === 2 || !isHttpError(e) || e.status !== 404) throw e
      if (!(await v2Missing(signal))) throw e
      apiVersion = 1
      logger.warn(`info service at ${baseUrl} has no v2 API (404); using the legacy v1 dataset routes`)
      if (!v1) throw needsV2(feature)
      return v1()
    }
  }

  /** Whether `I/datastacks` itself is a 404, i.e. the server has no v2 API at all. */
  async function v2Missing(signal: AbortSignal | undefined): Promise<boolean> {
    try {
      await requestEndpoint(http, infoV2.datastacks, { baseUrl, ...(signal && { signal }) })
      return false
    } catch (e) {
      if (signal?.aborted) throw e
      return isHttpError(e) && e.status === 404
    }
  }

  async function fetchDatastackInfo(ds: string, mirror: string, signal: AbortSignal | undefined): Promise<DatastackInfo> {
    const sig = signal ? { signal } : {}
    return v2OrLegacy(
      'getDatastackInfo',
      async () => {
        const version = mirror === NO_MIRROR ? undefined : await serverVersion(sig)
        return requestEndpoint(http, infoV2.datastackInfo, {
          baseUrl,
          params: { datastack: ds },
          ...(mirror !== NO_MIRROR && { query: { image_source_name: mirror }, serverVersion: version ?? null }),
          service: 'info',
          ...sig,
        })
      },
      mirror === NO_MIRROR
        ? async () => fromLegacyRecord(await requestEndpoint(http, infoV1.dataset, { baseUrl, params: { dataset: ds }, ...sig }))
        : undefined,
      signal,
    )
  }

  async function getDatastackInfo(o: GetDatastackInfoOptions = {}): Promise<DatastackInfo> {
    const ds = datastackOf(o, 'getDatastackInfo')
    const mirror = o.imageMirror ?? NO_MIRROR
    if (typeof mirror !== 'string') throw new InvalidParameterError('imageMirror', 'imageMirror must be a string')
    const k = key(ds, mirror)
    return o.useStored === false ? records.refresh(k, signalOf(o)) : records.get(k, signalOf(o))
  }

  async function alignedVolumeName(name: string | undefined, o: DatastackCallOptions | undefined, method: string) {
    if (name !== undefined) return name
    datastackOf(o, method)
    return (await getDatastackInfo({ ...o, datastack: o?.datastack })).aligned_volume.name
  }

  async function getImageMirrors(o: DatastackCallOptions = {}): Promise<AlignedVolumeInfo[]> {
    const ds = datastackOf(o, 'getImageMirrors')
    const sig = signalOf(o)
    return v2OrLegacy(
      'getImageMirrors',
      async () =>
        requestEndpoint(http, infoV2.imageSources, {
          baseUrl,
          params: { datastack: ds },
          serverVersion: (await serverVersion(sig)) ?? null,
          service: 'info',
          ...sig,
        }),
      undefined,
      o.signal,
    )
  }

  async function localServer(o?: DatastackCallOptions): Promise<string> {
    const info = await getDatastackInfo(o)
    if (typeof info.local_server !== 'string' || !info.local_server) {
      throw new ServerIncompatibilityError(
        { feature: 'info.localServer', required: 'a local_server in the datastack record', actual: 'none', service: 'info' },
        `the info record of ${datastackOf(o, 'localServer')} has no local_server`,
      )
    }
    return normalizeServerAddress(info.local_server, 'local_server')
  }

  async function source(field: 'segmentation_source' | 'synapse_segmentation_source', o: SourceOptions = {}) {
    const formatFor = o.formatFor ?? 'raw'
    formatSource(null, formatFor) // rejects an unknown formatFor before any request
    const info = await getDatastackInfo(o)
    const value = info[field]
    return formatSource(typeof value === 'string' ? value : null, formatFor)
  }

  return {
    serverAddress: baseUrl,
    datastack: ctx.datastack,
    get apiVersion() {
      return apiVersion
    },
    getServerVersion: (o) => serverVersion(o),
    getDatastacks: (o = {}) =>
      v2OrLegacy(
        'getDatastacks',
        () => requestEndpoint(http, infoV2.datastacks, { baseUrl, ...signalOf(o) }),
        () => requestEndpoint(http, infoV1.datasets, { baseUrl, ...signalOf(o) }),
        o.signal,
      ),
    getDatastackInfo,
    getAlignedVolumes: (o = {}) =>
      v2OrLegacy('getAlignedVolumes', () => requestEndpoint(http, infoV2.alignedVolumes, { baseUrl, ...signalOf(o) }), undefined, o.signal),
    async getAlignedVolumeInfo(name, o = {}) {
      if (name === undefined) {
        datastackOf(o, 'getAlignedVolumeInfo')
        return (await getDatastackInfo(o)).aligned_volume
      }
      return v2OrLegacy(
        'getAlignedVolumeInfo',
        () => requestEndpoint(http, infoV2.alignedVolume, { baseUrl, params: { aligned_volume: name }, ...signalOf(o) }),
        undefined,
        o.signal,
      )
    },
    getAlignedVolumeInfoById(id, o = {}) {
      if (!Number.isSafeInteger(id) || id < 0) {
        return Promise.reject(new InvalidParameterError('id', `aligned volume id must be a non-negative integer, got ${String(id)}`))
      }
      return v2OrLegacy(
        'getAlignedVolumeInfoById',
        () => requestEndpoint(http, infoV2.alignedVolumeById, { baseUrl, params: { id }, ...signalOf(o) }),
        undefined,
        o.signal,
      )
    },
    async getDatastacksByAlignedVolume(name, o = {}) {
      const av = await alignedVolumeName(name, o, 'getDatastacksByAlignedVolume')
      return v2OrLegacy(
        'getDatastacksByAlignedVolume',
        () => requestEndpoint(http, infoV2.datastacksByAlignedVolume, { baseUrl, params: { aligned_volume: av }, ...signalOf(o) }),
        undefined,
        o.signal,
      )
    },
    getImageMirrors,
    getImageMirrorNames: async (o) => (await getImageMirrors(o)).map((m) => m.name),
    localServer,
    async viewerSite(o) {
      const site = (await getDatastackInfo(o)).viewer_site
      return typeof site === 'string' && site ? site : null
    },
    async annotationEndpoint(o) {
      return `${await localServer(o)}/annotation`
    },
    async imageSource(o = {}) {
      const formatFor = o.formatFor ?? 'raw'
      formatSource(null, formatFor)
      const info = await getDatastackInfo({ ...o, imageMirror: o.imageMirror })
      return formatSource(info.aligned_volume?.image_source ?? null, formatFor)
    },
    segmentationSource: (o) => source('segmentation_source', o),
    synapseSegmentationSource: (o) => source('synapse_segmentation_source', o),
    async viewerResolution(o) {
      const info = await getDatastackInfo(o)
      const r = [info.viewer_resolution_x, info.viewer_resolution_y, info.viewer_resolution_z]
      if (!r.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new ServerIncompatibilityError(
          { feature: 'info.viewerResolution', required: 'viewer_resolution_x|y|z in the datastack record', actual: 'missing', service: 'info' },
          `the info record of ${datastackOf(o, 'viewerResolution')} has no numeric viewer_resolution_x|y|z`,
        )
      }
      return r as [number, number, number]
    },
    async refreshStoredData(o = {}) {
      await Promise.all(records.keys().map((k) => records.refresh(k, signalOf(o))))
    },
  }
}

/**
 * A legacy v1 dataset record (`{G}/info/api/dataset/{dataset}`) in the v2 shape: its own keys are
 * kept, and `aligned_volume`, `local_server` and `segmentation_source` are derived from them.
 */
export function fromLegacyRecord(record: Record<string, unknown>): DatastackInfo {
  const str = (k: string) => (typeof record[k] === 'string' && record[k] ? (record[k] as string) : undefined)
  const strip = (url: string | undefined, suffix: string) =>
    url === undefined ? undefined : url.replace(/\/+$/, '').replace(new RegExp(`${suffix}$`), '')
  const localServer = strip(str('annotation_engine_endpoint'), '/annotation') ?? strip(str('pychunkgraph_endpoint'), '/segmentation')
  return {
    viewer_site: str('viewer_site') ?? (null as unknown as string),
    synapse_table: null,
    soma_table: null,
    analysis_database: null,
    description: str('description') ?? '',
    ...record,
    aligned_volume: {
      name: str('name') ?? '',
      id: typeof record.id === 'number' ? record.id : -1,
      image_source: str('image_source') ?? '',
      description: str('description') ?? '',
    },
    local_server: localServer ?? (null as unknown as string),
    segmentation_source: str('graphene_source') ?? str('pychunkgraph_segmentation_source') ?? (null as unknown as string),
    synapse_segmentation_source: str('synapse_segmentation_source') ?? null,
    legacy_api: 1,
  } as unknown as DatastackInfo
}
