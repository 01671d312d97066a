/**
 * `@daf/auth/node`: the secret-file store and its helpers. Node only (the subpath resolves to
 * nothing in browsers). `AuthClient` from `@daf/auth` uses `FileTokenStore` automatically in Node.
 */
export { FileTokenStore, type FileTokenStoreOptions } from './file-token-store.js'
export { lookupFileToken, type FileTokenLookupOptions } from './lookup-file-token.js'
export { readTokenFile, type TokenFileContents } from './read-token-file.js'
export { saveToken, type SaveTokenFileOptions } from './save-token.js'
export { GENERIC_SECRET_FILE, LEGACY_SECRET_FILE, secretFiles, serverSecretFileName } from './secret-files.js'
export { expandHome, secretsDir } from './secrets-dir.js'
export { writeFileAtomic, type AtomicWriteOptions } from './atomic-write.js'
export {
  openWithSystem,
  openerCommand,
  type OpenWithSystemOptions,
  type OpenerCommand,
  type Spawn,
  type SpawnedProcess,
} from './open-url.js'
