/**
 * `graphene://` volumes (volumes.md §7): a PyChunkedGraph segmentation. The info comes from the
 * chunkedgraph (`GET {L}/segmentation/table/{table}/info`); supervoxels are read from its
 * `data_dir` (ordinary storage, never sent the token); `agglomerate` maps them to root ids at a
 * timestamp through the chunkedgraph client's `getRoots` (batches of 250,000), and `segids`
 * masks a cutout to given roots through their leaves. compressed_segmentation chunks are remapped
 * by rewriting their label tables (`remapCompressedSegmentation`), so each distinct label is
 * looked up once and mapped once; other encodings are remapped after assembly.
 */
import type { Authorizer } from '@daf/auth'
import { compressedSegmentationLabels, remapCompressedSegmentation } from '@daf/codec-wasm'
import {
  type ChunkedGraphClient,
  type ServiceContext,
  consoleLogger,
  createChunkedGraphClient,
  createHttpClient,
  toTimestampSeconds,
} from '@daf/services'
import { ChunkGrid, type Box, type BoxLike, type Vec3, boxShape } from './box.js'
import { CloudVolume, type CloudVolumeOptions, type Cutout, type ProgressEvent, type ReadOptions, type ReadTarget, type VolumeInit, type WriteData } from './cloudvolume.js'
import {
  AuthenticationError,
  InfoUnavailableError,
  InvalidArgumentError,
  ReadOnlyException,
  UnsupportedGrapheneAPIVersionError,
  UnsupportedProtocolError,
} from './errors.js'
import { type Scale, type VolumeInfo, validateInfo } from './info.js'
import { openStorage } from './open-storage.js'
import { defaultProvenance } from './provenance.js'

/** Ids per `roots_binary` request (CV's batch size). */
export const ROOTS_BATCH_SIZE = 250_000

export interface GrapheneReadOptions extends ReadOptions {
  /** Map supervoxels to root ids (default: the volume's `agglomerate`). */
  agglomerate?: boolean
  /** Roots at this time (unix seconds, Date or ISO 8601; rounded up to whole seconds). Default: the volume's `timestamp`, else latest. */
  timestamp?: number | Date | string
  /** Map to this layer's ids instead of roots (1..n_layers). */
  stopLayer?: number
  /** Keep only these roots: their leaves become the root id, everything else 0 (or the dtype maximum with `preserveZeros`). */
  segids?: ReadonlyArray<bigint | number>
  preserveZeros?: boolean
}

/** The info's `graph` section (defaults as CV: 8 layer bits). */
export interface GrapheneGraph {
  n_layers: number
  n_bits_for_layer_id: number
  chunk_size?: number[]
  spatial_bit_masks?: Record<string, number>
  cv_mip?: number
  fan_out?: number
  [extra: string]: unknown
}

/** The parts of a graphene path. */
export interface GraphenePath {
  /** `{L}`: the chunkedgraph server (origin plus any path prefix before `/segmentation`). */
  server: string
  tableId: string
  /** `table` (latest), `api/v1`, or legacy `1.0`. */
  api: 'table' | 'v1' | '1.0'
}

/** Parses `graphene://[middleauth+]https://HOST/segmentation/{table|api/v1|1.0}/NAME`. */
export function parseGraphenePath(cloudpath: string): GraphenePath {
  const raw = cloudpath.trim().replace(/^graphene:\/\//i, '').replace(/^middleauth\+/i, '')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UnsupportedProtocolError(`graphene path "${cloudpath}" is not graphene://https://host/segmentation/table/<name>`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsupportedProtocolError(`graphene path "${cloudpath}": the chunkedgraph must be reached over http(s), got ${url.protocol}`)
  }
  const m = /^(.*?)\/segmentation\/(table|api\/v1|1\.0)\/([^/]+)\/?$/.exec(url.pathname)
  if (!m) {
    throw new UnsupportedProtocolError(
      `graphene path "${cloudpath}" has no /segmentation/table/<name> (or /segmentation/api/v1/<name>, /segmentation/1.0/<name>) part`,
    )
  }
  return { server: `${url.origin}${m[1]}`, tableId: decodeURIComponent(m[3]!), api: m[2] === 'table' ? 'table' : m[2] === '1.0' ? '1.0' : 'v1' }
}

/**
 * The caller's Authorizer restricted to the chunkedgraph's origin: its token goes there and
 * nowhere else (never to `data_dir` storage, even on the same host the HTTP client of storage is a
 * different one).
 */
function chunkedgraphAuthorizer(inner: Authorizer | undefined, origin: string): Authorizer | undefined {
  if (!inner) return undefined
  const same = (url: string | URL): boolean => {
    try {
      return new URL(String(url)).origin === origin
    } catch {
      return false
    }
  }
  const headers = (url: string | URL): Record<string, string> => {
    if (!same(url)) return {}
    const h = inner.headersFor(url)
    if (Object.keys(h).length > 0) return h
    // An AuthClient that was not told about this origin: the caller opened this graphene path with it.
    const request = (inner as { requestHeader?: () => Record<string, string> }).requestHeader
    return typeof request === 'function' ? request.call(inner) : {}
  }
  return {
    authorizes: (url) => same(url) && Object.keys(headers(url)).length > 0,
    headersFor: headers,
    redact: (text) => inner.redact(text),
  }
}

function timestampSeconds(value: number | Date | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined
  try {
    return Math.ceil(toTimestampSeconds(value, field))
  } catch (error) {
    throw new InvalidArgumentError(field, value, 'unix seconds, a Date or an ISO 8601 string', (error as Error).message)
  }
}

export class GrapheneVolume extends CloudVolume {
  readonly chunkedgraph: ChunkedGraphClient
  readonly graphenePath: GraphenePath
  /** `info.data_dir`: where the supervoxels are read from. */
  readonly dataDir: string
  agglomerate: boolean
  timestamp: number | Date | string | undefined

  protected constructor(
    init: VolumeInit,
    extra: { chunkedgraph: ChunkedGraphClient; path: GraphenePath; dataDir: string },
  ) {
    super(init)
    this.chunkedgraph = extra.chunkedgraph
    this.graphenePath = extra.path
    this.dataDir = extra.dataDir
    this.agglomerate = init.options.agglomerate ?? false
    this.timestamp = init.options.timestamp
    timestampSeconds(this.timestamp, 'timestamp')
  }

  static async openGraphene(cloudpath: string, options: CloudVolumeOptions = {}): Promise<GrapheneVolume> {
    const path = parseGraphenePath(cloudpath)
    if (path.api === '1.0') {
      throw new UnsupportedGrapheneAPIVersionError(`the legacy chunkedgraph API 1.0 is not supported (${cloudpath}); use /segmentation/table/<name>`)
    }
    const origin = new URL(path.server).origin
    const http = createHttpClient({
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.auth && { auth: chunkedgraphAuthorizer(options.auth, origin)! }),
      // CloudFiles' policy for graphene requests too (volumes.md §5).
      retry: { retries: 6, statuses: [408, 429, 500, 502, 503, 504], baseDelayMs: 500, maxDelayMs: 60_000 },
    })
    const noDatastack = async (): Promise<never> => {
      throw new InvalidArgumentError('datastack', undefined, 'none: a graphene:// volume talks to its chunkedgraph directly')
    }
    const ctx: ServiceContext = {
      http,
      auth: (options.auth ?? { authorizes: () => false, headersFor: () => ({}), redact: (t: string) => t }) as ServiceContext['auth'],
      serverAddress: path.server,
      datastack: undefined,
      logger: consoleLogger,
      datastackInfo: noDatastack,
      localServer: async () => path.server,
    }
    const chunkedgraph = createChunkedGraphClient(ctx, { tableId: path.tableId })
    let raw: Record<string, unknown>
    try {
      raw = (await chunkedgraph.segmentationInfo({ signal: options.signal })) as unknown as Record<string, unknown>
    } catch (error) {
      const status = (error as { status?: number }).status
      if (status === 401 || status === 403) {
        throw new AuthenticationError(`the chunkedgraph refused the info of ${path.tableId} (HTTP ${status}): pass auth (an AuthClient with a token for ${origin})`, { cause: error })
      }
      throw new InfoUnavailableError(`no graphene info for ${path.tableId} at ${path.server}: ${(error as Error).message}`, { cause: error })
    }
    const info = validateInfo(raw)
    const app = raw.app as { supported_api_versions?: unknown } | undefined
    const versions = Array.isArray(app?.supported_api_versions) ? app.supported_api_versions : undefined
    if (versions && !versions.includes(1)) {
      throw new UnsupportedGrapheneAPIVersionError(`the chunkedgraph supports API versions ${JSON.stringify(versions)} (indices into ['1.0', 'v1']); this client speaks v1`)
    }
    const dataDir = typeof raw.data_dir === 'string' ? raw.data_dir : undefined
    if (!dataDir) throw new InfoUnavailableError(`graphene info of ${path.tableId} has no data_dir`)
    const storage = options.storage ?? (await openStorage(dataDir.replace(/^precomputed:\/\//i, ''), options))
    const vol = new GrapheneVolume(
      { cloudpath: cloudpath.trim(), storage, info, provenance: defaultProvenance(), redirectedFrom: [], options },
      { chunkedgraph, path, dataDir },
    )
    await vol.prepareCodecs()
    return vol
  }

  /** Graph parameters of the info (`graph`). */
  get graph(): GrapheneGraph {
    const g = ((this.info as VolumeInfo & { graph?: Partial<GrapheneGraph> }).graph ?? {}) as Partial<GrapheneGraph>
    return { ...g, n_bits_for_layer_id: g.n_bits_for_layer_id ?? 8, n_layers: g.n_layers ?? 12 }
  }

  /** Layer of a node id (top `n_bits_for_layer_id` bits). */
  layerOf(id: bigint): number {
    return Number(id >> BigInt(64 - this.graph.n_bits_for_layer_id))
  }

  override get readOnly(): boolean {
    return true
  }

  override async write(_bounds: BoxLike, _data: WriteData): Promise<void> {
    throw new ReadOnlyException(`${this.cloudpath}: graphene volumes are read-only (write to the data_dir layer ${this.dataDir} instead)`)
  }

  override async delete(): Promise<void> {
    throw new ReadOnlyException(`${this.cloudpath}: graphene volumes are read-only`)
  }

  override async commitInfo(): Promise<void> {
    throw new ReadOnlyException(`${this.cloudpath}: the graphene info belongs to the chunkedgraph`)
  }

  override async commitProvenance(): Promise<void> {
    throw new ReadOnlyException(`${this.cloudpath}: graphene volumes are read-only`)
  }

  /** Reads supervoxels, or root ids with `agglomerate`, or a root mask with `segids`. */
  override read(bounds: BoxLike, options: GrapheneReadOptions = {}): Promise<Cutout> {
    return super.read(bounds, options)
  }

  override download(bounds: BoxLike, options: GrapheneReadOptions = {}): Promise<Cutout> {
    return this.read(bounds, options)
  }

  protected override async readInto(
    scale: Scale,
    region: Box,
    target: ReadTarget,
    options: GrapheneReadOptions & { operation?: ProgressEvent['operation'] },
  ): Promise<void> {
    const agglomerate = options.agglomerate ?? this.agglomerate
    const segids = options.segids
    if (!agglomerate && segids === undefined) return super.readInto(scale, region, target, options)
    const nLayers = this.graph.n_layers
    const stopLayer = options.stopLayer
    if (stopLayer !== undefined && (!Number.isInteger(stopLayer) || stopLayer < 1 || stopLayer > nLayers)) {
      throw new InvalidArgumentError('stopLayer', stopLayer, `an integer from 1 to ${nLayers}`)
    }
    const timestamp = timestampSeconds(options.timestamp ?? this.timestamp, 'timestamp')
    const signal = options.signal
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const cells = [...grid.cells(region)]
    const fillMissing = options.fillMissing ?? this.fillMissing
    const cseg = scale.encoding === 'compressed_segmentation' && this.dataType === 'uint64' && scale.blockSize !== undefined
    const operation = options.operation ?? 'read'

    // 1. Fetch every chunk (stored bytes are small) and list its labels without decoding.
    const fetched: Array<{ cell: { grid: Vec3; box: Box }; file: string; stored: Uint8Array | undefined }> = []
    await this.fetchCells(scale, cells, signal, (cell, file, stored) => {
      fetched.push({ cell, file, stored })
    })
    const shape = (box: Box): [number, number, number, number] => [...boxShape(box), this.numChannels]
    let labels: Set<bigint>
    if (cseg) {
      labels = new Set()
      for (const f of fetched) {
        if (f.stored && f.stored.byteLength > 0) for (const l of compressedSegmentationLabels(f.stored, shape(f.cell.box), scale.blockSize!, 'uint64')) labels.add(l)
      }
    } else {
      // Other encodings: assemble first, then remap the assembled region.
      let bytes = 0
      let done = 0
      for (const f of fetched) {
        bytes += await this.placeChunk(scale, f.cell, f.file, f.stored, region, target, fillMissing)
        this.emitProgress(options.onProgress, { operation, mip: scale.mip, done: ++done, total: cells.length, bytes })
      }
      labels = uniqueLabels(target.data as BigUint64Array)
    }
    labels.delete(0n)

    // 2. One mapping for all distinct labels.
    const mapping = await this.#mapping(labels, { agglomerate, segids, stopLayer, timestamp, region, scale, preserveZeros: options.preserveZeros === true, signal })

    // 3. Remap (label tables for compressed_segmentation) and place.
    if (cseg) {
      let bytes = 0
      let done = 0
      for (const f of fetched) {
        let stored = f.stored
        if (stored && stored.byteLength > 0) stored = remapCompressedSegmentation(stored, shape(f.cell.box), scale.blockSize!, 'uint64', mapping, { preserveMissing: true })
        bytes += await this.placeChunk(scale, f.cell, f.file, stored, region, target, fillMissing)
        this.emitProgress(options.onProgress, { operation, mip: scale.mip, done: ++done, total: cells.length, bytes })
      }
    } else {
      remapInPlace(target.data as BigUint64Array, mapping)
    }
  }

  async #mapping(
    labels: Set<bigint>,
    o: {
      agglomerate: boolean
      segids: ReadonlyArray<bigint | number> | undefined
      stopLayer: number | undefined
      timestamp: number | undefined
      region: Box
      scale: Scale
      preserveZeros: boolean
      signal: AbortSignal | undefined
    },
  ): Promise<Map<bigint, bigint>> {
    const mapping = new Map<bigint, bigint>()
    const top = o.stopLayer ?? this.graph.n_layers
    if (o.agglomerate) {
      // Ids already at the root layer (or the stop layer) stay as they are.
      const ask = [...labels].filter((id) => this.layerOf(id) < top)
      if (ask.length > 0) {
        const roots = await this.chunkedgraph.getRoots(BigUint64Array.from(ask), {
          batchSize: ROOTS_BATCH_SIZE,
          ...(o.timestamp !== undefined && { timestamp: o.timestamp }),
          ...(o.stopLayer !== undefined && { stopLayer: o.stopLayer }),
          ...(o.signal && { signal: o.signal }),
        })
        ask.forEach((id, i) => mapping.set(id, roots[i]!))
      }
      if (o.segids === undefined) return mapping
    }
    // segids: leaves of each root inside the request (mip-0 voxels) → that root; all else 0 / max.
    const roots = o.segids!.map((s) => {
      if (typeof s === 'bigint') return s
      if (Number.isSafeInteger(s) && s >= 0) return BigInt(s)
      throw new InvalidArgumentError('segids', s, 'uint64 ids (bigint or safe integers)')
    })
    const keep = new Map<bigint, bigint>()
    if (o.agglomerate) {
      const wanted = new Set(roots)
      for (const [sv, root] of mapping) if (wanted.has(root)) keep.set(sv, root)
      for (const l of labels) if (wanted.has(l)) keep.set(l, l)
    } else {
      const res0 = this.scale(0).resolution
      const f = o.scale.resolution.map((r, d) => r / res0[d]!)
      const box0 = o.region.map(([a, b], d) => [Math.max(0, Math.floor(a * f[d]!)), Math.max(0, Math.ceil(b * f[d]!))]) as Box
      for (const root of roots) {
        const leaves = await this.chunkedgraph.getLeaves(root, {
          bounds: box0,
          ...(o.stopLayer !== undefined && { stopLayer: o.stopLayer }),
          ...(o.signal && { signal: o.signal }),
        })
        for (const leaf of leaves) keep.set(leaf, root)
        if (labels.has(root)) keep.set(root, root)
      }
    }
    const other = o.preserveZeros ? 0xffffffffffffffffn : 0n
    const out = new Map<bigint, bigint>()
    for (const l of labels) out.set(l, keep.get(l) ?? other)
    return out
  }

  /** Unique root ids (or supervoxels without `agglomerate`) in a box, without rendering a cutout twice. */
  async uniqueIds(bounds: BoxLike, options: GrapheneReadOptions = {}): Promise<BigUint64Array> {
    const cut = await this.read(bounds, options)
    const set = uniqueLabels(cut.data as BigUint64Array)
    return BigUint64Array.from([...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  }
}

/** Distinct values of a uint64 array (runs of equal neighbours are skipped cheaply). */
function uniqueLabels(data: BigUint64Array): Set<bigint> {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2)
  const out = new Set<bigint>()
  let lo = -1
  let hi = -1
  for (let i = 0; i < data.length; i++) {
    const a = words[2 * i]!
    const b = words[2 * i + 1]!
    if (a === lo && b === hi) continue
    lo = a
    hi = b
    out.add(data[i]!)
  }
  return out
}

/** Applies `mapping` to every element (labels not in it stay); runs of equal neighbours cost one lookup. */
function remapInPlace(data: BigUint64Array, mapping: ReadonlyMap<bigint, bigint>): void {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length * 2)
  let lo = -1
  let hi = -1
  let nlo = 0
  let nhi = 0
  for (let i = 0; i < data.length; i++) {
    const a = words[2 * i]!
    const b = words[2 * i + 1]!
    if (a !== lo || b !== hi) {
      lo = a
      hi = b
      const v = data[i]!
      const m = mapping.get(v) ?? v
      nlo = Number(m & 0xffffffffn)
      nhi = Number(m >> 32n)
    }
    words[2 * i] = nlo
    words[2 * i + 1] = nhi
  }
}

