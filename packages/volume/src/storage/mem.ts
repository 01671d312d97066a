/**
 * `mem://name/prefix`: an in-process store. Every `MemStorage` opened on the same name shares one
 * store (two opens of `mem://x` see the same data), as CloudFiles' memory interface does. Like
 * `file://`, compression is recorded in a key suffix (`.gz`, `.br`; volumes.md §3.2): `set(k, v,
 * { compress: 'gzip' })` stores `k.gz`, and reads probe `.gz`, `.br`, `.zstd`, `.xz`, `.bz2`, then
 * the bare key. A write removes the other variants; delete removes them all.
 */
import { decompress } from '../compression/index.js'
import { InvalidArgumentError } from '../errors.js'
import { checkBytes, checkRange, compressForStorage, sliceRange, throwIfAborted } from './common.js'
import { COMPRESSION_SUFFIXES, SUFFIX_ENCODING, joinPath, normalizeKey, normalizePrefix, splitCompressionSuffix } from './keys.js'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage.js'

const STORES_KEY = Symbol.for('@daf/volume.mem-stores')
type Store = Map<string, Uint8Array>

function stores(): Map<string, Store> {
  const g = globalThis as Record<symbol, unknown>
  let all = g[STORES_KEY] as Map<string, Store> | undefined
  if (!all) {
    all = new Map()
    g[STORES_KEY] = all
  }
  return all
}

function storeFor(name: string): Store {
  const all = stores()
  let store = all.get(name)
  if (!store) {
    store = new Map()
    all.set(name, store)
  }
  return store
}

/** Drops the in-process store `name` (every `mem://name/...` sees an empty store afterwards). */
export function clearMemoryStore(name: string): void {
  stores().get(name)?.clear()
}

const PROBE_ORDER = [...COMPRESSION_SUFFIXES, ''] as const

export class MemStorage implements Storage {
  readonly writable = true
  readonly url: string
  readonly #store: Store
  readonly #prefix: string

  /** `name` is the store (CloudFiles' bucket); `prefix` the layer path inside it. */
  constructor(name: string, prefix = '') {
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new InvalidArgumentError('name', name, 'a store name without "/" (mem://name/path)')
    }
    this.#prefix = prefix === '' ? '' : normalizeKey(prefix, 'prefix')
    this.#store = storeFor(name)
    this.url = `mem://${name}${this.#prefix ? `/${this.#prefix}` : ''}`
  }

  #path(key: string): string {
    return joinPath(this.#prefix, normalizeKey(key))
  }

  async get(key: string, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal)
    const path = this.#path(key)
    for (const suffix of PROBE_ORDER) {
      const stored = this.#store.get(path + suffix)
      if (stored === undefined || stored.byteLength === 0) continue
      if (suffix === '') return stored.slice()
      const encoding = SUFFIX_ENCODING[suffix]
      const signal = options.signal
      const out = await decompress(stored, encoding, { file: `${this.url}/${key}${suffix}`, ...(signal && { signal }) })
      return out === stored ? stored.slice() : out
    }
    return undefined
  }

  async getRange(key: string, range: ByteRange, options: StorageCallOptions = {}): Promise<Uint8Array | undefined> {
    checkRange(range)
    const whole = await this.get(key, options)
    return whole === undefined ? undefined : sliceRange(whole, range)
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    checkBytes(value)
    const path = this.#path(key)
    const suffix = options.compress ? (options.compress === 'gzip' ? '.gz' : '.br') : ''
    // A copy when stored as is: the caller may reuse its array.
    const stored = options.compress ? await compressForStorage(value, options) : value.slice()
    throwIfAborted(options.signal)
    // One synchronous step: no reader can interleave between the write and the sibling removal.
    this.#store.set(path + suffix, stored)
    for (const s of PROBE_ORDER) if (s !== suffix) this.#store.delete(path + s)
  }

  async delete(key: string, options: StorageCallOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    const path = this.#path(key)
    for (const s of PROBE_ORDER) this.#store.delete(path + s)
  }

  async exists(key: string, options: StorageCallOptions = {}): Promise<boolean> {
    throwIfAborted(options.signal)
    const path = this.#path(key)
    return PROBE_ORDER.some((s) => (this.#store.get(path + s)?.byteLength ?? 0) > 0)
  }

  async *list(prefix?: string, options: StorageCallOptions = {}): AsyncIterable<string> {
    throwIfAborted(options.signal)
    const wanted = normalizePrefix(prefix)
    const root = this.#prefix ? `${this.#prefix}/` : ''
    const seen = new Set<string>()
    for (const full of [...this.#store.keys()]) {
      if (!full.startsWith(root)) continue
      const { key } = splitCompressionSuffix(full.slice(root.length))
      if (!key.startsWith(wanted) || seen.has(key)) continue
      seen.add(key)
      yield key
    }
  }
}
