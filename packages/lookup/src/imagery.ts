/**
 * ImageryClient: imagery and the matching segmentation (agglomerated to root ids at a timestamp)
 * for one box, optionally on one common voxel grid; built from a FrameworkClient.
 */
import { InvalidParameterError, lazyAsync, toTimestampSeconds, toUint64Array, type Uint64Like } from '@daf/services'
import type { Box, CloudVolume, DataType, VolumeArray } from '@daf/volume'
import { type BoundsInput, type ParsedBounds, boundsToVoxels, parseBounds } from './bounds.js'
import type { TimestampInput } from './lookup.js'
import { type Vec3, checkResolution } from './points.js'
import { resample, sourceBox } from './resample.js'
import { type FrameworkClientLike, type SegmentationHandle, defaultPointResolution, openImage, openSegmentation } from './sources.js'

export interface ImageryClientOptions {
  /** Image layer (default: the datastack's image source). */
  imageSource?: string
  /** Segmentation (default: the datastack's segmentation source). */
  segmentationSource?: string
  /** Default point in time for root ids (default: the FrameworkClient's `timestamp`, else now at each call). */
  timestamp?: TimestampInput
  /** nm per unit of bounds and centers. Default: the datastack's viewer resolution (else `[4, 4, 40]`). */
  resolution?: readonly [number, number, number]
  /** Default image mip. Default 0. */
  imageMip?: number
  /** Default segmentation mip. Default 0. */
  segmentationMip?: number
  /** Chunk requests in flight. Default 16. */
  concurrency?: number
}

interface CallOptions {
  signal?: AbortSignal
}

export interface ImageOptions extends CallOptions {
  /** Mip to read (default: the client's `imageMip`). */
  mip?: number
  /** Read the mip with this resolution (nm per voxel) instead. */
  resolution?: readonly [number, number, number]
}

export interface SegmentationOptions extends CallOptions {
  mip?: number
  resolution?: readonly [number, number, number]
  /** Keep only these root ids (all other voxels become 0). */
  rootIds?: BigUint64Array | Iterable<Uint64Like>
  /** Also return one mask per root id (`masks`). */
  split?: boolean
  /** With `split`: a mask for id 0 (background) too. Default false. */
  includeNull?: boolean
  /** Roots at this time (graphene). */
  timestamp?: TimestampInput
  /** Return supervoxel ids instead of root ids (graphene). Default true (agglomerate). */
  agglomerate?: boolean
}

export interface ImageAndSegmentationOptions extends CallOptions {
  imageMip?: number
  segmentationMip?: number
  rootIds?: BigUint64Array | Iterable<Uint64Like>
  split?: boolean
  includeNull?: boolean
  timestamp?: TimestampInput
}

/** A cutout: `data` x fastest (one channel), `shape` `[x, y, z]`, `bounds` in voxels of `resolution`. */
export interface ImageCutout {
  data: VolumeArray
  shape: Vec3
  bounds: Box
  /** The mip read (for resampled cutouts: the mip the data came from). */
  mip: number
  /** nm per voxel of `data`. */
  resolution: Vec3
  dataType: DataType
}

export interface SegmentationCutout {
  /** Root ids (supervoxel ids with `agglomerate: false`; for a flat segmentation the segment ids), x fastest. */
  data: BigUint64Array
  shape: Vec3
  bounds: Box
  mip: number
  resolution: Vec3
  /** Distinct non-zero ids in the cutout, ascending. */
  ids: BigUint64Array
  /** With `split`: one 0/1 mask per id (same layout as `data`). */
  masks?: Map<bigint, Uint8Array>
  /** The chunkedgraph state of the root ids (undefined for a flat segmentation or supervoxels). */
  timestamp: Date | undefined
  flat: boolean
}

export interface ImageAndSegmentation {
  image: ImageCutout
  segmentation: SegmentationCutout
  /** The common grid: nm per voxel (per axis the finer of the two mips). */
  resolution: Vec3
  /** The common box (voxels at `resolution`). */
  bounds: Box
}

export interface ImageryClient {
  image(bounds: BoundsInput, options?: ImageOptions): Promise<ImageCutout>
  segmentation(bounds: BoundsInput, options?: SegmentationOptions): Promise<SegmentationCutout>
  /** Image and segmentation of one box on one voxel grid (see README: resampling). */
  imageAndSegmentation(bounds: BoundsInput, options?: ImageAndSegmentationOptions): Promise<ImageAndSegmentation>
  /** The opened image volume. */
  imageVolume(options?: CallOptions): Promise<CloudVolume>
  /** The opened segmentation (supervoxel layer + chunkedgraph). */
  segmentationVolume(options?: CallOptions): Promise<SegmentationHandle>
  readonly options: Readonly<ImageryClientOptions>
}

function mipParam(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidParameterError(name, `${name} must be a mip index (an integer >= 0), got ${JSON.stringify(value)}`)
  }
  return value
}

function pickMip(vol: CloudVolume, mip: number | undefined, resolution: Vec3 | undefined, fallback: number, what: string): number {
  if (resolution) {
    const i = vol.info.scales.findIndex((s) => s.resolution.every((r, d) => Number(r) === resolution[d]))
    if (i < 0) {
      throw new InvalidParameterError('resolution', `the ${what} has no mip with resolution [${resolution.join(', ')}]; available: ${vol.info.scales.map((s) => `[${s.resolution.join(', ')}]`).join(', ')}`)
    }
    return i
  }
  const m = mip ?? fallback
  if (m >= vol.info.scales.length) throw new InvalidParameterError('mip', `the ${what} has mips 0..${vol.info.scales.length - 1}, not ${m}`)
  return m
}

/** Applies `mapping` to every element; runs of equal neighbours cost one lookup. Unmapped ids → `other`. */
function remap(data: BigUint64Array, mapping: ReadonlyMap<bigint, bigint>, other: 'keep' | 'zero'): void {
  let last = -1n
  let mapped = 0n
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (v !== last) {
      last = v
      mapped = mapping.get(v) ?? (other === 'keep' ? v : 0n)
    }
    data[i] = mapped
  }
}

function masksOf(data: BigUint64Array, ids: Iterable<bigint>): Map<bigint, Uint8Array> {
  const masks = new Map<bigint, Uint8Array>()
  for (const id of ids) masks.set(id, new Uint8Array(data.length))
  let last = -1n
  let mask: Uint8Array | undefined
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (v !== last) {
      last = v
      mask = masks.get(v)
    }
    if (mask) mask[i] = 1
  }
  return masks
}

const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0)

/** Creates an ImageryClient over `client` (a `FrameworkClient`). Construction sends nothing. */
export function makeImageryClient(client: FrameworkClientLike, options: ImageryClientOptions = {}): ImageryClient {
  const defaults = { ...options }
  const imageMip = mipParam(defaults.imageMip ?? 0, 'imageMip')
  const segmentationMip = mipParam(defaults.segmentationMip ?? 0, 'segmentationMip')
  const unitOption = defaults.resolution === undefined ? undefined : checkResolution(defaults.resolution, 'resolution')
  if (defaults.timestamp !== undefined) toTimestampSeconds(defaults.timestamp, 'timestamp')
  const concurrency = defaults.concurrency ?? 16
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidParameterError('concurrency', `concurrency must be a positive integer, got ${concurrency}`)
  // Cutouts near the edge fill with background; missing chunks read as background (imageryclient's settings).
  const volumeOptions = { bounded: false, fillMissing: true }
  const image = lazyAsync((signal) => openImage(client, defaults.imageSource, { signal, concurrency, volume: volumeOptions }))
  const seg = lazyAsync((signal) => openSegmentation(client, defaults.segmentationSource, { signal, concurrency, volume: volumeOptions }))
  const unit = lazyAsync<Vec3>((signal) => (unitOption ? Promise.resolve(unitOption) : defaultPointResolution(client, signal)))

  const timestampOf = (handle: SegmentationHandle, value: TimestampInput | undefined): number => {
    const t = value ?? defaults.timestamp
    if (t !== undefined) return toTimestampSeconds(t, 'timestamp')
    const d = handle.chunkedgraph?.defaultTimestamp
    return d ? d.getTime() / 1000 : Date.now() / 1000
  }

  async function readImage(box: Box, mip: number, signal: AbortSignal | undefined): Promise<ImageCutout> {
    const vol = await image({ signal })
    const cut = await vol.read(box, { mip, signal })
    return { data: cut.data, shape: [cut.shape[0], cut.shape[1], cut.shape[2]], bounds: cut.bounds, mip, resolution: cut.resolution, dataType: cut.dataType }
  }

  /** Supervoxels of `box` at `mip`, agglomerated and filtered. */
  async function readSegmentation(
    handle: SegmentationHandle,
    box: Box,
    mip: number,
    o: { rootIds: BigUint64Array | undefined; agglomerate: boolean; seconds: number | undefined; signal: AbortSignal | undefined },
  ): Promise<{ data: BigUint64Array; timestamp: Date | undefined; resolution: Vec3 }> {
    const cut = await handle.volume.read(box, { mip, signal: o.signal })
    const data = cut.data instanceof BigUint64Array ? cut.data : BigUint64Array.from(cut.data as ArrayLike<number>, (v) => BigInt.asUintN(64, BigInt(v)))
    let timestamp: Date | undefined
    if (handle.graphene && handle.chunkedgraph && o.agglomerate) {
      const labels = new Set<bigint>()
      let last = -1n
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!
        if (v !== last) {
          last = v
          if (v !== 0n) labels.add(v)
        }
      }
      const unique = BigUint64Array.from(labels)
      const seconds = o.seconds!
      const roots = unique.length > 0 ? await handle.chunkedgraph.getRoots(unique, { timestamp: seconds, signal: o.signal }) : new BigUint64Array(0)
      const mapping = new Map<bigint, bigint>()
      unique.forEach((sv, i) => mapping.set(sv, roots[i]!))
      remap(data, mapping, 'keep')
      timestamp = new Date(seconds * 1000)
    }
    if (o.rootIds) {
      const keep = new Map<bigint, bigint>()
      for (const id of o.rootIds) keep.set(id, id)
      remap(data, keep, 'zero')
    }
    return { data, timestamp, resolution: cut.resolution }
  }

  function finishSegmentation(
    data: BigUint64Array,
    box: Box,
    mip: number,
    resolution: Vec3,
    timestamp: Date | undefined,
    flat: boolean,
    o: { split?: boolean | undefined; includeNull?: boolean | undefined; rootIds: BigUint64Array | undefined },
  ): SegmentationCutout {
    const present = new Set<bigint>()
    let last = -1n
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!
      if (v !== last) {
        last = v
        if (v !== 0n) present.add(v)
      }
    }
    const ids = BigUint64Array.from([...present].sort(ascending))
    const out: SegmentationCutout = {
      data,
      shape: [box[0][1] - box[0][0], box[1][1] - box[1][0], box[2][1] - box[2][0]],
      bounds: box,
      mip,
      resolution,
      ids,
      timestamp,
      flat,
    }
    if (o.split) {
      const wanted = o.rootIds ? [...new Set(o.rootIds)].filter((id) => id !== 0n).sort(ascending) : [...ids]
      if (o.includeNull) wanted.unshift(0n)
      out.masks = masksOf(data, wanted)
    }
    return out
  }

  const rootIdsParam = (value: SegmentationOptions['rootIds']): BigUint64Array | undefined => (value === undefined ? undefined : toUint64Array(value as Iterable<Uint64Like>, 'rootIds'))

  return {
    options: Object.freeze(defaults),
    imageVolume: (o = {}) => image(o),
    segmentationVolume: (o = {}) => seg(o),

    async image(bounds, o = {}) {
      const parsed = parseBounds(bounds)
      const wantRes = o.resolution === undefined ? undefined : checkResolution(o.resolution, 'resolution')
      if (o.mip !== undefined) mipParam(o.mip, 'mip')
      o.signal?.throwIfAborted()
      const vol = await image({ signal: o.signal })
      const mip = pickMip(vol, o.mip, wantRes, imageMip, 'image')
      const box = boundsToVoxels(parsed, await unit({ signal: o.signal }), vol.resolution(mip))
      return readImage(box, mip, o.signal)
    },

    async segmentation(bounds, o = {}) {
      const parsed = parseBounds(bounds)
      const wantRes = o.resolution === undefined ? undefined : checkResolution(o.resolution, 'resolution')
      if (o.mip !== undefined) mipParam(o.mip, 'mip')
      if (o.timestamp !== undefined) toTimestampSeconds(o.timestamp, 'timestamp')
      const rootIds = rootIdsParam(o.rootIds)
      o.signal?.throwIfAborted()
      const handle = await seg({ signal: o.signal })
      const mip = pickMip(handle.volume, o.mip, wantRes, segmentationMip, 'segmentation')
      const box = boundsToVoxels(parsed, await unit({ signal: o.signal }), handle.volume.resolution(mip))
      const agglomerate = o.agglomerate ?? true
      const seconds = handle.graphene && agglomerate ? timestampOf(handle, o.timestamp) : undefined
      const r = await readSegmentation(handle, box, mip, { rootIds, agglomerate, seconds, signal: o.signal })
      return finishSegmentation(r.data, box, mip, r.resolution, r.timestamp, !handle.graphene, { split: o.split, includeNull: o.includeNull, rootIds })
    },

    async imageAndSegmentation(bounds, o = {}) {
      const parsed: ParsedBounds = parseBounds(bounds)
      if (o.imageMip !== undefined) mipParam(o.imageMip, 'imageMip')
      if (o.segmentationMip !== undefined) mipParam(o.segmentationMip, 'segmentationMip')
      if (o.timestamp !== undefined) toTimestampSeconds(o.timestamp, 'timestamp')
      const rootIds = rootIdsParam(o.rootIds)
      o.signal?.throwIfAborted()
      const [vol, handle, u] = await Promise.all([image({ signal: o.signal }), seg({ signal: o.signal }), unit({ signal: o.signal })])
      const im = pickMip(vol, o.imageMip, undefined, imageMip, 'image')
      const sm = pickMip(handle.volume, o.segmentationMip, undefined, segmentationMip, 'segmentation')
      const imRes = vol.resolution(im)
      const segRes = handle.volume.resolution(sm)
      const res = [0, 1, 2].map((d) => Math.min(imRes[d]!, segRes[d]!)) as Vec3
      const box = boundsToVoxels(parsed, u, res)
      const imBox = sourceBox(box, res, imRes)
      const segBox = sourceBox(box, res, segRes)
      const seconds = handle.graphene ? timestampOf(handle, o.timestamp) : undefined
      const [img, s] = await Promise.all([
        readImage(imBox, im, o.signal),
        readSegmentation(handle, segBox, sm, { rootIds, agglomerate: true, seconds, signal: o.signal }),
      ])
      const imgData = resample(img.data as unknown as { length: number; [i: number]: unknown }, imBox, imRes, box, res, (n) => {
        const C = (img.data as unknown as { constructor: new (n: number) => { length: number; [i: number]: unknown } }).constructor
        return new C(n)
      }) as unknown as VolumeArray
      const segData = resample(s.data, segBox, segRes, box, res, (n) => new BigUint64Array(n))
      const shape: Vec3 = [box[0][1] - box[0][0], box[1][1] - box[1][0], box[2][1] - box[2][0]]
      return {
        image: { data: imgData, shape, bounds: box, mip: im, resolution: res, dataType: img.dataType },
        segmentation: finishSegmentation(segData, box, sm, res, s.timestamp, !handle.graphene, { split: o.split, includeNull: o.includeNull, rootIds }),
        resolution: res,
        bounds: box,
      }
    },
  }
}
