/**
 * Where the active token came from.
 * - `explicit`: the `token` option, or `useToken()`.
 * - `token-file`: the `tokenFile` option (Node).
 * - `env`: the `CAVE_TOKEN` environment variable (Node).
 * - `server-file`: `{netloc}-cave-secret.json` in the secrets directory (Node).
 * - `generic-file`: `cave-secret.json` (Node).
 * - `legacy-file`: the deprecated `chunkedgraph-secret.json` (Node).
 * - `local-storage`: this package's per-server `localStorage` record (browsers).
 * - `neuroglancer`: neuroglancer's `auth_token_v2_<authUrl>` `localStorage` entry (browsers).
 * - `memory`: a `MemoryTokenStore` (browsers without storage, or a store passed in).
 * - `saved`: the token given to `saveToken()` with `switchToken`.
 * - `none`: no token; requests go out unauthenticated.
 */
export type TokenSource =
  | 'explicit'
  | 'token-file'
  | 'env'
  | 'server-file'
  | 'generic-file'
  | 'legacy-file'
  | 'local-storage'
  | 'neuroglancer'
  | 'memory'
  | 'saved'
  | 'none'

/** Where a token is (or would be) stored. Never the token itself. */
export interface TokenLocation {
  /** Secret file (Node). */
  readonly file?: string
  /** `localStorage` key (browsers). */
  readonly storageKey?: string
  /** Environment variable name. */
  readonly variable?: string
}

/** A description of the active token, safe to log. */
export interface TokenInfo extends TokenLocation {
  readonly source: TokenSource
  /** The key the token is stored under in its file or record. */
  readonly key: string
}
