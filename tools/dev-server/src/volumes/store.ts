/**
 * The generated layers' objects as a static host serves them: the stored bytes (gzip'd when the
 * writer asked for transport compression, like a GCS object with `Content-Encoding: gzip`), their
 * content type and cache control. It implements `Storage`, so the generator writes the layers with
 * `CloudVolume` itself.
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from '@daf/volume'

export interface StaticObject {
  /** Bytes as stored (gzip'd when `contentEncoding` is `gzip`). */
  body: Uint8Array
  contentEncoding: 'gzip' | undefined
  contentType: string
  cacheControl: string | undefined
}

export class StaticStore implements Storage {
  readonly writable = true
  readonly objects: Map<string, StaticObject>
  readonly url: string
  readonly #prefix: string

  constructor(url: string, objects = new Map<string, StaticObject>(), prefix = '') {
    this.url = url
    this.objects = objects
    this.#prefix = prefix
  }

  /** The same objects under `prefix/` (one store per layer, one map for the whole dataset). */
  layer(name: string): StaticStore {
    return new StaticStore(`${this.url}/${name}`, this.objects, `${this.#prefix}${name}/`)
  }

  async get(key: string, _options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    const o = this.objects.get(this.#prefix + key)
    if (!o || o.body.byteLength === 0) return undefined
    return o.contentEncoding === 'gzip' ? new Uint8Array(gunzipSync(o.body)) : o.body
  }

  async getRange(key: string, range: ByteRange, options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    const bytes = await this.get(key, options)
    return bytes?.subarray(range.offset, range.offset + range.length)
  }

  async set(key: string, value: Uint8Array, options: StorageSetOptions = {}): Promise<void> {
    if (options.compress === 'br') throw new Error('the generated dataset stores gzip or identity only')
    const gzip = options.compress === 'gzip'
    this.objects.set(this.#prefix + key, {
      // mtime 0 and a fixed level: the same seed gives the same bytes.
      body: gzip ? new Uint8Array(gzipSync(value, { level: 6 })) : value.slice(),
      contentEncoding: gzip ? 'gzip' : undefined,
      contentType: options.contentType ?? 'application/octet-stream',
      cacheControl: options.cacheControl,
    })
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(this.#prefix + key)
  }

  async *list(prefix = ''): AsyncIterable<string> {
    for (const k of this.objects.keys()) {
      if (k.startsWith(this.#prefix + prefix)) yield k.slice(this.#prefix.length)
    }
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(this.#prefix + key)
  }
}
