/** Response shapes of the info service (spec §1.3, §4.1). Deployments add fields; they are kept. */

export interface AlignedVolumeInfo {
  name: string
  id: number
  image_source: string
  description: string
  [key: string]: unknown
}

export interface DatastackInfo {
  viewer_site: string
  aligned_volume: AlignedVolumeInfo
  local_server: string
  segmentation_source: string
  synapse_table: string | null
  soma_table: string | null
  skeleton_source?: string | null
  analysis_database: string | null
  description: string
  viewer_resolution_x: number
  viewer_resolution_y: number
  viewer_resolution_z: number
  [key: string]: unknown
}
