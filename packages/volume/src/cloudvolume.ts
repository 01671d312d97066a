/**
 * CloudVolume for Neuroglancer precomputed volumes (volumes.md §6): open (info, redirects),
 * cutout reads into one preallocated array, aligned and non-aligned writes, exists/delete,
 * downloadPoint, transferTo, createNewInfo/addScale/commitInfo, provenance, mip locking.
 */
import { init as initCodec } from '@daf/codec-wasm'
import { parseJson } from '@daf/services'
import type { Authorizer } from '@daf/auth'
import { copyRegion } from './assemble.js'
import {
  type Box,
  type BoxLike,
  ChunkGrid,
  type Vec3,
  boxEquals,
  boxShape,
  boxVoxels,
  chunkName,
  cloneBox,
  contains,
  formatBox,
  intersect,
  toBox,
} from './box.js'
import {
  type DataType,
  type DataTypeArrays,
  type Scalar,
  type VolumeArray,
  allEqual,
  allocate,
  bytesOf,
  bytesPerElement,
  dataTypeOfArray,
  fillArray,
  toElement,
} from './dtypes.js'
import { type ChunkFormat, type ChunkInto, checkFormat, contentTypeOf, decodeChunksInto, decodeChunkTransient, decodesInto, defaultCompression, encodeChunk } from './encodings.js'
import { ChunkRows } from './chunk-rows.js'
import {
  AlignmentError,
  CyclicRedirect,
  EmptyRequestException,
  EmptyVolumeException,
  InfoUnavailableError,
  InvalidArgumentError,
  OutOfBoundsError,
  ReadOnlyException,
  TooManyRedirects,
} from './errors.js'
import {
  type AddScaleOptions,
  type MipSelector,
  type NewInfoOptions,
  type Scale,
  type ScaleInfo,
  type VolumeInfo,
  addScale as addScaleToInfo,
  createNewInfo,
  dataTypeOf,
  formatInfo,
  resolveMip,
  scaleOf,
  validateInfo,
} from './info.js'
import { runPool } from './pool.js'
import { PageGate } from './page-gate.js'
import { zeroFill } from '#zero-fill'
import { type Provenance, defaultProvenance, formatProvenance, normalizeProvenance, parseProvenance } from './provenance.js'
import { ShardedScale } from './sharded-scale.js'
import type { Storage, StorageSetOptions } from './storage/storage.js'
import { type OpenStorageOptions, openStorage, samePath } from './open-storage.js'
import type { StorageOptions } from './storage/factory.js'

/** A progress report: chunks done of the chunks this call touches. */
export interface ProgressEvent {
  operation: 'read' | 'write' | 'delete' | 'exists' | 'transfer'
  mip: number
  done: number
  total: number
  /** Bytes fetched or stored so far (as stored, after transport decoding). */
  bytes: number
}

export type ProgressCallback = (event: ProgressEvent) => void

export interface CloudVolumeOptions {
  /** Mip index (negative counts from the end) or resolution. Default 0. */
  mip?: MipSelector
  /** Out-of-bounds requests raise `OutOfBoundsError` (default true); false fills them with background. */
  bounded?: boolean
  /** Crop reads and writes to the bounds first. Default false. */
  autocrop?: boolean
  /** Missing chunks read as background instead of raising `EmptyVolumeException`. Default false. */
  fillMissing?: boolean
  /** Fill value (bigint or safe integer for 64-bit types; NaN allowed for floats). Default 0. */
  backgroundColor?: Scalar
  /** Read-modify-write edge chunks instead of raising `AlignmentError`. Default false. */
  nonAlignedWrites?: boolean
  /** With `nonAlignedWrites`: pad edge chunks with background instead of reading them. Default false. */
  overwritePartialChunks?: boolean
  /** Chunks equal to the background everywhere are deleted instead of written. Default false. */
  deleteBlackUploads?: boolean
  /** Requests in flight per operation. Default 20. */
  concurrency?: number
  /** Progress of every operation (per-call `onProgress` also works). */
  progress?: ProgressCallback
  /**
   * Transport compression of written chunks (CV `compress`): undefined → gzip for raw,
   * compressed_segmentation (§3.3); true/'gzip' → gzip; 'br' → brotli; false → none.
   */
  compress?: boolean | 'gzip' | 'br'
  /** CV `cdn_cache` (§3.4): true → `max-age=3600, s-max-age=3600`; n → `max-age=n, s-max-age=n`; 0/false → `no-cache`; a string verbatim. */
  cdnCache?: boolean | number | string
  /** Redirect hops followed on open (§1.3). Default 10; <= 0 disables. */
  maxRedirects?: number
  /** Use this info instead of fetching it (commit it with `commitInfo`). */
  info?: VolumeInfo
  /** Use this provenance (object or JSON text) instead of fetching it. */
  provenance?: Provenance | string
  /** Use this storage instead of opening one from the path. */
  storage?: Storage
  /** gs:// / s3:// through their public HTTPS endpoints (CV `use_https`). */
  useHttps?: boolean
  /**
   * Storage settings passed to `storageFor`: `gcsToken` (an OAuth bearer for gs://),
   * `s3Credentials`, `secretsDir`, `retry`, timeouts, aliases. Never the deployment's token.
   */
  storageOptions?: StorageOptions
  /**
   * graphene:// only: the chunkedgraph's Authorizer (e.g. an `AuthClient`); the token goes to the
   * chunkedgraph origin only, never to storage (`data_dir`).
   */
  auth?: Authorizer
  /** `fetch` for HTTP storage and the chunkedgraph (tests, msw). */
  fetch?: typeof globalThis.fetch
  /** graphene: map supervoxels to root ids on read. Default false. */
  agglomerate?: boolean
  /** graphene: the roots' timestamp (unix seconds, Date or ISO 8601). Default: latest. */
  timestamp?: number | Date | string
  signal?: AbortSignal
}

export interface CallOptions {
  signal?: AbortSignal
  /** Overrides the volume's mip for this call. */
  mip?: MipSelector
  onProgress?: ProgressCallback
}

export interface ReadOptions extends CallOptions {
  /** Overrides the volume's `fillMissing` for this call. */
  fillMissing?: boolean
}

/** What `read` returns: x fastest, then y, z, channel. */
export interface Cutout<D extends DataType = DataType> {
  data: DataTypeArrays[D]
  /** `[x, y, z, channels]`. */
  shape: [number, number, number, number]
  /** The box read (absolute voxel coordinates at `mip`). */
  bounds: Box
  mip: number
  resolution: Vec3
  dataType: D
}

/** What the (protected) constructor takes; `CloudVolume.open` builds it. */
export interface VolumeInit {
  cloudpath: string
  storage: Storage
  info: VolumeInfo
  provenance: Provenance
  redirectedFrom: string[]
  options: CloudVolumeOptions
}

/** Where `readInto` copies chunks: an array covering `box`, `channels` channels from `channelStart`. */
export interface ReadTarget {
  box: Box
  channels: number
  data: VolumeArray
  channelStart: number
}

/** One stored chunk handed out by `CloudVolume.fetchChunks`. */
export interface StoredChunk {
  /** Grid position at the mip. */
  grid: Vec3
  /** The chunk's box (absolute voxels, clipped at the volume's upper bounds). */
  box: Box
  /** Object key (unsharded) or a description of its place in a shard. */
  key: string
  /** Stored bytes, transport-decoded, in the scale's encoding; undefined when the chunk is missing. */
  bytes: Uint8Array | undefined
}

/** Array-like data for `write`: a typed array (Fortran order) with an optional shape, or a scalar to broadcast. */
export type WriteData = VolumeArray | { data: VolumeArray; shape?: readonly number[] } | Scalar

const DEFAULT_CONCURRENCY = 20

function normalizePath(path: string): string {
  return path.trim().replace(/^precomputed:\/\//i, '').replace(/\/+$/, '')
}

function cacheControlOf(cdn: boolean | number | string | undefined): string {
  if (cdn === undefined || cdn === true) return 'max-age=3600, s-max-age=3600'
  if (cdn === false || cdn === 0) return 'no-cache'
  if (typeof cdn === 'string') return cdn
  if (!Number.isInteger(cdn) || cdn < 0) throw new InvalidArgumentError('cdnCache', cdn, 'true, false, a non-negative integer or a string')
  return `max-age=${cdn}, s-max-age=${cdn}`
}

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

export class CloudVolume {
  /** The path the volume was opened with (format prefix dropped). */
  readonly cloudpath: string
  readonly storage: Storage
  /** The info in use (mutate, then `commitInfo`). */
  info: VolumeInfo
  provenance: Provenance
  /** Paths visited before the final one when the info redirected (§1.3). */
  readonly redirectedFrom: readonly string[]
  bounded: boolean
  autocrop: boolean
  fillMissing: boolean
  nonAlignedWrites: boolean
  overwritePartialChunks: boolean
  deleteBlackUploads: boolean
  concurrency: number
  progress: ProgressCallback | undefined
  compress: boolean | 'gzip' | 'br' | undefined
  cdnCache: boolean | number | string | undefined
  #mip = 0
  #background: Scalar = 0
  readonly #sharded = new Map<number, ShardedScale>()
  // Per read target (internal, so ReadTarget stays what subclasses build): the page gate of a
  // fresh output, and the compressed_segmentation chunks waiting for the rest of their grid row.
  readonly #gates = new WeakMap<ReadTarget, PageGate>()
  readonly #rows = new WeakMap<ReadTarget, ChunkRows<ChunkInto>>()
  readonly #openOptions: OpenStorageOptions

  protected constructor(init: VolumeInit) {
    const o = init.options
    this.#openOptions = { fetch: o.fetch, storageOptions: o.storageOptions }
    this.cloudpath = init.cloudpath
    this.storage = init.storage
    this.info = init.info
    this.provenance = init.provenance
    this.redirectedFrom = init.redirectedFrom
    this.bounded = o.bounded ?? true
    this.autocrop = o.autocrop ?? false
    this.fillMissing = o.fillMissing ?? false
    this.nonAlignedWrites = o.nonAlignedWrites ?? false
    this.overwritePartialChunks = o.overwritePartialChunks ?? false
    this.deleteBlackUploads = o.deleteBlackUploads ?? false
    this.concurrency = o.concurrency ?? DEFAULT_CONCURRENCY
    this.progress = o.progress
    this.compress = o.compress
    this.cdnCache = o.cdnCache
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new InvalidArgumentError('concurrency', o.concurrency, 'an integer >= 1')
    }
    this.backgroundColor = o.backgroundColor ?? 0
    this.mip = o.mip ?? 0
  }

  /**
   * Opens a layer: `precomputed://gs://bucket/layer`, `gs://…`, `s3://…`, `https://…`,
   * `file:///…`, `mem://name/layer`, or `graphene://https://host/segmentation/table/name`.
   * Fetches `info` (following redirects) and `provenance` unless given.
   */
  static async open(cloudpath: string, options: CloudVolumeOptions = {}): Promise<CloudVolume> {
    if (/^graphene:\/\//i.test(cloudpath.trim())) {
      const { GrapheneVolume } = await import('./graphene.js')
      return GrapheneVolume.openGraphene(cloudpath, options)
    }
    const { signal } = options
    const path = normalizePath(cloudpath)
    let storage = options.storage ?? (await openStorage(path, options))
    let info: VolumeInfo
    const visited = [path]
    if (options.info) {
      info = validateInfo(structuredClone(options.info))
    } else {
      info = await fetchInfo(storage, signal)
      const maxRedirects = options.maxRedirects ?? 10
      let current = path
      let hops = 0
      while (maxRedirects > 0 && typeof info.redirect === 'string' && info.redirect.trim() !== '') {
        const target = normalizePath(info.redirect)
        if (samePath(target, current)) break
        if (visited.some((v) => samePath(v, target))) {
          throw new CyclicRedirect(`info redirect cycle: ${[...visited, target].join(' -> ')}`)
        }
        if (hops >= maxRedirects) {
          throw new TooManyRedirects(`more than ${maxRedirects} info redirects: ${[...visited, target].join(' -> ')}`)
        }
        hops++
        visited.push(target)
        current = target
        storage = await openStorage(target, options)
        info = await fetchInfo(storage, signal)
      }
    }
    const provenance =
      options.provenance !== undefined ? normalizeProvenance(options.provenance) : await fetchProvenance(storage, signal)
    const vol = new CloudVolume({
      cloudpath: visited[visited.length - 1]!,
      storage,
      info,
      provenance,
      redirectedFrom: visited.slice(0, -1),
      options,
    })
    await vol.prepareCodecs()
    return vol
  }

  /** CV `create_new_info` (§6.6). */
  static createNewInfo(options: NewInfoOptions): VolumeInfo {
    return createNewInfo(options)
  }

  /** Loads the wasm codec when a scale needs it. */
  protected async prepareCodecs(): Promise<void> {
    if (this.info.scales.some((s) => s.encoding.toLowerCase() === 'compressed_segmentation')) await initCodec()
  }

  // -------------------------------------------------------------------------------------------
  // Accessors (§6.2)

  get mip(): number {
    return this.#mip
  }

  set mip(value: MipSelector) {
    this.#mip = resolveMip(this.info, value)
  }

  get backgroundColor(): Scalar {
    return this.#background
  }

  set backgroundColor(value: Scalar) {
    this.#background = toElement(this.dataType, value)
  }

  get dataType(): DataType {
    return dataTypeOf(this.info)
  }

  get numChannels(): number {
    return this.info.num_channels
  }

  get layerType(): string {
    return this.info.type
  }

  get scales(): ScaleInfo[] {
    return this.info.scales
  }

  get availableMips(): number[] {
    return this.info.scales.map((_, i) => i)
  }

  /** True when the volume was opened through a redirect: writes raise `ReadOnlyException`. */
  get readOnly(): boolean {
    return this.redirectedFrom.length > 0 || !this.storage.writable
  }

  /** The parsed scale at `mip` (default: the volume's mip). */
  scale(mip?: MipSelector): Scale {
    return scaleOf(this.info, mip === undefined ? this.#mip : resolveMip(this.info, mip))
  }

  grid(mip?: MipSelector): ChunkGrid {
    const s = this.scale(mip)
    return new ChunkGrid(s.size, s.voxelOffset, s.chunkSize)
  }

  /** `[x, y, z, channels]` at `mip`. */
  shape(mip?: MipSelector): [number, number, number, number] {
    const s = this.scale(mip)
    return [...s.size, this.numChannels]
  }

  volumeSize(mip?: MipSelector): Vec3 {
    return [...this.scale(mip).size]
  }

  voxelOffset(mip?: MipSelector): Vec3 {
    return [...this.scale(mip).voxelOffset]
  }

  resolution(mip?: MipSelector): Vec3 {
    return [...this.scale(mip).resolution]
  }

  chunkSize(mip?: MipSelector): Vec3 {
    return [...this.scale(mip).chunkSize]
  }

  key(mip?: MipSelector): string {
    return this.scale(mip).key
  }

  encoding(mip?: MipSelector): string {
    return this.scale(mip).encoding
  }

  /** `[[x0, x1], [y0, y1], [z0, z1]]` at `mip`. */
  bounds(mip?: MipSelector): Box {
    return cloneBox(this.grid(mip).bounds)
  }

  isSharded(mip?: MipSelector): boolean {
    return this.scale(mip).sharding !== undefined
  }

  protected format(scale: Scale): ChunkFormat {
    return {
      encoding: scale.encoding,
      dataType: this.dataType,
      numChannels: this.numChannels,
      blockSize: scale.blockSize,
      jpegQuality: typeof scale.info.jpeg_quality === 'number' ? scale.info.jpeg_quality : undefined,
      pngLevel: typeof scale.info.png_level === 'number' ? scale.info.png_level : undefined,
    }
  }

  protected shardedScale(scale: Scale): ShardedScale {
    let s = this.#sharded.get(scale.mip)
    if (!s || s.spec !== scale.sharding) {
      s = new ShardedScale(this.storage, scale)
      this.#sharded.set(scale.mip, s)
    }
    return s
  }

  protected emitProgress(onProgress: ProgressCallback | undefined, event: ProgressEvent): void {
    this.progress?.(event)
    onProgress?.(event)
  }

  // -------------------------------------------------------------------------------------------
  // Reads (§6.3)

  /**
   * Reads `bounds` (absolute voxel coordinates at the mip, end exclusive; an optional 4th range
   * selects channels) into one array, x fastest.
   */
  async read(bounds: BoxLike, options: ReadOptions = {}): Promise<Cutout> {
    const { signal } = options
    signal?.throwIfAborted()
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const nc = this.numChannels
    const [c0, c1] = channelRange(bounds, nc)
    let box = toBox(Array.isArray(bounds) && bounds.length === 4 ? bounds.slice(0, 3) : bounds)
    if (this.autocrop) {
      const cropped = intersect(box, grid.bounds)
      if (!cropped) throw new EmptyRequestException(`${formatBox(box)} lies outside the bounds ${formatBox(grid.bounds)} (autocrop)`)
      box = cropped
    }
    if (this.bounded && !contains(grid.bounds, box)) {
      throw new OutOfBoundsError(
        `${formatBox(box)} is outside the bounds ${formatBox(grid.bounds)} of mip ${scale.mip} (pass bounded: false to fill with background)`,
        box,
        grid.bounds,
      )
    }
    const format = this.format(scale)
    checkFormat(format)
    const shape = boxShape(box)
    const channels = c1 - c0
    const data = allocate(this.dataType, shape[0] * shape[1] * shape[2] * channels)
    const inner = intersect(box, grid.bounds)
    if (inner && this.#overlapsRois(scale, inner)) {
      const zeroBackground = this.#background === 0 || this.#background === 0n
      // Only where decoding keeps the main thread busy: for raw chunks the pool (transport
      // decompression) is the busy side, and the main thread's own faults overlap it.
      const pages =
        zeroFill !== undefined && zeroBackground && format.encoding !== 'raw' && data.byteLength >= GATED_OUTPUT_BYTES
          ? new PageGate({ bytes: bytesOf(data), box, channels, elementBytes: bytesPerElement(this.dataType), parts: partsOf(grid, inner), zeroFill })
          : undefined
      const target: ReadTarget = { box, channels, data, channelStart: c0 }
      if (pages !== undefined) this.#gates.set(target, pages)
      const reading = this.readInto(scale, inner, target, { ...options, signal })
      try {
        // The first requests are out: fill (or just touch) the fresh output while they are in
        // flight, so its page faults overlap the I/O instead of the first chunk copies.
        if (pages === undefined) prefill(data, this.#background)
        await reading
      } finally {
        await pages?.close()
      }
    } else if (this.#background !== 0 && this.#background !== 0n) fillArray(data, this.#background)
    return { data, shape: [shape[0], shape[1], shape[2], channels], bounds: box, mip: scale.mip, resolution: [...scale.resolution], dataType: this.dataType }
  }

  /** Alias of `read` (CV `download`). */
  download(bounds: BoxLike, options: ReadOptions = {}): Promise<Cutout> {
    return this.read(bounds, options)
  }

  /**
   * Fetches the chunks overlapping `region` (inside the bounds) and copies them into `target`.
   * Missing chunks follow `fillMissing`.
   */
  protected async readInto(
    scale: Scale,
    region: Box,
    target: ReadTarget,
    options: ReadOptions & { operation?: ProgressEvent['operation'] },
  ): Promise<void> {
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const cells = [...grid.cells(region)]
    const total = cells.length
    const fillMissing = options.fillMissing ?? this.fillMissing
    let done = 0
    let bytes = 0
    await this.fetchCells(scale, cells, options.signal, async (cell, file, stored) => {
      bytes += await this.placeChunk(scale, cell, file, stored, region, target, fillMissing)
      this.emitProgress(options.onProgress, { operation: options.operation ?? 'read', mip: scale.mip, done: ++done, total, bytes })
    })
  }

  /**
   * Fetches the stored bytes (transport-decoded) of `cells` with bounded concurrency (sharded
   * scales: in shard-index batches) and hands each to `each` as it arrives. The first failure
   * (including one thrown by `each`) aborts the rest.
   */
  protected async fetchCells<C extends { grid: Vec3; box: Box }>(
    scale: Scale,
    cells: readonly C[],
    signal: AbortSignal | undefined,
    each: (cell: C, file: string, stored: Uint8Array | undefined) => void | Promise<void>,
  ): Promise<void> {
    if (scale.sharding) {
      const sharded = this.shardedScale(scale)
      signal?.throwIfAborted()
      const batch = sharded.defaultBatch(bytesPerElement(this.dataType) * this.numChannels)
      for await (const [cell, stored] of sharded.fetch(cells, { signal, batch })) await each(cell, sharded.describe(cell.grid), stored)
      return
    }
    await runPool(
      cells,
      this.concurrency,
      async (cell, _i, s) => {
        const file = `${scale.directory}/${chunkName(cell.box)}`
        const stored = await this.storage.get(file, { signal: s })
        s.throwIfAborted()
        await each(cell, file, stored)
      },
      signal,
    )
  }

  /**
   * Decodes one stored chunk and copies its part of `region` (which lies inside `target.box`)
   * into the target. A missing chunk raises `EmptyVolumeException` unless `fillMissing` (the
   * target keeps its background there). Returns the stored byte count.
   */
  protected async placeChunk(
    scale: Scale,
    cell: { box: Box },
    file: string,
    stored: Uint8Array | undefined,
    region: Box,
    target: ReadTarget,
    fillMissing: boolean,
  ): Promise<number> {
    const present = stored !== undefined && stored.byteLength > 0 ? stored : undefined
    if (present === undefined && !fillMissing) {
      throw new EmptyVolumeException(
        `chunk ${formatBox(cell.box)} of mip ${scale.mip} is missing (${this.storage.url}/${file}); pass fillMissing: true to read it as background`,
        cell.box,
        file,
      )
    }
    const format = this.format(scale)
    const part = intersect(cell.box, region)!
    const cb = cell.box
    const tb = target.box
    const gate = this.#gates.get(target)
    if (decodesInto(format)) {
      // compressed_segmentation: a whole row of the chunk grid decodes straight into the output
      // once all its chunks are in (long copies instead of one per chunk row). Missing chunks
      // count as arrived.
      let rows = this.#rows.get(target)
      if (rows === undefined) {
        rows = new ChunkRows(new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize).cellCounts(region)[0])
        this.#rows.set(target, rows)
      }
      const sourceBox = [0, 1, 2].map((d) => [part[d]![0] - cb[d]![0], part[d]![1] - cb[d]![0]] as const)
      sourceBox.push([target.channelStart, target.channelStart + target.channels])
      const outOffset = [part[0][0] - tb[0][0], part[1][0] - tb[1][0], part[2][0] - tb[2][0], 0] as const
      const row = rows.add(part, present && { bytes: present, shape: boxShape(cb), sourceBox, outOffset, file })
      if (row !== undefined && row.length > 0) {
        await gate?.ready(part)
        const outShape = [tb[0][1] - tb[0][0], tb[1][1] - tb[1][0], tb[2][1] - tb[2][0], target.channels] as const
        decodeChunksInto(format, row, target.data, outShape)
      }
      return present?.byteLength ?? 0
    }
    if (present === undefined) return 0
    await gate?.ready(part)
    // Valid until the next decode: copied into the target right away.
    const decoded = decodeChunkTransient(format, present, boxShape(cb), file)
    const eb = bytesPerElement(this.dataType)
    copyRegion(decoded, { box: cb, channels: this.numChannels }, bytesOf(target.data), { box: tb, channels: target.channels }, part, eb, target.channels, target.channelStart, 0)
    return present.byteLength
  }

  #overlapsRois(scale: Scale, box: Box): boolean {
    const rois = this.info.scales[0]?.rois
    if (!Array.isArray(rois) || rois.length === 0) return true
    const res0 = this.scale(0).resolution
    const f = scale.resolution.map((r, d) => r / res0[d]!)
    const box0 = box.map(([a, b], d) => [Math.floor(a * f[d]!), Math.ceil(b * f[d]!)]) as Box
    return rois.some((roi: unknown) => {
      if (!Array.isArray(roi) || roi.length !== 6) return true
      const r = roi as number[]
      return intersect(box0, [[r[0]!, r[3]!], [r[1]!, r[4]!], [r[2]!, r[5]!]]) !== undefined
    })
  }

  /**
   * A cube around a mip-0 point (§6.5): `pt` maps to the mip by `floor(pt * res0 / resMip)`; the box
   * is `[p - floor(size/2), p + floor(size/2))` per axis (size 1 gives `[p, p+1)`).
   * `coordResolution` rescales `pt` from that resolution to mip 0 first.
   */
  async downloadPoint(
    pt: readonly number[],
    options: ReadOptions & { size?: number | readonly number[]; coordResolution?: readonly number[] } = {},
  ): Promise<Cutout> {
    if (!Array.isArray(pt) || pt.length !== 3 || !pt.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new InvalidArgumentError('pt', pt, '[x, y, z] numbers')
    }
    const scale = this.scale(options.mip)
    const res0 = this.scale(0).resolution
    let p = [...pt]
    if (options.coordResolution) p = p.map((v, d) => (v * options.coordResolution![d]!) / res0[d]!)
    const q = p.map((v, d) => Math.floor((v * res0[d]!) / scale.resolution[d]!))
    const size = options.size ?? 256
    const sizes = typeof size === 'number' ? [size, size, size] : [...size]
    const box = q.map((v, d) => {
      const s = sizes[d]!
      if (!Number.isInteger(s) || s < 1) throw new InvalidArgumentError('size', size, 'positive integers')
      if (s === 1) return [v, v + 1]
      const h = Math.floor(s / 2)
      return [v - h, v + h]
    }) as Box
    return this.read(box, { ...options, mip: scale.mip })
  }

  // -------------------------------------------------------------------------------------------
  // Chunk-level access (added for @daf/lookup's point lookups): whole stored chunks, no assembly.

  /**
   * Fetches the stored chunks of the grid cells `cells` (grid positions at the mip, e.g. from
   * `grid(mip).cellOf(voxel)`) with the volume's bounded concurrency (sharded scales: batched through
   * the shard indexes) and hands each to `each` as it arrives: its grid position, clipped box, object
   * key and bytes, transport-decoded but still in the scale's encoding (`undefined` when missing;
   * `fillMissing` does not apply). Decode with `decodeChunkBytes(vol.chunkFormat(mip), bytes, boxShape)`
   * or read single values in place. The first failure (including one thrown by `each`) aborts the rest.
   */
  async fetchChunks(cells: Iterable<readonly number[]>, each: (chunk: StoredChunk) => void, options: CallOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const list = [...cells].map((g) => {
      if (!Array.isArray(g) || g.length !== 3 || !g.every((v, d) => Number.isInteger(v) && v >= 0 && v < grid.gridSize[d]!)) {
        throw new InvalidArgumentError('cells', g, `grid positions inside [0, 0, 0]..[${grid.gridSize.map((n) => n - 1).join(', ')}] at mip ${scale.mip}`)
      }
      const cell: Vec3 = [g[0]!, g[1]!, g[2]!]
      return { grid: cell, box: grid.cellBox(cell) }
    })
    await this.fetchCells(scale, list, options.signal, (cell, key, bytes) => each({ grid: cell.grid, box: cell.box, key, bytes }))
  }

  /** What `decodeChunkBytes` needs to decode a stored chunk of `mip` (encoding, dtype, channels, block size). */
  chunkFormat(mip?: MipSelector): ChunkFormat {
    return this.format(this.scale(mip))
  }

  // -------------------------------------------------------------------------------------------
  // Writes (§6.4)

  #checkWritable(scale: Scale, what: string): void {
    if (this.redirectedFrom.length > 0) {
      throw new ReadOnlyException(`cannot ${what}: ${this.cloudpath} was opened through a redirect from ${this.redirectedFrom[0]} and is read-only`)
    }
    if (!this.storage.writable) throw new ReadOnlyException(`cannot ${what}: ${this.storage.url} is read-only`)
    if (scale.locked) throw new ReadOnlyException(`cannot ${what}: mip ${scale.mip} is locked (unlockMips([${scale.mip}]) first)`)
  }

  #alignmentMessage(scale: Scale, grid: ChunkGrid, box: Box, what = 'write'): string {
    const aligned = grid.expand(box)
    return (
      `non-aligned ${what} at mip ${scale.mip}: ${formatBox(box)} does not sit on the chunk grid ` +
      `(chunk size [${scale.chunkSize.join(', ')}], anchored at voxel_offset [${scale.voxelOffset.join(', ')}], ` +
      `bounds ${formatBox(grid.bounds)}). The nearest aligned box is ${formatBox(aligned)}. ` +
      (what === 'write' ? 'Write that box, or open the volume with nonAlignedWrites: true to read-modify-write the edge chunks.' : 'Use that box.')
    )
  }

  /**
   * Writes `data` (Fortran order, shape of `bounds` x channels, the layer's dtype; or a scalar) to
   * `bounds`. Every chunk is encoded before the first one is stored.
   */
  async write(bounds: BoxLike, data: WriteData, options: CallOptions = {}): Promise<void> {
    const { signal } = options
    signal?.throwIfAborted()
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    this.#checkWritable(scale, 'write')
    const format = this.format(scale)
    checkFormat(format)
    if (this.overwritePartialChunks && !this.nonAlignedWrites) {
      throw new InvalidArgumentError('overwritePartialChunks', true, 'nonAlignedWrites: true as well (CV raises ValueError)')
    }
    let box = toBox(bounds)
    const nc = this.numChannels
    let array = this.#writeArray(data, box)
    if (this.autocrop) {
      const cropped = intersect(box, grid.bounds)
      if (!cropped) throw new EmptyRequestException(`${formatBox(box)} lies outside the bounds ${formatBox(grid.bounds)} (autocrop)`)
      if (!boxEquals(cropped, box)) {
        const sub = allocate(this.dataType, boxVoxels(cropped) * nc)
        const eb = bytesPerElement(this.dataType)
        copyRegion(bytesOf(array), { box, channels: nc }, bytesOf(sub), { box: cropped, channels: nc }, cropped, eb, nc)
        array = sub
        box = cropped
      }
    }
    if (!contains(grid.bounds, box)) {
      throw new OutOfBoundsError(`${formatBox(box)} is outside the bounds ${formatBox(grid.bounds)} of mip ${scale.mip}`, box, grid.bounds)
    }
    const aligned = grid.isAligned(box)
    if (scale.sharding) {
      if (!aligned) throw new AlignmentError(this.#alignmentMessage(scale, grid, box) + ' Sharded scales take whole-shard writes only.', { box, alignedBox: grid.expand(box) })
      await this.shardedScale(scale).writeShards(box, array, {
        encode: (chunk, shape) => encodeChunk(format, chunk, shape),
        isBackground: (chunk) => this.deleteBlackUploads && allEqual(chunk, this.#background),
        dataType: this.dataType,
        numChannels: nc,
        cacheControl: cacheControlOf(this.cdnCache),
        signal,
        concurrency: this.concurrency,
        onStored: (done, total, bytes) => this.emitProgress(options.onProgress, { operation: 'write', mip: scale.mip, done, total, bytes }),
      })
      return
    }
    if (!aligned && !this.nonAlignedWrites) {
      throw new AlignmentError(this.#alignmentMessage(scale, grid, box), { box, alignedBox: grid.expand(box) })
    }
    const expanded = grid.expand(box)
    const cells = [...grid.cells(expanded)]
    const eb = bytesPerElement(this.dataType)
    const src = bytesOf(array)

    // 1. Shell chunks (touched but not covered): the stored chunk, or background.
    const shells = new Map<number, VolumeArray>()
    cells.forEach((cell, i) => {
      if (contains(box, cell.box)) return
      const chunk = allocate(this.dataType, boxVoxels(cell.box) * nc)
      if (this.#background !== 0 && this.#background !== 0n) fillArray(chunk, this.#background)
      shells.set(i, chunk)
    })
    if (shells.size > 0 && !this.overwritePartialChunks) {
      await runPool(
        [...shells.entries()],
        this.concurrency,
        async ([i, chunk], _n, s) => {
          const cell = cells[i]!
          await this.readInto(scale, cell.box, { box: cell.box, channels: nc, data: chunk, channelStart: 0 }, { signal: s, mip: scale.mip, operation: 'write' })
        },
        signal,
      )
    }

    // 2. Encode everything (nothing stored yet).
    const contentType = contentTypeOf(scale.encoding)
    const compress = this.#transportCompression(scale.encoding)
    const cacheControl = cacheControlOf(this.cdnCache)
    const plan: Array<{ key: string; bytes: Uint8Array | undefined }> = cells.map((cell, i) => {
      let chunk = shells.get(i)
      if (!chunk) chunk = allocate(this.dataType, boxVoxels(cell.box) * nc)
      const overlap = intersect(cell.box, box)!
      copyRegion(src, { box, channels: nc }, bytesOf(chunk), { box: cell.box, channels: nc }, overlap, eb, nc)
      const key = `${scale.directory}/${chunkName(cell.box)}`
      if (this.deleteBlackUploads && allEqual(chunk, this.#background)) return { key, bytes: undefined }
      return { key, bytes: encodeChunk(format, chunk, boxShape(cell.box)) }
    })
    signal?.throwIfAborted()

    // 3. Store.
    let done = 0
    let stored = 0
    await runPool(
      plan,
      this.concurrency,
      async ({ key, bytes }, _i, s) => {
        if (bytes === undefined) await this.storage.delete(key, { signal: s })
        else {
          const set: StorageSetOptions = { signal: s, contentType, compress, cacheControl }
          await this.storage.set(key, bytes, set)
          stored += bytes.byteLength
        }
        done++
        this.emitProgress(options.onProgress, { operation: 'write', mip: scale.mip, done, total: plan.length, bytes: stored })
      },
      signal,
    )
  }

  /** Alias of `write` (CV `upload`). */
  upload(bounds: BoxLike, data: WriteData, options: CallOptions = {}): Promise<void> {
    return this.write(bounds, data, options)
  }

  #transportCompression(encoding: string): 'gzip' | 'br' | false {
    const c = this.compress
    if (c === undefined) return defaultCompression(encoding)
    if (c === true) return 'gzip'
    return c
  }

  /** Validates `data` against the box and dtype; broadcasts scalars. */
  #writeArray(data: WriteData, box: Box): VolumeArray {
    const nc = this.numChannels
    const voxels = boxVoxels(box)
    const dt = this.dataType
    if (typeof data === 'number' || typeof data === 'bigint') {
      const v = toElement(dt, data, 'data')
      const a = allocate(dt, voxels * nc)
      fillArray(a, v)
      return a
    }
    let array: unknown = data
    let shape: readonly number[] | undefined
    if (!ArrayBuffer.isView(data) && typeof data === 'object' && data !== null && 'data' in data) {
      array = data.data
      shape = data.shape
    }
    const got = dataTypeOfArray(array)
    if (got === undefined) throw new InvalidArgumentError('data', array, `a ${dt} typed array (or a scalar)`)
    if (got !== dt) {
      throw new InvalidArgumentError('data', array, `a ${dt} array: the layer's data_type is ${dt}, the array holds ${got} (CV raises ValueError)`)
    }
    const want = [...boxShape(box), nc]
    if (shape !== undefined) {
      const s4 = shape.length === 3 ? [...shape, 1] : [...shape]
      if (s4.length !== 4 || s4.some((v, d) => v !== want[d])) {
        throw new AlignmentError(`data shape [${shape.join(', ')}] does not match the box ${formatBox(box)}, shape [${want.join(', ')}]`, { box })
      }
    }
    const length = (array as VolumeArray).length
    if (length !== voxels * nc) {
      throw new AlignmentError(
        `data holds ${length} elements; the box ${formatBox(box)} x ${nc} channel(s) needs ${voxels * nc} ([${want.join(', ')}], x fastest)`,
        { box },
      )
    }
    return array as VolumeArray
  }

  // -------------------------------------------------------------------------------------------
  // exists / delete (§6.5)

  /**
   * `{"<key>/<x0-x1_y0-y1_z0-z1>": boolean}` for every chunk the box touches (expanded to the grid,
   * clamped). Sharded scales answer per chunk through the shard indexes
   * (`"<key>/<shard>.shard#<chunk id>"`).
   */
  async exists(bounds: BoxLike, options: CallOptions = {}): Promise<Record<string, boolean>> {
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const box = toBox(bounds)
    if (!contains(grid.bounds, box)) throw new OutOfBoundsError(`${formatBox(box)} is outside the bounds ${formatBox(grid.bounds)}`, box, grid.bounds)
    const cells = [...grid.cells(grid.expand(box))]
    const result: Record<string, boolean> = {}
    const sharded = scale.sharding ? this.shardedScale(scale) : undefined
    let done = 0
    await runPool(
      cells,
      this.concurrency,
      async (cell, _i, signal) => {
        if (sharded) result[sharded.describe(cell.grid)] = await sharded.has(cell.grid, { signal })
        else {
          const key = `${scale.directory}/${chunkName(cell.box)}`
          result[key] = await this.storage.exists(key, { signal })
        }
        done++
        this.emitProgress(options.onProgress, { operation: 'exists', mip: scale.mip, done, total: cells.length, bytes: 0 })
      },
      options.signal,
    )
    return result
  }

  /** Deletes every chunk in `bounds`, which must be chunk-aligned after clamping to the bounds. */
  async delete(bounds: BoxLike, options: CallOptions = {}): Promise<void> {
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    this.#checkWritable(scale, 'delete')
    const requested = toBox(bounds)
    const box = intersect(requested, grid.bounds)
    if (!box) return
    if (!grid.isAligned(box)) {
      throw new AlignmentError(this.#alignmentMessage(scale, grid, box, 'delete'), { box, alignedBox: grid.expand(box) })
    }
    if (scale.sharding) {
      await this.shardedScale(scale).deleteShards(box, { signal: options.signal, concurrency: this.concurrency })
      return
    }
    const keys = [...grid.cells(box)].map((c) => `${scale.directory}/${chunkName(c.box)}`)
    let done = 0
    await runPool(
      keys,
      this.concurrency,
      async (key, _i, signal) => {
        await this.storage.delete(key, { signal })
        done++
        this.emitProgress(options.onProgress, { operation: 'delete', mip: scale.mip, done, total: keys.length, bytes: 0 })
      },
      options.signal,
    )
  }

  // -------------------------------------------------------------------------------------------
  // info, scales, provenance (§6.6-§6.8)

  /** CV `add_scale`: adds (or replaces) a scale `factor` times coarser than scale 0. Commit with `commitInfo`. */
  addScale(factor: readonly number[], options: AddScaleOptions = {}): ScaleInfo {
    return addScaleToInfo(this.info, factor, options)
  }

  /** Keeps only scale 0 (CV `reset_scales`). */
  resetScales(): void {
    this.info.scales = this.info.scales.slice(0, 1)
    this.#mip = 0
  }

  /** Writes `info` exactly as CV formats it (§6.7): sorted keys, indent 2, no-cache, uncompressed. */
  async commitInfo(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.redirectedFrom.length > 0) throw new ReadOnlyException(`cannot commit info: ${this.cloudpath} was opened through a redirect`)
    const text = formatInfo(this.info)
    await this.storage.set('info', utf8.encode(text), jsonSetOptions(options.signal))
    if (this.info.scales.some((s) => s.encoding.toLowerCase() === 'compressed_segmentation')) await initCodec()
  }

  /** Re-reads `info` from storage. */
  async refreshInfo(options: { signal?: AbortSignal } = {}): Promise<VolumeInfo> {
    this.info = await fetchInfo(this.storage, options.signal)
    this.#sharded.clear()
    await this.prepareCodecs()
    return this.info
  }

  /** Writes `provenance` with the `commitInfo` formatting (§6.8). */
  async commitProvenance(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.redirectedFrom.length > 0) throw new ReadOnlyException(`cannot commit provenance: ${this.cloudpath} was opened through a redirect`)
    const text = formatProvenance(this.provenance)
    await this.storage.set('provenance', utf8.encode(text), jsonSetOptions(options.signal))
  }

  async refreshProvenance(options: { signal?: AbortSignal } = {}): Promise<Provenance> {
    this.provenance = await fetchProvenance(this.storage, options.signal)
    return this.provenance
  }

  /** Sets `locked: true` on these mips and commits the info (writes there then raise `ReadOnlyException`). */
  async lockMips(mips: readonly MipSelector[], options: { signal?: AbortSignal } = {}): Promise<void> {
    for (const m of mips) this.info.scales[resolveMip(this.info, m)]!.locked = true
    await this.commitInfo(options)
  }

  async unlockMips(mips: readonly MipSelector[], options: { signal?: AbortSignal } = {}): Promise<void> {
    for (const m of mips) delete this.info.scales[resolveMip(this.info, m)]!.locked
    await this.commitInfo(options)
  }

  // -------------------------------------------------------------------------------------------
  // transferTo (§6.5)

  /**
   * Copies `bounds` (default: everything) of the mip to another layer. The destination gets this
   * info (with `encoding` changed when given) if it has none. Chunks are copied as stored when
   * the encodings match, both scales are unsharded and the box is aligned; otherwise re-rendered.
   */
  async transferTo(
    cloudpath: string,
    options: CallOptions & { bounds?: BoxLike; encoding?: string; compress?: boolean | 'gzip' | 'br' | 'auto'; storage?: Storage } = {},
  ): Promise<CloudVolume> {
    const { signal } = options
    const scale = this.scale(options.mip)
    const grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
    const box = options.bounds ? toBox(options.bounds) : cloneBox(grid.bounds)
    if (!contains(grid.bounds, box)) throw new OutOfBoundsError(`${formatBox(box)} is outside the bounds ${formatBox(grid.bounds)}`, box, grid.bounds)
    const destStorage = options.storage ?? (await openStorage(normalizePath(cloudpath), this.#openOptions))
    let destInfo: VolumeInfo
    const existing = await destStorage.get('info', { signal })
    if (existing) destInfo = validateInfo(parseJson(utf8Decoder.decode(existing)))
    else {
      destInfo = structuredClone(this.info)
      delete destInfo.redirect
      if (options.encoding) {
        const enc = options.encoding.toLowerCase()
        for (const s of destInfo.scales) {
          s.encoding = enc
          if (enc === 'compressed_segmentation') s.compressed_segmentation_block_size ??= [8, 8, 8]
        }
      }
    }
    const compress = options.compress === 'auto' ? undefined : options.compress
    const dest = await CloudVolume.open(cloudpath, {
      storage: destStorage,
      info: destInfo,
      provenance: this.provenance,
      mip: scale.mip,
      concurrency: this.concurrency,
      fillMissing: this.fillMissing,
      compress,
      cdnCache: this.cdnCache,
      nonAlignedWrites: true,
      backgroundColor: this.#background,
    })
    if (!existing) {
      await dest.commitInfo({ signal })
      await dest.commitProvenance({ signal })
    }
    const dscale = dest.scale(scale.mip)
    const verbatim =
      dscale.encoding === scale.encoding &&
      !dscale.sharding &&
      !scale.sharding &&
      dscale.directory === scale.directory &&
      dscale.chunkSize.every((c, d) => c === scale.chunkSize[d]) &&
      dscale.voxelOffset.every((c, d) => c === scale.voxelOffset[d]) &&
      dscale.size.every((c, d) => c === scale.size[d]) &&
      grid.isAligned(box)
    if (verbatim) {
      const cells = [...grid.cells(box)]
      const tc = dest.#transportCompression(scale.encoding)
      let done = 0
      await runPool(
        cells,
        this.concurrency,
        async (cell, _i, s) => {
          const key = `${scale.directory}/${chunkName(cell.box)}`
          const bytes = await this.storage.get(key, { signal: s })
          if (bytes === undefined || bytes.byteLength === 0) {
            if (!this.fillMissing) throw new EmptyVolumeException(`chunk ${formatBox(cell.box)} is missing (${key})`, cell.box, key)
          } else {
            await destStorage.set(key, bytes, { signal: s, contentType: contentTypeOf(scale.encoding), compress: tc, cacheControl: cacheControlOf(this.cdnCache) })
          }
          done++
          this.emitProgress(options.onProgress, { operation: 'transfer', mip: scale.mip, done, total: cells.length, bytes: 0 })
        },
        signal,
      )
      return dest
    }
    // Re-render block by block (bounded memory): slabs of whole chunks along z.
    const slab = Math.max(1, Math.floor((64 * 1024 * 1024) / (bytesPerElement(this.dataType) * this.numChannels * (box[0][1] - box[0][0]) * (box[1][1] - box[1][0]) * scale.chunkSize[2])))
    const zStep = slab * dscale.chunkSize[2]
    for (let z = box[2][0]; z < box[2][1]; ) {
      const z1 = Math.min(box[2][1], alignUp(z + zStep, dscale.voxelOffset[2], dscale.chunkSize[2]))
      const part: Box = [box[0], box[1], [z, z1]]
      const cutout = await this.read(part, { mip: scale.mip, signal })
      await dest.write(part, cutout.data, { mip: scale.mip, signal })
      z = z1
    }
    return dest
  }

  /** A plain-object summary (no storage internals, never credentials). */
  toJSON(): Record<string, unknown> {
    return { cloudpath: this.cloudpath, mip: this.#mip, dataType: this.dataType, layerType: this.layerType, scales: this.info.scales.length }
  }
}

/** Outputs from this size on have their pages faulted in off the main thread where possible. */
const GATED_OUTPUT_BYTES = 16 * 1024 * 1024

/** The parts of `region` the chunks fill, in fetch order. */
function* partsOf(grid: ChunkGrid, region: Box): Iterable<Box> {
  for (const cell of grid.cells(region)) yield intersect(cell.box, region)!
}

/** Fills `data` with the background; for 0 only the pages are touched (the memory is already zero). */
function prefill(data: VolumeArray, background: Scalar): void {
  if (background !== 0 && background !== 0n) {
    fillArray(data, background)
    return
  }
  const bytes = bytesOf(data)
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0
}

function alignUp(v: number, offset: number, chunk: number): number {
  return offset + Math.ceil((v - offset) / chunk) * chunk
}

function channelRange(bounds: BoxLike, nc: number): [number, number] {
  if (!Array.isArray(bounds) || bounds.length !== 4) return [0, nc]
  const r = bounds[3] as readonly number[]
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => Number.isInteger(v)) || r[0]! < 0 || r[1]! > nc || r[1]! <= r[0]!) {
    throw new InvalidArgumentError('bounds[3] (channels)', r, `[c0, c1) with 0 <= c0 < c1 <= ${nc}`)
  }
  return [r[0]!, r[1]!]
}

function jsonSetOptions(signal: AbortSignal | undefined): StorageSetOptions {
  return { signal, contentType: 'application/json', cacheControl: 'no-cache', compress: false }
}

async function fetchInfo(storage: Storage, signal: AbortSignal | undefined): Promise<VolumeInfo> {
  const bytes = await storage.get('info', { signal })
  if (bytes === undefined) throw new InfoUnavailableError(`no info at ${storage.url}/info`)
  let value: unknown
  try {
    value = parseJson(utf8Decoder.decode(bytes))
  } catch (error) {
    throw new InfoUnavailableError(`${storage.url}/info is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  return validateInfo(value)
}

async function fetchProvenance(storage: Storage, signal: AbortSignal | undefined): Promise<Provenance> {
  const bytes = await storage.get('provenance', { signal })
  if (bytes === undefined) return defaultProvenance()
  return parseProvenance(utf8Decoder.decode(bytes))
}
