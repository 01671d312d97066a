import { LocalStorageTokenStore } from '../browser/local-storage-token-store.js'
import { openInWindow } from '../browser/open-url.js'
import { MemoryTokenStore } from '../memory-token-store.js'
import type { Platform } from './platform.js'

/** Tokens saved while storage is unavailable, shared by every client on the page. */
const pageMemory = new MemoryTokenStore()

/** Browser (and any non-Node runtime) defaults: `localStorage`, neuroglancer's entry, page memory. */
export const platform: Platform = {
  name: 'browser',
  createStore: (options) =>
    new LocalStorageTokenStore({
      storage: options.storage,
      neuroglancerAuthUrls: options.neuroglancerAuthUrls,
      memory: pageMemory,
    }),
  openUrl: (url, signal) => openInWindow(url, signal),
}
