import { throwIfAborted } from '../abort.js'
import { DEFAULT_TOKEN_KEY } from '../constants.js'
import { AuthConfigError, TokenExistsError } from '../errors.js'
import { MemoryTokenStore } from '../memory-token-store.js'
import { normalizeServerAddress } from '../server-address.js'
import {
  parseTokenRecord,
  serializeTokenRecord,
  tokenFromRecord,
  updateTokenRecord,
  type TokenRecordUpdate,
} from '../token-record.js'
import type {
  TokenLookupRequest,
  TokenLookupResult,
  TokenSaveRequest,
  TokenSaveResult,
  TokenStore,
} from '../token-store.js'
import type { KeyValueStorage } from './key-value-storage.js'
import { defaultNeuroglancerAuthUrls, readNeuroglancerToken } from './neuroglancer-token.js'

/** Prefix of this package's storage keys; the normalised server address follows it. */
export const STORAGE_KEY_PREFIX = 'daf_auth_token_v1_'

/** The storage key holding the token record (`{"token": "…"}`) for a server. */
export function storageKeyFor(serverAddress: string): string {
  return `${STORAGE_KEY_PREFIX}${normalizeServerAddress(serverAddress)}`
}

export interface LocalStorageTokenStoreOptions {
  /** The storage to use; default `globalThis.localStorage`. `null`: none (memory only). */
  readonly storage?: KeyValueStorage | null | undefined
  /**
   * Neuroglancer login URLs whose `auth_token_v2_<url>` entries are read (default token key only);
   * default `{server}/sticky_auth` and `{server}/auth`. `false`: never read neuroglancer's entries.
   */
  readonly neuroglancerAuthUrls?: readonly string[] | false | undefined
  /** Where tokens go when storage is unavailable; default a store private to this object. */
  readonly memory?: MemoryTokenStore | undefined
}

/**
 * Browser token store. Lookup order: this package's per-server record in `localStorage`, then
 * neuroglancer's entry for the deployment, then memory. Saves go to `localStorage`, or to memory
 * (with a `storage-unavailable` warning) when storage is missing, blocked or full.
 */
export class LocalStorageTokenStore implements TokenStore {
  readonly #storage: KeyValueStorage | null | undefined
  readonly #neuroglancerAuthUrls: readonly string[] | false | undefined
  readonly #memory: MemoryTokenStore

  constructor(options: LocalStorageTokenStoreOptions = {}) {
    this.#storage = options.storage
    this.#neuroglancerAuthUrls = options.neuroglancerAuthUrls
    this.#memory = options.memory ?? new MemoryTokenStore()
  }

  lookup(request: TokenLookupRequest): TokenLookupResult {
    rejectTokenFile(request.tokenFile)
    const storage = this.#usableStorage()
    if (storage !== undefined) {
      const storageKey = storageKeyFor(request.serverAddress)
      const token = tokenFromRecord(parseStored(storage, storageKey), request.tokenKey)
      if (token !== undefined) return { token, source: 'local-storage', location: { storageKey } }
      const authUrls = this.#neuroglancerAuthUrls ?? defaultNeuroglancerAuthUrls(request.serverAddress)
      if (authUrls !== false && request.tokenKey === DEFAULT_TOKEN_KEY) {
        const found = safely(() => readNeuroglancerToken(storage, authUrls))
        if (found !== undefined) {
          return { token: found.token, source: 'neuroglancer', location: { storageKey: found.storageKey } }
        }
      }
    }
    return this.#memory.lookup(request)
  }

  async save(token: string, request: TokenSaveRequest): Promise<TokenSaveResult> {
    throwIfAborted(request.signal)
    rejectTokenFile(request.tokenFile)
    const storage = this.#usableStorage()
    if (storage === undefined) return this.#saveInMemory(token, request, 'localStorage is not available')

    const targets = new Map([[storageKeyFor(request.serverAddress), { overwrite: request.overwrite, primary: true }]])
    for (const local of request.localServers) {
      const key = storageKeyFor(normalizeServerAddress(local, 'localServer'))
      if (!targets.has(key)) targets.set(key, { overwrite: true, primary: false })
    }
    const plans: { storageKey: string; primary: boolean; update: TokenRecordUpdate }[] = []
    for (const [storageKey, { overwrite, primary }] of targets) {
      const update = updateTokenRecord(parseStored(storage, storageKey), request.tokenKey, token, overwrite)
      if (update.kind === 'conflict') throw new TokenExistsError({ storageKey }, request.tokenKey)
      plans.push({ storageKey, primary, update })
    }

    const written: string[] = []
    const unchanged: string[] = []
    const skipped: string[] = []
    for (const { storageKey, primary, update } of plans) {
      if (update.kind !== 'write') {
        unchanged.push(storageKey)
        continue
      }
      try {
        storage.setItem(storageKey, serializeTokenRecord(update.record))
        written.push(storageKey)
      } catch (error) {
        const reason = error instanceof Error ? error.name : 'setItem failed'
        if (primary) return this.#saveInMemory(token, request, `localStorage refused the write (${reason})`)
        skipped.push(storageKey)
        request.warn({
          code: 'secondary-write-skipped',
          message: `token copy not stored under ${storageKey}: localStorage refused the write (${reason})`,
          storageKey,
        })
      }
    }
    return { location: { storageKey: storageKeyFor(request.serverAddress) }, written, unchanged, skipped }
  }

  async #saveInMemory(token: string, request: TokenSaveRequest, why: string): Promise<TokenSaveResult> {
    request.warn({
      code: 'storage-unavailable',
      message: `${why}; the token is kept in memory for this page only`,
    })
    return this.#memory.save(token, request)
  }

  /** The storage, or undefined when there is none or touching it throws (sandboxed frames, privacy modes). */
  #usableStorage(): KeyValueStorage | undefined {
    if (this.#storage === null) return undefined
    if (this.#storage !== undefined) return this.#storage
    return safely(() => (globalThis as { localStorage?: KeyValueStorage }).localStorage ?? undefined)
  }
}

function parseStored(storage: KeyValueStorage, storageKey: string) {
  const text = safely(() => storage.getItem(storageKey))
  return typeof text === 'string' ? parseTokenRecord(text) : undefined
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch {
    return undefined
  }
}

function rejectTokenFile(tokenFile: string | undefined): void {
  if (tokenFile !== undefined) {
    throw new AuthConfigError('tokenFile', 'tokenFile is not available in browsers; tokens are kept in localStorage')
  }
}
