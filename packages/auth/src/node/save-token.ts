import { existsSync } from 'node:fs'
import { chmod, lstat, readFile, realpath, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { throwIfAborted } from '../abort.js'
import { DEFAULT_SERVER_ADDRESS, DEFAULT_TOKEN_KEY } from '../constants.js'
import { TokenExistsError, TokenFileError } from '../errors.js'
import { normalizeServerAddress } from '../server-address.js'
import { normalizeToken } from '../token-format.js'
import { validateTokenKey } from '../token-key.js'
import {
  parseTokenRecord,
  serializeTokenRecord,
  updateTokenRecord,
  type TokenRecord,
  type TokenRecordUpdate,
} from '../token-record.js'
import type { TokenSaveResult } from '../token-store.js'
import { consoleWarning, type WarningHandler } from '../warnings.js'
import { writeFileAtomic } from './atomic-write.js'
import { createExclusive } from './exclusive.js'
import { secretFiles, serverSecretFileName } from './secret-files.js'
import { expandHome } from './secrets-dir.js'

export interface SaveTokenFileOptions {
  /** Global server address (default `https://global.daf-apis.com`); names the server-specific file. */
  readonly serverAddress?: string | undefined
  /** Key the token is stored under (default `token`). */
  readonly tokenKey?: string | undefined
  /** Replace a different token already stored under the key (default false). */
  readonly overwrite?: boolean | undefined
  /**
   * Primary file. Default: `{netloc}-cave-secret.json` when it exists, else `cave-secret.json`
   * (the file the lookup reads).
   */
  readonly tokenFile?: string | undefined
  /** Also write `{netloc(serverAddress)}-cave-secret.json` (default true). */
  readonly writeServerFile?: boolean | undefined
  /** Local server(s) whose `{netloc}-cave-secret.json` gets the token too; overwrite allowed there. */
  readonly localServer?: string | readonly string[] | undefined
  /** Secrets directory (default `~/.cloudvolume/secrets`). */
  readonly secretsDir?: string | undefined
  readonly signal?: AbortSignal | undefined
  /** Receives `secondary-write-skipped` and `mode-not-fixed` warnings (default `console.warn`). */
  readonly onWarning?: WarningHandler | undefined
}

interface Target {
  readonly file: string
  readonly overwrite: boolean
  /** Secondary copies are skipped (with a warning) when their location is read-only. */
  readonly secondary: boolean
}

interface Plan extends Target {
  /** The file actually written: `file`, or what it links to. */
  readonly real: string
  readonly update: TokenRecordUpdate
}

const readOnlyCodes = new Set(['EACCES', 'EPERM', 'EROFS'])
const exclusive = createExclusive()

/**
 * Stores `token` (validated: 32 hex characters, lower-cased) in the secret files, as JSON objects
 * `{ [tokenKey]: token }` keeping every other key. Writes the primary file, then the global server's
 * `{netloc}-cave-secret.json` and each local server's. All files are checked before any is written:
 * a different token under the key (without `overwrite`; local-server copies always allow it) throws
 * `TokenExistsError`, a file that is not a JSON object throws `TokenFileError`, and nothing is written.
 * A file that already holds the token is left as it is (its mode is still tightened to 0600).
 * Files are written atomically with mode 0600, in directories created with mode 0700; a secondary
 * file in a read-only location is skipped with a warning, a failing primary file throws.
 * Symbolic links are followed, so the file they point to is replaced, not the link.
 */
export async function saveToken(token: string, options: SaveTokenFileOptions = {}): Promise<TokenSaveResult> {
  const canonical = normalizeToken(token, 'token')
  const tokenKey = validateTokenKey(options.tokenKey ?? DEFAULT_TOKEN_KEY)
  const serverAddress = normalizeServerAddress(options.serverAddress ?? DEFAULT_SERVER_ADDRESS)
  const locals = typeof options.localServer === 'string' ? [options.localServer] : (options.localServer ?? [])
  const warn = options.onWarning ?? consoleWarning
  const signal = options.signal
  throwIfAborted(signal)

  const files = secretFiles(serverAddress, options.secretsDir)
  const primary = resolve(
    options.tokenFile !== undefined
      ? expandHome(options.tokenFile)
      : existsSync(files.server)
        ? files.server
        : files.generic,
  )
  const overwrite = options.overwrite ?? false
  const targets = new Map<string, Target>()
  const add = (target: Target) => {
    if (!targets.has(target.file)) targets.set(target.file, target)
  }
  add({ file: primary, overwrite, secondary: false })
  if (options.writeServerFile ?? true) add({ file: files.server, overwrite, secondary: true })
  for (const local of locals) {
    const file = join(files.dir, serverSecretFileName(normalizeServerAddress(local, 'localServer')))
    add({ file, overwrite: true, secondary: true })
  }

  return exclusive(async () => {
    throwIfAborted(signal)
    const skipped: string[] = []
    const plans: Plan[] = []
    for (const target of targets.values()) {
      const plan = await planTarget(target, canonical, tokenKey, warn)
      if (plan === undefined) skipped.push(target.file)
      else plans.push(plan)
    }

    const written: string[] = []
    const unchanged: string[] = []
    for (const plan of plans) {
      throwIfAborted(signal)
      if (plan.update.kind !== 'write') {
        await tightenMode(plan.real, warn)
        unchanged.push(plan.file)
        continue
      }
      try {
        await writeFileAtomic(plan.real, serializeTokenRecord(plan.update.record), { signal })
        written.push(plan.file)
      } catch (error) {
        if (signal?.aborted && error === signal.reason) throw error
        const code = (error as NodeJS.ErrnoException).code
        if (plan.secondary && code !== undefined && readOnlyCodes.has(code)) {
          skipSecondary(plan.file, code, warn)
          skipped.push(plan.file)
        } else {
          throw new TokenFileError(plan.file, 'write', code)
        }
      }
    }
    return { location: { file: primary }, written, unchanged, skipped }
  })
}

/** Reads one target and decides what to do; undefined when a secondary target cannot be read. */
async function planTarget(
  target: Target,
  token: string,
  tokenKey: string,
  warn: WarningHandler,
): Promise<Plan | undefined> {
  const real = await followLink(target.file)
  let text: string | undefined
  try {
    text = await readFile(real, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') {
      if (target.secondary && code !== undefined && readOnlyCodes.has(code)) {
        skipSecondary(target.file, code, warn)
        return undefined
      }
      throw new TokenFileError(target.file, 'read', code)
    }
  }
  let existing: TokenRecord | undefined
  if (text !== undefined) {
    existing = parseTokenRecord(text)
    if (existing === undefined) throw new TokenFileError(target.file, 'parse')
  }
  const update = updateTokenRecord(existing, tokenKey, token, target.overwrite)
  if (update.kind === 'conflict') throw new TokenExistsError({ file: target.file }, tokenKey)
  return { ...target, real, update }
}

/** The file a symbolic link points to, or `file` itself (also for dangling links and missing files). */
async function followLink(file: string): Promise<string> {
  try {
    if (!(await lstat(file)).isSymbolicLink()) return file
    return await realpath(file)
  } catch {
    return file
  }
}

async function tightenMode(file: string, warn: WarningHandler): Promise<void> {
  if (process.platform === 'win32') return
  try {
    if (((await stat(file)).mode & 0o777) !== 0o600) await chmod(file, 0o600)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    warn({ code: 'mode-not-fixed', message: `could not set mode 0600 on ${file} (${code})`, file })
  }
}

function skipSecondary(file: string, code: string, warn: WarningHandler): void {
  warn({
    code: 'secondary-write-skipped',
    message: `token copy not written to ${file}: location is not writable (${code})`,
    file,
  })
}
