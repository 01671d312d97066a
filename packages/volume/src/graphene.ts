/** graphene:// volumes (volumes.md §7). */
import { CloudVolume, type CloudVolumeOptions } from './cloudvolume.js'
import { UnsupportedProtocolError } from './errors.js'

export class GrapheneVolume extends CloudVolume {
  static async openGraphene(cloudpath: string, _options: CloudVolumeOptions = {}): Promise<GrapheneVolume> {
    throw new UnsupportedProtocolError(`graphene:// is not wired yet: ${cloudpath}`)
  }
}
