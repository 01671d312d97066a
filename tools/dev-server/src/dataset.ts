/**
 * The generated dataset: everything the emulated services serve, derived deterministically from a
 * seed and the server's origin(s). Plain JSON data, so it can be compared, printed and snapshotted.
 * Later services (schema, annotation, chunkedgraph, state, precomputed volumes) add their own
 * sections here, each from its own `createRng(seed, '<stream>')` so existing data never shifts.
 */
import {
  DEMO_ALIGNED_VOLUME,
  DEMO_DATASTACK,
  DEMO_IMAGE_MIRROR,
  DEMO_PERMISSION_GROUP,
  DEMO_SOMA_TABLE,
  DEMO_SYNAPSE_TABLE,
  DEMO_TABLE_ID,
  INFO_SERVICE_VERSION,
} from './constants.js'
import { createRng, normalizeSeed, type Seed } from './rng.js'

/** `I/aligned_volume/{av}`, and each entry of `I/datastack/{ds}/image_sources`. */
export interface AlignedVolumeRecord {
  name: string
  id: number
  image_source: string
  description: string
}

/** `I/datastack/full/{ds}` (services spec §1.3), plus fields real deployments also send. */
export interface DatastackInfo {
  viewer_site: string
  aligned_volume: AlignedVolumeRecord
  local_server: string
  segmentation_source: string
  synapse_segmentation_source: string | null
  synapse_table: string
  soma_table: string
  skeleton_source: string | null
  analysis_database: string | null
  description: string
  viewer_resolution_x: number
  viewer_resolution_y: number
  viewer_resolution_z: number
  [extra: string]: unknown
}

export interface DatastackEntry {
  name: string
  info: DatastackInfo
  /** The aligned volume first, then its mirrors (`I/datastack/{ds}/image_sources`). */
  imageSources: AlignedVolumeRecord[]
  /** middle_auth dataset guarding this datastack (`Missing permission: view for dataset <this>`). */
  permissionGroup: string
}

/** Legacy info v1 record (`{G}/info/api/dataset/{dataset}`, AnnotationFrameworkClient ≤ 2.x). */
export interface LegacyDatasetRecord {
  name: string
  id: number
  image_source: string
  annotation_engine_endpoint: string
  flat_segmentation_source: string | null
  synapse_segmentation_source: string | null
  pychunkgraph_endpoint: string
  pychunkgraph_segmentation_source: string
  graphene_source: string
  pychunkedgraph_supervoxel_source: string | null
  analysis_database: string | null
  description: string
}

export interface DevDataset {
  /** The normalised (uint32) seed everything was generated from. */
  seed: number
  /** `{G}`: auth, info, schema, state. */
  globalUrl: string
  /** `{L}`: the datastacks' `local_server` (annotation, segmentation, …). */
  localUrl: string
  infoVersion: string
  alignedVolumes: AlignedVolumeRecord[]
  /** In `I/datastacks` order. */
  datastacks: DatastackEntry[]
  legacyDatasets: LegacyDatasetRecord[]
  /** `I/tablemapping/service/{namespace}/table/{table}/permission_group`: `"{namespace}/{table}"` → group. */
  tableMapping: Record<string, string>
}

export interface DatasetOptions {
  /** Default 1. */
  seed?: Seed
  /** Origin of the global server, e.g. `http://127.0.0.1:5000` (no trailing slash). */
  globalUrl: string
  /** Origin of the local server; defaults to `globalUrl` (one server plays both roles). */
  localUrl?: string
}

/** Generates the dataset. Same seed and urls → deep-equal result. */
export function createDataset(options: DatasetOptions): DevDataset {
  const seed = normalizeSeed(options.seed ?? 1)
  const globalUrl = stripSlash(options.globalUrl)
  const localUrl = stripSlash(options.localUrl ?? globalUrl)
  const rng = createRng(seed, 'info')

  const avId = rng.int(1, 999)
  const mirrorId = avId + rng.int(1, 99)
  const volumes = `${localUrl}/volumes/${DEMO_DATASTACK}`
  const alignedVolume: AlignedVolumeRecord = {
    name: DEMO_ALIGNED_VOLUME,
    id: avId,
    image_source: `precomputed://${volumes}/em`,
    description: `Generated electron-microscopy volume (seed ${seed}).`,
  }
  const mirror: AlignedVolumeRecord = {
    name: DEMO_IMAGE_MIRROR,
    id: mirrorId,
    image_source: `precomputed://${volumes}/em_mirror`,
    description: `Mirror of ${DEMO_ALIGNED_VOLUME} (same voxels, second location).`,
  }
  const segmentationSource = `graphene://${localUrl}/segmentation/table/${DEMO_TABLE_ID}`
  const resolution = [4, 4, 40] as const

  const info: DatastackInfo = {
    viewer_site: 'https://neuroglancer-demo.appspot.com',
    aligned_volume: alignedVolume,
    local_server: localUrl,
    segmentation_source: segmentationSource,
    synapse_segmentation_source: `precomputed://${volumes}/synapse_segmentation`,
    synapse_table: DEMO_SYNAPSE_TABLE,
    soma_table: DEMO_SOMA_TABLE,
    skeleton_source: null,
    analysis_database: null,
    description: `Generated demo datastack served by @daf/tools-dev-server (seed ${seed}).`,
    viewer_resolution_x: resolution[0],
    viewer_resolution_y: resolution[1],
    viewer_resolution_z: resolution[2],
    // Unknown to the spec on purpose: clients must keep keys they do not know.
    dev_server: { seed, generated: true },
  }

  const legacy: LegacyDatasetRecord = {
    name: DEMO_ALIGNED_VOLUME,
    id: avId,
    image_source: alignedVolume.image_source,
    annotation_engine_endpoint: `${localUrl}/annotation`,
    flat_segmentation_source: null,
    synapse_segmentation_source: info.synapse_segmentation_source,
    pychunkgraph_endpoint: `${localUrl}/segmentation`,
    pychunkgraph_segmentation_source: segmentationSource,
    graphene_source: segmentationSource,
    pychunkedgraph_supervoxel_source: null,
    analysis_database: null,
    description: alignedVolume.description,
  }

  return {
    seed,
    globalUrl,
    localUrl,
    infoVersion: INFO_SERVICE_VERSION,
    alignedVolumes: [alignedVolume],
    datastacks: [
      {
        name: DEMO_DATASTACK,
        info,
        imageSources: [alignedVolume, mirror],
        permissionGroup: DEMO_PERMISSION_GROUP,
      },
    ],
    legacyDatasets: [legacy],
    tableMapping: {
      [`pcg/${DEMO_TABLE_ID}`]: DEMO_PERMISSION_GROUP,
      [`datastack/${DEMO_DATASTACK}`]: DEMO_PERMISSION_GROUP,
      [`aligned_volume/${DEMO_ALIGNED_VOLUME}`]: DEMO_PERMISSION_GROUP,
    },
  }
}

export function findDatastack(dataset: DevDataset, name: string): DatastackEntry | undefined {
  return dataset.datastacks.find((d) => d.name === name)
}

export function findAlignedVolume(dataset: DevDataset, name: string): AlignedVolumeRecord | undefined {
  return dataset.alignedVolumes.find((a) => a.name === name)
}

/** The `{table_id}` of a datastack (services spec §1.4). */
export function tableIdOf(info: Pick<DatastackInfo, 'segmentation_source'>): string {
  const parts = info.segmentation_source.replace(/\/+$/, '').split('/')
  return parts[parts.length - 1] ?? ''
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
