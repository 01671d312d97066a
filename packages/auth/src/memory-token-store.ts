import { throwIfAborted } from './abort.js'
import { AuthConfigError, TokenExistsError } from './errors.js'
import { normalizeServerAddress } from './server-address.js'
import { tokenFromRecord, updateTokenRecord, type TokenRecord } from './token-record.js'
import type {
  TokenLookupRequest,
  TokenLookupResult,
  TokenSaveRequest,
  TokenSaveResult,
  TokenStore,
} from './token-store.js'

/**
 * Tokens kept in memory, per server address, for the lifetime of the store object. Used by the
 * browser store when `localStorage` is unavailable, and handy for tests and server-side rendering.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>()

  lookup(request: TokenLookupRequest): TokenLookupResult {
    rejectTokenFile(request.tokenFile)
    const token = tokenFromRecord(this.#records.get(request.serverAddress), request.tokenKey)
    return token === undefined
      ? { token: undefined, source: 'none', location: {} }
      : { token, source: 'memory', location: {} }
  }

  async save(token: string, request: TokenSaveRequest): Promise<TokenSaveResult> {
    throwIfAborted(request.signal)
    rejectTokenFile(request.tokenFile)
    const servers = new Map([[request.serverAddress, request.overwrite]])
    for (const local of request.localServers) {
      const address = normalizeServerAddress(local, 'localServer')
      if (!servers.has(address)) servers.set(address, true)
    }
    const plans = [...servers].map(([address, overwrite]) => {
      const update = updateTokenRecord(this.#records.get(address), request.tokenKey, token, overwrite)
      if (update.kind === 'conflict') throw new TokenExistsError({ storageKey: address }, request.tokenKey)
      return { address, update }
    })
    const written: string[] = []
    const unchanged: string[] = []
    for (const { address, update } of plans) {
      if (update.kind === 'write') {
        this.#records.set(address, update.record)
        written.push(address)
      } else {
        unchanged.push(address)
      }
    }
    return { location: {}, written, unchanged, skipped: [] }
  }
}

function rejectTokenFile(tokenFile: string | undefined): void {
  if (tokenFile !== undefined) {
    throw new AuthConfigError('tokenFile', 'tokenFile needs a file store (Node); this store keeps tokens in memory')
  }
}
