/**
 * LookupClient: points in space → supervoxel ids (read from the segmentation volume) → root ids
 * (the chunkedgraph, at a timestamp). Built from a FrameworkClient; everything it needs (the
 * segmentation source, the chunkedgraph's info, the viewer resolution) is fetched once, on first use.
 */
import { InvalidParameterError, lazyAsync, toTimestampSeconds, toUint64Array, type Uint64Like } from '@daf/services'
import type { Box } from '@daf/volume'
import type { Table as ArrowTable } from 'apache-arrow'
import { PointOutOfBoundsError } from './errors.js'
import { type PointsInput, type Vec3, checkResolution, normalizePoints, toVoxels } from './points.js'
import { rootsOf } from './roots.js'
import { pointsOutside, sampleVolume } from './sample.js'
import { type FrameworkClientLike, type SegmentationHandle, defaultPointResolution, openSegmentation } from './sources.js'
import {
  type ColumnResult,
  type Row,
  type Suffixes,
  type TableInput,
  buildArrow,
  buildRecords,
  isArrowTable,
  outputColumns,
  pointColumnsOf,
  readPoints,
  rowCount,
} from './tables.js'

/** A point in time: a `Date`, an ISO-8601 string (no zone = UTC) or float epoch seconds (UTC). */
export type TimestampInput = Date | string | number

/** Chunk requests in flight per lookup, by default. */
export const DEFAULT_LOOKUP_CONCURRENCY = 16
/** Supervoxel ids per `roots_binary` request, by default. */
export const DEFAULT_ROOTS_BATCH_SIZE = 100_000

/** Points outside the segmentation volume (they get id 0). */
export interface OutOfBoundsReport {
  /** Input positions (points, or rows of `column` for tables), ascending. */
  indices: Uint32Array
  /** The point column (tables only). */
  column?: string
  /** The volume's box at `mip` (voxels). */
  bounds: Box
  mip: number
}

export interface LookupProgress {
  phase: 'chunks' | 'roots'
  done: number
  total: number
}

export interface LookupClientOptions {
  /** Default point in time for root ids (default: the FrameworkClient's `timestamp`, else now at each call). */
  timestamp?: TimestampInput
  /** Mip of the segmentation whose voxels are read. Default 0. */
  segmentationMip?: number
  /**
   * nm per unit of the input points. Default: the datastack's viewer resolution (`viewer_resolution_x|y|z`),
   * or `[4, 4, 40]` when the record has none.
   */
  voxelResolution?: readonly [number, number, number]
  /** Use this segmentation instead of the datastack's (`graphene://…` or a precomputed path). */
  segmentationSource?: string
  /** Chunk requests in flight. Default 16. */
  concurrency?: number
  /** Supervoxel ids per `roots_binary` request. Default 100,000. */
  batchSize?: number
  /** `roots_binary` requests in flight. Default 4. */
  rootsConcurrency?: number
  /** Missing chunks read as 0 instead of raising `EmptyVolumeException`. Default false. */
  fillMissing?: boolean
  /** Points outside the volume throw `PointOutOfBoundsError` (before any chunk request) instead of getting 0. Default false. */
  strict?: boolean
  /** Called with the points outside the volume; default: one warning on the FrameworkClient's logger. */
  onOutOfBounds?: (report: OutOfBoundsReport) => void
}

export interface LookupCallOptions {
  signal?: AbortSignal
}

export interface SupervoxelLookupOptions extends LookupCallOptions {
  /** Segmentation mip for this call. */
  mip?: number
  /** nm per unit of the points for this call. */
  voxelResolution?: readonly [number, number, number]
  strict?: boolean
  fillMissing?: boolean
  onOutOfBounds?: (report: OutOfBoundsReport) => void
  onProgress?: (progress: LookupProgress) => void
}

export interface RootLookupOptions extends LookupCallOptions {
  timestamp?: TimestampInput
  onProgress?: (progress: LookupProgress) => void
}

export type PointLookupOptions = SupervoxelLookupOptions & RootLookupOptions

export interface DataframeOptions extends PointLookupOptions {
  /** The column(s) holding `[x, y, z]` points. */
  pointColumn: string | readonly string[]
  suffixes?: Suffixes
}

/** What one lookup cost: requests = `chunks` + `rootRequests`. */
export interface LookupStats {
  points: number
  outOfBounds: number
  /** Distinct chunks fetched (one request each on unsharded scales). */
  chunks: number
  /** Distinct non-zero supervoxels sent to the chunkedgraph. */
  distinctSupervoxels: number
  /** `roots_binary` requests: ⌈distinctSupervoxels / batchSize⌉ (0 for a flat segmentation). */
  rootRequests: number
}

export interface PointsLookup {
  /** Root id per point (0 outside the volume or on background). */
  rootIds: BigUint64Array
  /** Supervoxel id per point; for a flat segmentation the same ids as `rootIds`. */
  supervoxelIds: BigUint64Array
  /** Indices of the points outside the volume. */
  outOfBounds: Uint32Array
  /** The chunkedgraph state the roots describe (undefined for a flat segmentation). */
  timestamp: Date | undefined
  /** True when the segmentation has no chunkedgraph (supervoxel = root). */
  flat: boolean
  stats: LookupStats
}

export interface LookupSegmentationInfo {
  source: string
  flat: boolean
  mip: number
  /** nm per voxel at `mip`. */
  resolution: Vec3
  /** Volume box at `mip` (voxels). */
  bounds: Box
  /** nm per unit of input points. */
  voxelResolution: Vec3
}

export interface LookupClient {
  /** Supervoxel ids at the points (0 outside the volume or on background). */
  lookupSupervoxels(points: PointsInput, options?: SupervoxelLookupOptions): Promise<BigUint64Array>
  /** Root ids of supervoxel ids at a timestamp; 0 stays 0. Flat segmentation: the same ids, no request. */
  lookupRootIds(supervoxelIds: BigUint64Array | Iterable<Uint64Like>, options?: RootLookupOptions): Promise<BigUint64Array>
  /** Supervoxel and root ids of points in one pass. */
  lookupPoints(points: PointsInput, options?: PointLookupOptions): Promise<PointsLookup>
  /** A copy of `table` with every point column replaced by position, supervoxel id (graphene only) and root id columns. */
  lookupDataframe(table: ReadonlyArray<Row>, options: DataframeOptions): Promise<Row[]>
  lookupDataframe(table: ArrowTable, options: DataframeOptions): Promise<ArrowTable>
  lookupDataframe(table: TableInput, options: DataframeOptions): Promise<Row[] | ArrowTable>
  /** The segmentation in use (opens it on first use). */
  segmentationInfo(options?: LookupCallOptions & { mip?: number; voxelResolution?: readonly [number, number, number] }): Promise<LookupSegmentationInfo>
  readonly options: Readonly<LookupClientOptions>
}

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidParameterError(name, `${name} must be a positive integer, got ${JSON.stringify(value)}`)
  }
  return value
}

function mipParam(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidParameterError(name, `${name} must be a mip index (an integer >= 0), got ${JSON.stringify(value)}`)
  }
  return value
}

function fmtBox(b: Box): string {
  return `[${b.map(([a, c]) => `${a}:${c}`).join(', ')}]`
}

/**
 * Creates a LookupClient over `client` (a `FrameworkClient`). Construction sends nothing; options
 * are validated here.
 */
export function makeLookupClient(client: FrameworkClientLike, options: LookupClientOptions = {}): LookupClient {
  const defaults = { ...options }
  const defaultMip = mipParam(defaults.segmentationMip ?? 0, 'segmentationMip')
  const defaultResolution = defaults.voxelResolution === undefined ? undefined : checkResolution(defaults.voxelResolution, 'voxelResolution')
  const concurrency = positiveInt(defaults.concurrency ?? DEFAULT_LOOKUP_CONCURRENCY, 'concurrency')
  const batchSize = positiveInt(defaults.batchSize ?? DEFAULT_ROOTS_BATCH_SIZE, 'batchSize')
  const rootsConcurrency = positiveInt(defaults.rootsConcurrency ?? 4, 'rootsConcurrency')
  if (defaults.timestamp !== undefined) toTimestampSeconds(defaults.timestamp, 'timestamp')
  const logger = () => client.context.logger

  const segmentation = lazyAsync<SegmentationHandle>((signal) => openSegmentation(client, defaults.segmentationSource, { signal, concurrency }))
  const pointResolution = lazyAsync<Vec3>((signal) => (defaultResolution ? Promise.resolve(defaultResolution) : defaultPointResolution(client, signal)))

  /** Float epoch seconds for a call: explicit → this client's → the FrameworkClient's → now. */
  const timestampOf = (seg: SegmentationHandle, value: TimestampInput | undefined): number => {
    const t = value ?? defaults.timestamp
    if (t !== undefined) return toTimestampSeconds(t, 'timestamp')
    const d = seg.chunkedgraph?.defaultTimestamp
    return d ? d.getTime() / 1000 : Date.now() / 1000
  }

  function reportOutOfBounds(report: OutOfBoundsReport, total: number, what: string, o: SupervoxelLookupOptions): void {
    const handler = o.onOutOfBounds ?? defaults.onOutOfBounds
    if (handler) return handler(report)
    const shown = [...report.indices.subarray(0, 5)].join(', ')
    logger().warn(
      `${what}: ${report.indices.length} of ${total} ${report.column ? `points in column "${report.column}" (rows ${shown}${report.indices.length > 5 ? ', …' : ''})` : `points (${shown}${report.indices.length > 5 ? ', …' : ''})`} ` +
        `lie outside the segmentation volume ${fmtBox(report.bounds)} at mip ${report.mip} and got id 0; pass strict: true to make this an error`,
    )
  }

  /** Validated call parameters; throws before any request. */
  function callParams(o: SupervoxelLookupOptions) {
    return {
      mip: o.mip === undefined ? defaultMip : mipParam(o.mip, 'mip'),
      resolution: o.voxelResolution === undefined ? undefined : checkResolution(o.voxelResolution, 'voxelResolution'),
      strict: o.strict ?? defaults.strict ?? false,
      fillMissing: o.fillMissing ?? defaults.fillMissing ?? false,
    }
  }

  /**
   * The shared core: supervoxels at `xyz` (points in `resolution`), with out-of-bounds handling.
   * `label` maps a point index to its report (tables: column and row).
   */
  async function supervoxelsAt(
    xyz: Float64Array,
    params: ReturnType<typeof callParams>,
    o: SupervoxelLookupOptions,
    what: string,
    groups?: { columns: readonly string[]; rows: number },
  ): Promise<{ seg: SegmentationHandle; values: BigUint64Array; outOfBounds: Uint32Array; chunks: number }> {
    const { signal } = o
    const seg = await segmentation({ signal })
    const from = params.resolution ?? (await pointResolution({ signal }))
    const vol = seg.volume
    const scale = vol.scale(params.mip)
    const voxels = toVoxels(xyz, from, scale.resolution)
    const bounds = vol.bounds(params.mip)
    const outside = pointsOutside(voxels, bounds)
    const n = xyz.length / 3
    if (outside.length > 0) {
      const reports: OutOfBoundsReport[] = groups
        ? groups.columns
            .map((column, j) => ({
              column,
              indices: Uint32Array.from(outside.filter((i) => Math.floor(i / groups.rows) === j), (i) => i % groups.rows),
              bounds,
              mip: params.mip,
            }))
            .filter((r) => r.indices.length > 0)
        : [{ indices: outside, bounds, mip: params.mip }]
      if (params.strict) {
        const r = reports[0]!
        throw new PointOutOfBoundsError(
          groups ? 'table' : 'points',
          `${outside.length} of ${n} points lie outside the segmentation volume ${fmtBox(bounds)} at mip ${params.mip} ` +
            `(${r.column ? `column "${r.column}", rows` : 'points'} ${[...r.indices.subarray(0, 5)].join(', ')}${r.indices.length > 5 ? ', …' : ''}; ` +
            `points in ${from.join(' × ')} nm voxels, the volume in ${scale.resolution.join(' × ')} nm)`,
          { indices: outside, bounds, mip: params.mip },
        )
      }
      for (const r of reports) reportOutOfBounds(r, groups ? groups.rows : n, what, o)
    }
    const result = await sampleVolume(vol, voxels, {
      mip: params.mip,
      signal,
      fillMissing: params.fillMissing,
      onChunk: o.onProgress ? (done, total) => o.onProgress?.({ phase: 'chunks', done, total }) : undefined,
    })
    return { seg, values: result.values, outOfBounds: result.outOfBounds, chunks: result.chunks }
  }

  async function rootsFor(seg: SegmentationHandle, supervoxels: BigUint64Array, seconds: number, o: RootLookupOptions): Promise<{ roots: BigUint64Array; requests: number; distinct: number }> {
    if (!seg.graphene || !seg.chunkedgraph) return { roots: supervoxels.slice(), requests: 0, distinct: 0 }
    let requests = 0
    let distinct = 0
    const roots = await rootsOf(seg.chunkedgraph, supervoxels, {
      timestamp: seconds,
      batchSize,
      concurrency: rootsConcurrency,
      signal: o.signal,
      onBatch: (done, total) => {
        requests++
        distinct = total
        o.onProgress?.({ phase: 'roots', done, total })
      },
    })
    return { roots, requests, distinct }
  }

  async function lookupPointsCore(
    xyz: Float64Array,
    o: PointLookupOptions,
    what: string,
    groups?: { columns: readonly string[]; rows: number },
  ): Promise<PointsLookup> {
    const params = callParams(o)
    if (o.timestamp !== undefined) toTimestampSeconds(o.timestamp, 'timestamp')
    o.signal?.throwIfAborted()
    const { seg, values, outOfBounds, chunks } = await supervoxelsAt(xyz, params, o, what, groups)
    const seconds = timestampOf(seg, o.timestamp)
    const { roots, requests, distinct } = await rootsFor(seg, values, seconds, o)
    return {
      rootIds: roots,
      supervoxelIds: values,
      outOfBounds,
      timestamp: seg.graphene ? new Date(seconds * 1000) : undefined,
      flat: !seg.graphene,
      stats: { points: xyz.length / 3, outOfBounds: outOfBounds.length, chunks, distinctSupervoxels: distinct, rootRequests: requests },
    }
  }

  async function lookupDataframe(table: TableInput, o: DataframeOptions): Promise<Row[] | ArrowTable> {
    if (o === null || typeof o !== 'object') throw new InvalidParameterError('options', 'lookupDataframe needs { pointColumn }')
    const arrow = isArrowTable(table)
    if (!arrow && !Array.isArray(table)) throw new InvalidParameterError('table', 'table must be an array of row objects or an Arrow table (apache-arrow)')
    const columns = pointColumnsOf(o.pointColumn)
    const names = columns.map((c) => outputColumns(c, o.suffixes))
    const produced = new Set<string>()
    for (const nm of names) {
      for (const c of [nm.position, nm.supervoxelId, nm.rootId]) {
        if (produced.has(c)) throw new InvalidParameterError('pointColumn', `two point columns would both write column "${c}"; use other suffixes`)
        produced.add(c)
      }
    }
    const rows = rowCount(table)
    const xyz = readPoints(table, columns)
    callParams(o)
    if (o.timestamp !== undefined) toTimestampSeconds(o.timestamp, 'timestamp')
    const result = await lookupPointsCore(xyz, o, 'lookupDataframe', { columns, rows })
    const perColumn: ColumnResult[] = names.map((nm, j) => ({
      names: nm,
      supervoxelIds: result.supervoxelIds.slice(j * rows, (j + 1) * rows),
      rootIds: result.rootIds.slice(j * rows, (j + 1) * rows),
    }))
    return arrow ? buildArrow(table, perColumn, result.flat) : buildRecords(table as ReadonlyArray<Row>, perColumn, result.flat)
  }

  return {
    options: Object.freeze(defaults),

    async lookupSupervoxels(points, o = {}) {
      const xyz = normalizePoints(points)
      const params = callParams(o)
      o.signal?.throwIfAborted()
      return (await supervoxelsAt(xyz, params, o, 'lookupSupervoxels')).values
    },

    async lookupRootIds(supervoxelIds, o = {}) {
      const ids = toUint64Array(supervoxelIds as Iterable<Uint64Like>)
      if (o.timestamp !== undefined) toTimestampSeconds(o.timestamp, 'timestamp')
      o.signal?.throwIfAborted()
      const seg = await segmentation({ signal: o.signal })
      return (await rootsFor(seg, ids, timestampOf(seg, o.timestamp), o)).roots
    },

    async lookupPoints(points, o = {}) {
      const xyz = normalizePoints(points)
      return lookupPointsCore(xyz, o, 'lookupPoints')
    },

    lookupDataframe: lookupDataframe as LookupClient['lookupDataframe'],

    async segmentationInfo(o = {}) {
      const mip = o.mip === undefined ? defaultMip : mipParam(o.mip, 'mip')
      const from = o.voxelResolution === undefined ? undefined : checkResolution(o.voxelResolution, 'voxelResolution')
      const seg = await segmentation({ signal: o.signal })
      return {
        source: seg.source,
        flat: !seg.graphene,
        mip,
        resolution: seg.volume.resolution(mip),
        bounds: seg.volume.bounds(mip),
        voxelResolution: from ?? (await pointResolution({ signal: o.signal })),
      }
    },
  }
}
