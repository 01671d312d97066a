import { join } from 'node:path'
import { netloc } from '../server-address.js'
import { expandHome, secretsDir } from './secrets-dir.js'

/** The generic secret file, used when no server-specific file exists. */
export const GENERIC_SECRET_FILE = 'cave-secret.json'
/** The deprecated secret file, read as a last resort (with a warning) and never written. */
export const LEGACY_SECRET_FILE = 'chunkedgraph-secret.json'

/** `{netloc}-cave-secret.json`: the file for one server (global or local), e.g. `global.daf-apis.com-cave-secret.json`. */
export function serverSecretFileName(serverAddress: string): string {
  return `${netloc(serverAddress)}-cave-secret.json`
}

/** The three secret files that matter for a server, in the secrets directory `dir` (default `secretsDir()`). */
export function secretFiles(
  serverAddress: string,
  dir?: string,
): { server: string; generic: string; legacy: string; dir: string } {
  const base = dir === undefined ? secretsDir() : expandHome(dir)
  return {
    dir: base,
    server: join(base, serverSecretFileName(serverAddress)),
    generic: join(base, GENERIC_SECRET_FILE),
    legacy: join(base, LEGACY_SECRET_FILE),
  }
}
