/**
 * `file://` (Node only): a layer laid out as CloudVolume writes it on disk (volumes.md §3.2).
 *
 * - Reads probe the bare name, `.gz`, `.br`, `.zstd`, `.xz`, `.bz2` (the last hit moves to the front)
 *   and decode by suffix; a zero-byte file counts as missing.
 * - Writes go to a temporary file in the same directory, then `rename` over the target, so a
 *   reader sees the old bytes or the new ones; a failed write removes its temporary file. After the
 *   rename, stale siblings with other suffixes are removed (CloudFiles leaves them; the bare-first
 *   probe would then return stale data).
 * - `delete` removes every variant; `list` strips suffixes and skips temporary files.
 */
import { randomBytes } from 'node:crypto'
import * as fsp from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decompress } from '../compression/index.js'
import { InvalidArgumentError } from '../errors.js'
import { checkBytes, checkRange, compressForStorage, sliceRange, throwIfAborted } from './common.js'
import { COMPRESSION_SUFFIXES, SUFFIX_ENCODING, normalizeKey, normalizePrefix, splitCompressionSuffix } from './keys.js'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage.js'

/** The file-system calls `FileStorage` makes; tests inject failures through it. */
export interface FileIo {
  readFile(path: string, options: { signal?: AbortSignal }): Promise<Uint8Array>
  writeFile(path: string, data: Uint8Array, options: { signal?: AbortSignal; flag: string }): Promise<void>
  rename(from: string, to: string): Promise<void>
  rm(path: string, options: { force: boolean }): Promise<void>
  mkdir(path: string, options: { recursive: true }): Promise<unknown>
  stat(path: string): Promise<{ size: number; isFile(): boolean }>
  open(path: string, flags: string): Promise<fsp.FileHandle>
}

export interface FileStorageOptions {
  /** Replaces file-system calls (fault injection in tests). */
  io?: Partial<FileIo>
}

const nodeIo: FileIo = {
  readFile: (p, o) => fsp.readFile(p, o),
  writeFile: (p, d, o) => fsp.writeFile(p, d, o),
  rename: (a, b) => fsp.rename(a, b),
  rm: (p, o) => fsp.rm(p, o),
  mkdir: (p, o) => fsp.mkdir(p, o),
  stat: (p) => fsp.stat(p),
  open: (p, f) => fsp.open(p, f),
}

const TEMP_RE = /^\..+\.daf-tmp-[0-9a-f]{16}$/
const WRITE_SUFFIX = { gzip: '.gz', br: '.br' } as const

/**
 * An absolute directory from a `file://` location: `file:///abs`, `file://relative` (resolved
 * against the working directory), `file://~/x`, or a plain path.
 */
export function resolveFilePath(location: string): string {
  let path = location
  if (/^file:\/\/\//i.test(path)) {
    path = fileURLToPath(`file://${encodeURI(path.slice('file://'.length))}`)
  } else if (/^file:\/\//i.test(path)) {
    path = path.slice('file://'.length)
  }
  if (path === '~' || path.startsWith('~/')) path = join(homedir(), path.slice(1))
  return isAbsolute(path) ? resolve(path) : resolve(process.cwd(), path)
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
}

export class FileStorage implements Storage {
  readonly writable = true
  readonly url: string
  /** Absolute directory holding the objects. */
  readonly root: string
  readonly #io: FileIo
  #order: string[] = ['', ...COMPRESSION_SUFFIXES]

  constructor(location: string, options: FileStorageOptions = {}) {
    if (typeof location !== 'string' || location === '') {
      throw new InvalidArgumentError('location', location, 'a directory path or file:// URL')
    }
    this.root = resolveFilePath(location)
    this.url = `file://${this.root}`
    this.#io = { ...nodeIo, ...options.io }
  }

  #path(key: string): string {
    return join(this.root, ...normalizeKey(key).split('/'))
  }

  /** The first existing non-empty variant of `key`: its path and suffix. */
  async #find(path: string): Promise<{ file: string; suffix: string; size: number } | undefined> {
    for (const suffix of this.#order) {
      try {
        const st = await this.#io.stat(path + suffix)
        if (!st.isFile() || st.size === 0) continue
        this.#promote(suffix)
        return { file: path + suffix, suffix, size: st.size }
      } catch (e) {
        if (!isMissing(e)) throw e
      }
    }
    return undefined
  }

  #promote(suffix: string): void {
    if (this.#order[0] !== suffix) this.#order = [suffix, ...this.#order.filter((s) => s !== suffix)]
  }

  async get(key: string, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal)
    const path = this.#path(key)
    const signal = options.signal
    for (const suffix of this.#order) {
      let bytes: Uint8Array
      try {
        bytes = await this.#io.readFile(path + suffix, signal ? { signal } : {})
      } catch (e) {
        if (isMissing(e)) continue
        throw e
      }
      if (bytes.byteLength === 0) continue
      this.#promote(suffix)
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      if (suffix === '') return view
      return decompress(view, SUFFIX_ENCODING[suffix as keyof typeof SUFFIX_ENCODING], {
        file: path + suffix,
        ...(signal && { signal }),
      })
    }
    return undefined
  }

  async getRange(key: string, range: ByteRange, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    checkRange(range)
    throwIfAborted(options.signal)
    const found = await this.#find(this.#path(key))
    if (!found) return undefined
    if (found.suffix !== '') {
      // A compressed variant has no byte addressing: decode it whole, then cut.
      const whole = await this.get(key, options)
      return whole === undefined ? undefined : sliceRange(whole, range)
    }
    const start = Math.min(range.offset, found.size)
    const length = Math.min(range.offset + range.length, found.size) - start
    const out = new Uint8Array(length)
    if (length === 0) return out
    const handle = await this.#io.open(found.file, 'r')
    try {
      let done = 0
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, start + done)
        if (bytesRead === 0) break
        done += bytesRead
      }
      throwIfAborted(options.signal)
      return done === length ? out : out.subarray(0, done)
    } finally {
      await handle.close()
    }
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    checkBytes(value)
    const path = this.#path(key)
    const suffix = options.compress ? WRITE_SUFFIX[options.compress] : ''
    if (suffix === undefined) throw new InvalidArgumentError('compress', options.compress, '"gzip", "br" or false')
    const data = await compressForStorage(value, options)
    const target = path + suffix
    const dir = dirname(target)
    await this.#io.mkdir(dir, { recursive: true })
    const temp = join(dir, `.${basename(target)}.daf-tmp-${randomBytes(8).toString('hex')}`)
    try {
      await this.#io.writeFile(temp, data, { flag: 'wx', ...(options.signal && { signal: options.signal }) })
      throwIfAborted(options.signal)
      await this.#io.rename(temp, target)
    } catch (e) {
      await this.#io.rm(temp, { force: true }).catch(() => {})
      throw e
    }
    for (const s of ['', ...COMPRESSION_SUFFIXES]) {
      if (s !== suffix) await this.#io.rm(path + s, { force: true })
    }
  }

  async delete(key: string, options: StorageCallOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    const path = this.#path(key)
    for (const s of ['', ...COMPRESSION_SUFFIXES]) await this.#io.rm(path + s, { force: true })
  }

  async exists(key: string, options: StorageCallOptions = {}): Promise<boolean> {
    throwIfAborted(options.signal)
    return (await this.#find(this.#path(key))) !== undefined
  }

  async *list(prefix?: string, options: StorageCallOptions = {}): AsyncIterable<string> {
    throwIfAborted(options.signal)
    const wanted = normalizePrefix(prefix)
    // Start the walk at the deepest directory the prefix names.
    const cut = wanted.lastIndexOf('/')
    const startRel = cut < 0 ? '' : wanted.slice(0, cut)
    yield* this.#walk(startRel, wanted, options.signal)
  }

  async *#walk(rel: string, wanted: string, signal: AbortSignal | undefined): AsyncGenerator<string> {
    const dir = rel === '' ? this.root : join(this.root, ...rel.split('/'))
    let entries: import('node:fs').Dirent[]
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true })
    } catch (e) {
      if (isMissing(e)) return
      throw e
    }
    throwIfAborted(signal)
    const seen = new Set<string>()
    const subdirs: string[] = []
    for (const entry of entries) {
      const name = entry.name
      const relName = rel === '' ? name : `${rel}/${name}`
      if (entry.isDirectory()) {
        // Descend only where keys starting with the prefix can live.
        if (`${relName}/`.startsWith(wanted) || wanted.startsWith(`${relName}/`)) subdirs.push(relName)
        continue
      }
      if (!entry.isFile() || TEMP_RE.test(name)) continue
      const { key } = splitCompressionSuffix(relName)
      if (!key.startsWith(wanted) || seen.has(key)) continue
      seen.add(key)
      yield key
    }
    for (const sub of subdirs) yield* this.#walk(sub, wanted, signal)
  }
}

/** `file://` is available in Node. */
export const fileStorageAvailable = true
export const pathSeparator = sep
