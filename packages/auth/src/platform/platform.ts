import type { KeyValueStorage } from '../browser/key-value-storage.js'
import type { TokenStore } from '../token-store.js'

/** Options an `AuthClient` passes to its platform's default store; each platform uses its own. */
export interface PlatformStoreOptions {
  /** Node: the secrets directory (default `~/.cloudvolume/secrets`). */
  readonly secretsDir?: string | undefined
  /** Browsers: the storage to use (default `localStorage`; `null` for memory only). */
  readonly storage?: KeyValueStorage | null | undefined
  /** Browsers: neuroglancer login URLs to read tokens from, or `false`. */
  readonly neuroglancerAuthUrls?: readonly string[] | false | undefined
}

/**
 * Platform defaults, chosen at module resolution through the package's `#platform` import:
 * Node gets secret files, the environment and the system opener; everything else gets
 * `localStorage` and `window.open`.
 */
export interface Platform {
  readonly name: 'node' | 'browser'
  createStore(options: PlatformStoreOptions): TokenStore
  openUrl(url: string, signal?: AbortSignal): Promise<void>
}
