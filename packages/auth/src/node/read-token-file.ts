import { readFileSync } from 'node:fs'
import { DEFAULT_TOKEN_KEY } from '../constants.js'
import { TokenFileError } from '../errors.js'
import { parseTokenRecord, tokenFromRecord } from '../token-record.js'
import { expandHome } from './secrets-dir.js'

/** What reading a secret file found. `exists: false` means there is no such file. */
export type TokenFileContents =
  | { readonly exists: false; readonly token: undefined }
  | { readonly exists: true; readonly token: string | undefined }

/**
 * Reads the token stored under `key` (default `token`) in the JSON secret file `file`. A missing
 * file or key gives `token: undefined`; an unreadable file or one that is not a JSON object throws a
 * `TokenFileError` (whose message never quotes the file). The token is returned as stored: no
 * format check, so unusual deployments keep working.
 */
export function readTokenFile(file: string, key: string = DEFAULT_TOKEN_KEY): TokenFileContents {
  const path = expandHome(file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { exists: false, token: undefined }
    throw new TokenFileError(path, 'read', code)
  }
  const record = parseTokenRecord(text)
  if (record === undefined) throw new TokenFileError(path, 'parse')
  return { exists: true, token: tokenFromRecord(record, key) }
}
