import type { TokenLocation, TokenSource } from './token-info.js'
import type { WarningHandler } from './warnings.js'

/** What `TokenStore.lookup` is asked. */
export interface TokenLookupRequest {
  /** Normalised global server address. */
  readonly serverAddress: string
  readonly tokenKey: string
  /** An explicit token file (Node only; browser stores reject it). */
  readonly tokenFile?: string | undefined
  readonly warn: WarningHandler
}

/** What `TokenStore.lookup` found. `token` is undefined when nothing was found (`source: 'none'`). */
export interface TokenLookupResult {
  readonly token: string | undefined
  readonly source: TokenSource
  readonly location: TokenLocation
  /** The file `saveToken` writes to by default (Node): the explicit token file or the chosen secret file. */
  readonly tokenFile?: string | undefined
}

/** What `TokenStore.save` is asked. The token itself is the first argument of `save`. */
export interface TokenSaveRequest {
  readonly serverAddress: string
  readonly tokenKey: string
  readonly overwrite: boolean
  /** Primary file (Node); browser stores reject it. */
  readonly tokenFile?: string | undefined
  /** Also store a copy for the global server's own file/key (default true). */
  readonly writeServerFile: boolean
  /** Local servers that get a copy too (overwrite allowed there). */
  readonly localServers: readonly string[]
  readonly signal?: AbortSignal | undefined
  readonly warn: WarningHandler
}

/** What `TokenStore.save` did. Names files or storage keys, never the token. */
export interface TokenSaveResult {
  /** Where the token now lives for this server (the primary file or storage key). */
  readonly location: TokenLocation
  /** Files or storage keys written. */
  readonly written: readonly string[]
  /** Files or storage keys that already held the token. */
  readonly unchanged: readonly string[]
  /** Secondary files or keys skipped because their location is read-only. */
  readonly skipped: readonly string[]
}

/**
 * Token persistence for one platform. `lookup` is synchronous (it runs when an `AuthClient` is
 * created); `save` is asynchronous. Implementations: `FileTokenStore` (`@daf/auth/node`),
 * `LocalStorageTokenStore`, `MemoryTokenStore`.
 */
export interface TokenStore {
  lookup(request: TokenLookupRequest): TokenLookupResult
  save(token: string, request: TokenSaveRequest): Promise<TokenSaveResult>
}
