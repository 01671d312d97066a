import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { throwIfAborted } from '../abort.js'

export interface AtomicWriteOptions {
  /** Mode of the file (default `0o600`), also applied with chmod in case the umask removed bits. */
  readonly mode?: number
  /** Mode of directories created on the way (default `0o700`); existing directories are left alone. */
  readonly dirMode?: number
  /** Checked before starting and before the rename; an abort leaves `path` untouched. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Writes `data` to `path` so that readers see either the old or the new content: a temporary file
 * in the same directory is written, flushed and renamed over `path`. Missing directories are created.
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  throwIfAborted(options.signal)
  const mode = options.mode ?? 0o600
  const dir = dirname(path)
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 })
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await open(temp, 'wx', mode)
  try {
    try {
      await handle.writeFile(data, 'utf8')
      await handle.chmod(mode)
      await handle.sync()
    } finally {
      await handle.close()
    }
    throwIfAborted(options.signal)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw error
  }
}
