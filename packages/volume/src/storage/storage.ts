/**
 * The storage interface every backend implements (file://, mem://, http(s)://, gs://, s3://) and
 * every wrapper composes (transport compression, prefixes, retries). Keys are relative, `/`-separated
 * paths below the layer root (`info`, `8_8_40/0-64_0-64_0-64`). Bytes are returned decoded: transport
 * compression (`Content-Encoding` or a `.gz`/`.br`/`.zstd` suffix) is the backend's business.
 */
export interface StorageCallOptions {
  signal?: AbortSignal
}

export interface StorageSetOptions extends StorageCallOptions {
  /** MIME type of the object (chunks: see the spec's encoding table; info: application/json). */
  contentType?: string
  /** Transport compression to apply when storing (`gzip` → `.gz` on file://, Content-Encoding elsewhere). */
  compress?: 'gzip' | 'br' | false
  /** Compression level: gzip 0–9 (default 9, as CloudVolume), brotli 0–11 (default 5). */
  compressLevel?: number
  /** `Cache-Control` for object stores. */
  cacheControl?: string
}

export interface ByteRange {
  /** First byte, inclusive. */
  offset: number
  /** Number of bytes. */
  length: number
}

export interface Storage {
  /** The object's bytes, or `undefined` when it does not exist (404, 403, missing file, zero bytes). */
  get(key: string, options?: StorageCallOptions): Promise<Uint8Array | undefined>
  /**
   * A byte range of an uncompressed object (shard files), or `undefined` when it does not exist.
   * A range reaching past the end is cut at the end (possibly to zero bytes).
   */
  getRange(key: string, range: ByteRange, options?: StorageCallOptions): Promise<Uint8Array | undefined>
  /** Stores the whole object atomically: a reader sees the old bytes or the new ones, never a mix. */
  set(key: string, value: Uint8Array, options?: StorageSetOptions): Promise<void>
  /** Removes the object (every compression variant on file://); missing is not an error. */
  delete(key: string, options?: StorageCallOptions): Promise<void>
  /** Keys below `prefix` (compression suffixes stripped), in no particular order. */
  list(prefix?: string, options?: StorageCallOptions): AsyncIterable<string>
  exists(key: string, options?: StorageCallOptions): Promise<boolean>
  /** Human-readable root (`file:///data/layer`, `https://host/layer`); never includes credentials. */
  readonly url: string
  /** Whether `set`/`delete` are supported (http(s) is read-only). */
  readonly writable: boolean
}
