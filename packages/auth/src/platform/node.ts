import { FileTokenStore } from '../node/file-token-store.js'
import { openWithSystem } from '../node/open-url.js'
import type { Platform } from './platform.js'

/** Node defaults: secret files under `~/.cloudvolume/secrets`, `CAVE_TOKEN`, the system opener. */
export const platform: Platform = {
  name: 'node',
  createStore: (options) => new FileTokenStore({ secretsDir: options.secretsDir }),
  openUrl: (url, signal) => openWithSystem(url, { signal }),
}
