export { AuthClient } from './client.js'
export type {
  AuthClientDescription,
  AuthClientOptions,
  GetNewTokenOptions,
  NewTokenInstructions,
  SaveTokenOptions,
} from './client.js'
export type { Authorizer } from './authorizer.js'
export { DEFAULT_SERVER_ADDRESS, DEFAULT_TOKEN_KEY, REDACTED, TOKEN_ENV_VAR } from './constants.js'
export {
  AuthConfigError,
  DafAuthError,
  OpenUrlError,
  TokenExistsError,
  TokenFileError,
  TokenFormatError,
  isAuthConfigError,
  isDafAuthError,
  isOpenUrlError,
  isTokenExistsError,
  isTokenFileError,
  isTokenFormatError,
  type DafAuthErrorCode,
} from './errors.js'
export { netloc, normalizeServerAddress, originOf } from './server-address.js'
export { OriginSet } from './origin-set.js'
export { isWellFormedToken, normalizeToken } from './token-format.js'
export { redactSecrets } from './redact.js'
export { createTokenUrl, tokenPageUrl } from './token-pages.js'
export type { TokenInfo, TokenLocation, TokenSource } from './token-info.js'
export type {
  TokenLookupRequest,
  TokenLookupResult,
  TokenSaveRequest,
  TokenSaveResult,
  TokenStore,
} from './token-store.js'
export { MemoryTokenStore } from './memory-token-store.js'
export {
  LocalStorageTokenStore,
  STORAGE_KEY_PREFIX,
  storageKeyFor,
  type LocalStorageTokenStoreOptions,
} from './browser/local-storage-token-store.js'
export { NEUROGLANCER_KEY_PREFIX, readNeuroglancerToken } from './browser/neuroglancer-token.js'
export type { AuthWarning, AuthWarningCode, WarningHandler } from './warnings.js'
export type { KeyValueStorage } from './browser/key-value-storage.js'
