import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { TOKEN_ENV_VAR } from '../constants.js'
import { isTokenFileError } from '../errors.js'
import type { TokenLookupResult } from '../token-store.js'
import type { WarningHandler } from '../warnings.js'
import { readTokenFile, type TokenFileContents } from './read-token-file.js'
import { secretFiles } from './secret-files.js'
import { expandHome } from './secrets-dir.js'

export interface FileTokenLookupOptions {
  readonly serverAddress: string
  readonly tokenKey: string
  readonly tokenFile?: string | undefined
  readonly secretsDir?: string | undefined
  /** Where `CAVE_TOKEN` is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  readonly warn: WarningHandler
}

/**
 * The Node lookup order; the first step that yields a token wins.
 *
 * 1. (the explicit `token` option is handled by the client)
 * 2. the explicit `tokenFile`, under `tokenKey`
 * 3. the `CAVE_TOKEN` environment variable
 * 4. `{netloc}-cave-secret.json` for the global server, when no `tokenFile` was given
 * 5. `cave-secret.json`, when no `tokenFile` was given and no server-specific file exists
 * 6. the deprecated `chunkedgraph-secret.json` (same key), with a `legacy-token-file` warning
 *
 * As in the Python client, exactly one file is "the token file" (reported as `tokenFile`, the default
 * target of `saveToken`): the explicit one, else the server-specific file when it exists (even
 * without the key), else `cave-secret.json`. A server-specific file therefore hides the generic
 * one, which may belong to another deployment. Unreadable or malformed files count as empty (with
 * an `unreadable-token-file` warning).
 */
export function lookupFileToken(options: FileTokenLookupOptions): TokenLookupResult {
  const { tokenKey, warn } = options
  const files = secretFiles(options.serverAddress, options.secretsDir)
  const explicit = options.tokenFile === undefined ? undefined : resolve(expandHome(options.tokenFile))
  const tokenFile = explicit ?? (existsSync(files.server) ? files.server : files.generic)

  const read = (file: string): TokenFileContents => {
    try {
      return readTokenFile(file, tokenKey)
    } catch (error) {
      if (!isTokenFileError(error)) throw error
      warn({ code: 'unreadable-token-file', message: `${error.message}; ignored`, file })
      return { exists: true, token: undefined }
    }
  }
  const found = (token: string, source: TokenLookupResult['source'], file: string): TokenLookupResult => ({
    token,
    source,
    location: { file },
    tokenFile,
  })

  if (explicit !== undefined) {
    const token = read(explicit).token
    if (token !== undefined) return found(token, 'token-file', explicit)
  }

  const fromEnv = (options.env ?? process.env)[TOKEN_ENV_VAR]?.trim()
  if (fromEnv) return { token: fromEnv, source: 'env', location: { variable: TOKEN_ENV_VAR }, tokenFile }

  if (explicit === undefined) {
    const token = read(tokenFile).token
    if (token !== undefined) return found(token, tokenFile === files.server ? 'server-file' : 'generic-file', tokenFile)
  }

  if (tokenFile !== files.legacy) {
    const token = read(files.legacy).token
    if (token !== undefined) {
      warn({
        code: 'legacy-token-file',
        message:
          `token read from the deprecated ${files.legacy}; ` +
          `save it to ${tokenFile} (saveToken) — the legacy file will stop being read in a future version`,
        file: files.legacy,
      })
      return found(token, 'legacy-file', files.legacy)
    }
  }
  return { token: undefined, source: 'none', location: {}, tokenFile }
}
