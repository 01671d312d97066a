/**
 * Opening the datastack's volumes from a FrameworkClient: the segmentation (graphene: the
 * supervoxel layer at the chunkedgraph's `data_dir`, with the chunkedgraph client; precomputed: a
 * flat segmentation) and the imagery.
 */
import {
  type ChunkedGraphClient,
  type FrameworkClient,
  InvalidParameterError,
  ServerIncompatibilityError,
  createChunkedGraphClient,
  tableIdFromSegmentationSource,
} from '@daf/services'
import { CloudVolume, defaultProvenance, type CloudVolumeOptions, type VolumeInfo } from '@daf/volume'
import type { Vec3 } from './points.js'

/** What the lookup and imagery clients use of a `FrameworkClient` (any object of this shape works). */
export type FrameworkClientLike = Pick<FrameworkClient, 'info' | 'chunkedgraph' | 'context'>

export interface SegmentationHandle {
  /** The source as configured (`graphene://…` or a precomputed path). */
  readonly source: string
  /** True for a chunkedgraph (proofread) segmentation; false for a flat one (supervoxel = root). */
  readonly graphene: boolean
  /** The supervoxel layer (graphene: `data_dir`, opened with the chunkedgraph's info; no token sent there). */
  readonly volume: CloudVolume
  /** The chunkedgraph client (graphene only). */
  readonly chunkedgraph: ChunkedGraphClient | undefined
}

export interface OpenOptions {
  signal?: AbortSignal | undefined
  /** Chunk requests in flight per call. */
  concurrency?: number | undefined
  /** Extra CloudVolume options (e.g. `bounded: false`, `fillMissing: true` for cutouts). */
  volume?: CloudVolumeOptions | undefined
}

const GRAPHENE = /^graphene:\/\//i

/** Opens `source` (default: the datastack's `segmentation_source`). */
export async function openSegmentation(client: FrameworkClientLike, source: string | undefined, o: OpenOptions = {}): Promise<SegmentationHandle> {
  const { signal } = o
  const own = source === undefined
  const src = source ?? (await client.info.segmentationSource({ formatFor: 'raw', signal }))
  if (!src) {
    throw new InvalidParameterError('segmentationSource', 'the datastack has no segmentation_source; pass segmentationSource')
  }
  const volumeOptions: CloudVolumeOptions = { ...o.volume, ...(o.concurrency !== undefined && { concurrency: o.concurrency }), provenance: defaultProvenance() }
  if (GRAPHENE.test(src.trim())) {
    let chunkedgraph: ChunkedGraphClient
    if (own) {
      chunkedgraph = client.chunkedgraph
    } else {
      const tableId = tableIdFromSegmentationSource(src)
      if (!tableId) throw new InvalidParameterError('segmentationSource', `no table id in the graphene source "${src}"`)
      chunkedgraph = createChunkedGraphClient(client.context, { tableId })
    }
    const info = (await chunkedgraph.segmentationInfo({ signal })) as unknown as VolumeInfo & { data_dir?: unknown }
    const dataDir = typeof info.data_dir === 'string' ? info.data_dir : undefined
    if (!dataDir) throw new ServerIncompatibilityError({ feature: 'graphene data_dir', required: 'data_dir in the segmentation info', actual: 'missing', service: 'chunkedgraph' }, `the chunkedgraph's info for ${src} has no data_dir`)
    // The chunkedgraph's info describes the supervoxel layer (CloudVolume reads data_dir with it): no request to data_dir for metadata.
    const volume = await CloudVolume.open(dataDir, { ...volumeOptions, info: structuredClone(info), signal })
    return { source: src, graphene: true, volume, chunkedgraph }
  }
  const volume = await CloudVolume.open(src, { ...volumeOptions, signal })
  return { source: src, graphene: false, volume, chunkedgraph: undefined }
}

/** Opens `source` (default: the datastack's image source). */
export async function openImage(client: FrameworkClientLike, source: string | undefined, o: OpenOptions = {}): Promise<CloudVolume> {
  const src = source ?? (await client.info.imageSource({ formatFor: 'raw', signal: o.signal }))
  if (!src) throw new InvalidParameterError('imageSource', 'the datastack has no image_source; pass imageSource')
  return CloudVolume.open(src, { ...o.volume, ...(o.concurrency !== undefined && { concurrency: o.concurrency }), provenance: defaultProvenance(), signal: o.signal })
}

/** The datastack's viewer resolution, or `[4, 4, 40]` (CAVE's usual point resolution) when the record has none. */
export async function defaultPointResolution(client: FrameworkClientLike, signal: AbortSignal | undefined): Promise<Vec3> {
  try {
    return await client.info.viewerResolution({ signal })
  } catch (error) {
    if ((error as { kind?: string }).kind === 'ServerIncompatibilityError') return [4, 4, 40]
    throw error
  }
}
