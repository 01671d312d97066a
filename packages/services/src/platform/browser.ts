import type { ServicesPlatform } from './platform.js'

/** Browsers have no `~/.cloudvolume/secrets`: nothing is read and nothing is written. */
export const platform: ServicesPlatform = {
  name: 'browser',
  readDatastackServer: () => undefined,
  writeDatastackServer: async () => undefined,
}
