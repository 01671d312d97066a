/**
 * The info service (`{G}/info`, spec §4.1): v2 plus the legacy v1 "dataset" routes. No API-version
 * probe exists, so v2 is used unless a caller pins v1 for a very old server.
 */
import { endpoint, responseOf, type ServiceDefinition } from '../http/endpoints.js'
import type { AlignedVolumeInfo, DatastackInfo } from './types.js'

/** `image_source_name` and the mirror list arrived in info 4.3.1. */
const MIRRORS = '>=4.3.1'

export const infoV2 = {
  datastacks: endpoint('GET /info/api/v2/datastacks', { response: responseOf<string[]>() }),
  /** Query `image_source_name=<mirror>` returns the record with that mirror's aligned volume. */
  datastackInfo: endpoint('GET /info/api/v2/datastack/full/{datastack}', {
    response: responseOf<DatastackInfo>(),
    queryGates: { image_source_name: MIRRORS },
  }),
  alignedVolumes: endpoint('GET /info/api/v2/aligned_volume', { response: responseOf<AlignedVolumeInfo[]>() }),
  alignedVolume: endpoint('GET /info/api/v2/aligned_volume/{aligned_volume}', { response: responseOf<AlignedVolumeInfo>() }),
  alignedVolumeById: endpoint('GET /info/api/v2/aligned_volume/id/{id}', { response: responseOf<AlignedVolumeInfo>() }),
  datastacksByAlignedVolume: endpoint('GET /info/api/v2/aligned_volume/{aligned_volume}/datastacks', {
    response: responseOf<string[]>(),
  }),
  imageSources: endpoint('GET /info/api/v2/datastack/{datastack}/image_sources', {
    response: responseOf<AlignedVolumeInfo[]>(),
    serverVersion: MIRRORS,
  }),
} as const

export const infoV1 = {
  datasets: endpoint('GET /info/api/datasets', { response: responseOf<string[]>() }),
  dataset: endpoint('GET /info/api/dataset/{dataset}', { response: responseOf<Record<string, unknown>>() }),
} as const

export const infoService = {
  service: 'info',
  server: 'global',
  serverVersion: endpoint('GET /info/version', { response: responseOf<string>() }),
  fallbackApiVersion: 2,
  legacyApiVersions: [1],
  apiVersions: { 1: infoV1, 2: infoV2 },
} as const satisfies ServiceDefinition<1 | 2>
