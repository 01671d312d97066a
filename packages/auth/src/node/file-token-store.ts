import type {
  TokenLookupRequest,
  TokenLookupResult,
  TokenSaveRequest,
  TokenSaveResult,
  TokenStore,
} from '../token-store.js'
import { lookupFileToken } from './lookup-file-token.js'
import { saveToken } from './save-token.js'

export interface FileTokenStoreOptions {
  /** Secrets directory; default `~/.cloudvolume/secrets`, with the home directory read at each call. */
  readonly secretsDir?: string | undefined
  /** Where `CAVE_TOKEN` is read from; default `process.env`. Pass `{}` to ignore the environment. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
}

/**
 * The Node token store: the `~/.cloudvolume/secrets/` files shared with the Python tools
 * (`caveclient`, `cloud-volume`) plus the `CAVE_TOKEN` variable. See `lookupFileToken` for the
 * lookup order and `saveToken` for how files are written.
 */
export class FileTokenStore implements TokenStore {
  readonly #secretsDir: string | undefined
  readonly #env: Readonly<Record<string, string | undefined>> | undefined

  constructor(options: FileTokenStoreOptions = {}) {
    this.#secretsDir = options.secretsDir
    this.#env = options.env
  }

  lookup(request: TokenLookupRequest): TokenLookupResult {
    return lookupFileToken({ ...request, secretsDir: this.#secretsDir, env: this.#env })
  }

  save(token: string, request: TokenSaveRequest): Promise<TokenSaveResult> {
    return saveToken(token, {
      serverAddress: request.serverAddress,
      tokenKey: request.tokenKey,
      overwrite: request.overwrite,
      tokenFile: request.tokenFile,
      writeServerFile: request.writeServerFile,
      localServer: request.localServers,
      secretsDir: this.#secretsDir,
      signal: request.signal,
      onWarning: request.warn,
    })
  }
}
