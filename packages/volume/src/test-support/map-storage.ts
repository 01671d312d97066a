/**
 * A Map-backed `Storage` for CloudVolume tests: keeps the bytes and the options of every `set`
 * (content type, transport compression, cache control) so tests can assert what was written.
 * Compression is recorded, not applied.
 */
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from '../storage/storage.js'

export interface StoredObject {
  bytes: Uint8Array
  contentType: string | undefined
  compress: 'gzip' | 'br' | false | undefined
  cacheControl: string | undefined
}

export class MapStorage implements Storage {
  readonly objects = new Map<string, StoredObject>()
  readonly log: string[] = []
  readonly url: string
  writable = true
  /** Keys whose next `get` fails (to test failure handling). */
  readonly failing = new Set<string>()

  constructor(url = 'map://test/layer') {
    this.url = url
  }

  async get(key: string, options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    options?.signal?.throwIfAborted()
    this.log.push(`get ${key}`)
    if (this.failing.has(key)) throw new Error(`injected failure reading ${key}`)
    const o = this.objects.get(key)
    return o && o.bytes.byteLength > 0 ? o.bytes.slice() : undefined
  }

  async getRange(key: string, range: ByteRange, options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    options?.signal?.throwIfAborted()
    this.log.push(`getRange ${key} ${range.offset}+${range.length}`)
    const o = this.objects.get(key)
    return o ? o.bytes.slice(range.offset, range.offset + range.length) : undefined
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    if (!this.writable) throw new Error('read-only')
    this.log.push(`set ${key}`)
    if (this.failing.has(key)) throw new Error(`injected failure writing ${key}`)
    this.objects.set(key, { bytes: value.slice(), contentType: options.contentType, compress: options.compress, cacheControl: options.cacheControl })
  }

  async delete(key: string, options?: StorageCallOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.log.push(`delete ${key}`)
    this.objects.delete(key)
  }

  async *list(prefix = '', options?: StorageCallOptions): AsyncIterable<string> {
    options?.signal?.throwIfAborted()
    for (const k of [...this.objects.keys()].sort()) if (k.startsWith(prefix)) yield k
  }

  async exists(key: string, options?: StorageCallOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return this.objects.has(key)
  }

  text(key: string): string | undefined {
    const o = this.objects.get(key)
    return o ? new TextDecoder().decode(o.bytes) : undefined
  }

  putText(key: string, text: string): void {
    this.objects.set(key, { bytes: new TextEncoder().encode(text), contentType: 'application/json', compress: false, cacheControl: 'no-cache' })
  }

  put(key: string, bytes: Uint8Array): void {
    this.objects.set(key, { bytes, contentType: undefined, compress: undefined, cacheControl: undefined })
  }

  chunkKeys(prefix: string): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort()
  }
}
