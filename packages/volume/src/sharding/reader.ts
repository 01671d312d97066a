/**
 * Reading chunks from sharded scales (volumes.md §4.5–4.7). Lookup: chunk id → shard file and
 * minishard → shard-index entry → minishard index → data range → `data_encoding` decode. Missing at
 * any step means a missing chunk (`undefined`).
 *
 * - Shard-index entries are Range-read 16 bytes at a time when few minishards of a shard are wanted,
 *   the whole index when many are (`wholeIndexThreshold`); adjacent entries share one request.
 * - Bounded LRU caches: shard indices / entries per shard file (default 512 shards) and decoded
 *   minishard indices (default 128); concurrent lookups of the same entry or index share one request.
 * - Data ranges of one shard that touch (or are within `coalesceGapBytes`) are fetched as one Range
 *   request and sliced; Z-order makes neighbouring chunks contiguous in whole-shard writes.
 * - Concurrent `getChunk` calls made in the same tick are batched into one `getChunks`.
 */
import { decompress } from '../compression/index.js'
import { InvalidArgumentError, SpecViolation } from '../errors.js'
import { joinPath, normalizeKey } from '../storage/keys.js'
import type { Storage } from '../storage/storage.js'
import { decodeMinishardIndex, decodeShardIndexEntry, findInMinishard, type MinishardIndex } from './indices.js'
import { Lru } from './lru.js'
import { coalesceRanges, mapLimit } from './ranges.js'
import { parseShardingSpec, shardLocation, type ShardingParams, type ShardingSpec } from './spec.js'

export interface ShardReaderOptions {
  /** Shard files whose index (or entries) stay cached. Default 512. */
  shardIndexCacheSize?: number
  /** Decoded minishard indices cached. Default 128. */
  minishardIndexCacheSize?: number
  /** Merge data ranges separated by at most this many bytes (default 0: only touching ranges). */
  coalesceGapBytes?: number
  /** Largest merged request in bytes (default 64 MiB). */
  maxCoalescedBytes?: number
  /** Range requests in flight per `getChunks` call (default 16). */
  concurrency?: number
  /** Read the whole shard index once this many of its minishards are wanted at once (default 4). */
  wholeIndexThreshold?: number
}

export interface ChunkLocation {
  /** Object key of the shard file (below the storage root). */
  key: string
  /** Absolute byte offset of the stored chunk in the shard file. */
  offset: number
  /** Stored (possibly gzip'd) length. */
  length: number
}

/** Request counters (cumulative). */
export interface ShardReaderStats {
  shardIndexRequests: number
  minishardIndexRequests: number
  dataRequests: number
  bytesRead: number
}

interface ShardIndexState {
  missing: boolean
  whole: Uint8Array | undefined
  entries: Map<bigint, [bigint, bigint]>
}

type Entry = [bigint, bigint] | null

const toNumber = (v: bigint, what: string): number => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new SpecViolation(`${what} ${v} is beyond 2^53 bytes`, 'shard')
  return Number(v)
}

export class ShardReader {
  readonly params: ShardingParams
  /** Scale directory (the scale's `key`) below the storage root; `''` for the root itself. */
  readonly directory: string
  readonly stats: ShardReaderStats = { shardIndexRequests: 0, minishardIndexRequests: 0, dataRequests: 0, bytesRead: 0 }
  readonly #storage: Storage
  readonly #shardIndex: Lru<string, ShardIndexState>
  readonly #minishards: Lru<string, MinishardIndex | null>
  readonly #inflightEntries = new Map<string, Promise<Entry>>()
  readonly #inflightMinishards = new Map<string, Promise<MinishardIndex | null>>()
  readonly #gap: number
  readonly #maxBytes: number
  readonly #concurrency: number
  readonly #wholeThreshold: number
  #batch: { ids: Set<bigint>; result: Promise<Map<bigint, Uint8Array | undefined>> } | undefined

  constructor(storage: Storage, directory: string, spec: ShardingSpec | ShardingParams, options: ShardReaderOptions = {}) {
    this.#storage = storage
    this.directory = directory === '' ? '' : normalizeKey(directory, 'directory')
    this.params = parseShardingSpec(spec)
    this.#shardIndex = new Lru(options.shardIndexCacheSize ?? 512)
    this.#minishards = new Lru(options.minishardIndexCacheSize ?? 128)
    this.#gap = options.coalesceGapBytes ?? 0
    this.#maxBytes = options.maxCoalescedBytes ?? 64 * 2 ** 20
    this.#concurrency = options.concurrency ?? 16
    this.#wholeThreshold = Math.max(1, options.wholeIndexThreshold ?? 4)
    for (const [name, v] of Object.entries({ coalesceGapBytes: this.#gap, maxCoalescedBytes: this.#maxBytes, concurrency: this.#concurrency })) {
      if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(name, v, 'a non-negative integer')
    }
  }

  /** Object key of a shard file (`<directory>/<hex>.shard`). */
  shardKey(file: string): string {
    return this.directory ? joinPath(this.directory, file) : file
  }

  /** Forgets cached indices (of one shard file name, or all), e.g. after rewriting shards. */
  invalidate(file?: string): void {
    if (file === undefined) {
      this.#shardIndex.clear()
      this.#minishards.clear()
      return
    }
    this.#shardIndex.delete(file)
    for (const k of [...this.#minishards.keys()]) if (k.startsWith(`${file}#`)) this.#minishards.delete(k)
  }

  /** One chunk's bytes (after `data_encoding`), or undefined when missing. Same-tick calls are batched. */
  getChunk(id: bigint, options: { signal?: AbortSignal } = {}): Promise<Uint8Array | undefined> {
    if (!this.#batch) {
      const ids = new Set<bigint>()
      const result = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
        this.#batch = undefined
        return this.getChunks(ids)
      })
      this.#batch = { ids, result }
    }
    const batch = this.#batch
    batch.ids.add(id)
    const got = batch.result.then((m) => m.get(id))
    const signal = options.signal
    if (!signal) return got
    if (signal.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      got.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  /** Whether a chunk is present (by the indices; no data is read). */
  async hasChunk(id: bigint, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return (await this.locateChunks([id], options)).get(id) !== undefined
  }

  /** Where chunks are stored (from the indices), or undefined for missing ones. */
  async locateChunks(ids: Iterable<bigint>, options: { signal?: AbortSignal } = {}): Promise<Map<bigint, ChunkLocation | undefined>> {
    const signal = options.signal
    const out = new Map<bigint, ChunkLocation | undefined>()
    const byFile = new Map<string, { id: bigint; minishard: bigint }[]>()
    for (const id of ids) {
      if (out.has(id)) continue
      out.set(id, undefined)
      const loc = shardLocation(this.params, id)
      let list = byFile.get(loc.file)
      if (!list) byFile.set(loc.file, (list = []))
      list.push({ id, minishard: loc.minishard })
    }
    await mapLimit([...byFile], this.#concurrency, async ([file, items]) => {
      const minishards = [...new Set(items.map((i) => i.minishard))]
      const entries = await this.#entries(file, minishards, signal)
      const indices = await this.#minishardIndices(file, entries, signal)
      for (const { id, minishard } of items) {
        const index = indices.get(minishard)
        if (!index) continue
        const at = findInMinishard(index, id)
        if (at < 0) continue
        const size = index.sizes[at]!
        if (size === 0n) continue
        out.set(id, {
          key: this.shardKey(file),
          offset: toNumber(index.starts[at]!, `${file}: chunk offset`),
          length: toNumber(size, `${file}: chunk size`),
        })
      }
    })
    return out
  }

  /** Many chunks at once: indices looked up per shard, touching data ranges fetched together. */
  async getChunks(ids: Iterable<bigint>, options: { signal?: AbortSignal } = {}): Promise<Map<bigint, Uint8Array | undefined>> {
    const signal = options.signal
    const located = await this.locateChunks(ids, options)
    const out = new Map<bigint, Uint8Array | undefined>()
    const byKey = new Map<string, { id: bigint; offset: number; length: number }[]>()
    for (const [id, loc] of located) {
      out.set(id, undefined)
      if (!loc) continue
      let list = byKey.get(loc.key)
      if (!list) byKey.set(loc.key, (list = []))
      list.push({ id, offset: loc.offset, length: loc.length })
    }
    const jobs = [...byKey].flatMap(([key, items]) =>
      coalesceRanges(items, this.#gap, this.#maxBytes).map((bundle) => ({ key, bundle })),
    )
    await mapLimit(jobs, this.#concurrency, async ({ key, bundle }) => {
      const bytes = await this.#read(key, bundle.offset, bundle.length, 'dataRequests', signal)
      if (bytes === undefined || bytes.byteLength === 0) return // the shard vanished: missing
      // Decodes of one bundle run together (zlib works on the thread pool).
      await Promise.all(
        bundle.items.map(async (item) => {
          const start = item.offset - bundle.offset
          if (start + item.length > bytes.byteLength) {
            throw new SpecViolation(
              `${key}: chunk ${item.id} at bytes ${item.offset}+${item.length} lies beyond the end of the file (${bundle.offset + bytes.byteLength} bytes)`,
              'shard',
            )
          }
          const stored = bytes.subarray(start, start + item.length)
          out.set(
            item.id,
            this.params.dataEncoding === 'gzip'
              ? await decompress(stored, 'gzip', { file: `${key}#${item.id}`, ...(signal && { signal }) })
              : stored,
          )
        }),
      )
    })
    return out
  }

  async #read(
    key: string,
    offset: number,
    length: number,
    counter: 'shardIndexRequests' | 'minishardIndexRequests' | 'dataRequests',
    signal: AbortSignal | undefined,
  ): Promise<Uint8Array | undefined> {
    this.stats[counter] += 1
    const bytes = await this.#storage.getRange(key, { offset, length }, signal ? { signal } : {})
    this.stats.bytesRead += bytes?.byteLength ?? 0
    return bytes
  }

  /** Shard-index entries for `minishards` of `file` (null: shard missing or minishard empty). */
  async #entries(file: string, minishards: bigint[], signal: AbortSignal | undefined): Promise<Map<bigint, Entry>> {
    const out = new Map<bigint, Entry>()
    const waiting: Promise<void>[] = []
    const todo: bigint[] = []
    const state = this.#shardIndex.get(file)
    for (const m of minishards) {
      const cached = state && entryFrom(state, m)
      if (cached !== undefined) {
        out.set(m, cached)
        continue
      }
      const inflight = this.#inflightEntries.get(`${file}#${m}`)
      if (inflight) waiting.push(inflight.then((e) => void out.set(m, e)))
      else todo.push(m)
    }
    if (todo.length > 0) {
      const fetched = this.#fetchEntries(file, todo, signal)
      for (const m of todo) {
        const key = `${file}#${m}`
        const p = fetched.then((map) => map.get(m) ?? null)
        this.#inflightEntries.set(key, p)
        waiting.push(p.then((e) => void out.set(m, e)))
        void p.catch(() => {}).finally(() => this.#inflightEntries.delete(key))
      }
    }
    await Promise.all(waiting)
    return out
  }

  async #fetchEntries(file: string, todo: bigint[], signal: AbortSignal | undefined): Promise<Map<bigint, Entry>> {
    const key = this.shardKey(file)
    const indexLength = this.params.indexLength
    const state: ShardIndexState = this.#shardIndex.get(file) ?? { missing: false, whole: undefined, entries: new Map() }
    const result = new Map<bigint, Entry>()
    const markMissing = () => {
      state.missing = true
      this.#shardIndex.set(file, state)
      for (const m of todo) result.set(m, null)
      return result
    }
    if (todo.length >= this.#wholeThreshold || indexLength <= 16 * this.#wholeThreshold) {
      const bytes = await this.#read(key, 0, indexLength, 'shardIndexRequests', signal)
      if (bytes === undefined || bytes.byteLength === 0) return markMissing()
      if (bytes.byteLength !== indexLength) {
        throw new SpecViolation(`${key}: shard index is ${bytes.byteLength} bytes, expected ${indexLength} (2^minishard_bits * 16)`, 'shard_index')
      }
      state.whole = bytes
      this.#shardIndex.set(file, state)
      for (const m of todo) result.set(m, entryFrom(state, m) ?? null)
      return result
    }
    const bundles = coalesceRanges(todo.map((m) => ({ offset: Number(m) * 16, length: 16, m })))
    let missing = false
    await Promise.all(
      bundles.map(async (bundle) => {
        const bytes = await this.#read(key, bundle.offset, bundle.length, 'shardIndexRequests', signal)
        if (bytes === undefined || bytes.byteLength === 0) {
          missing = true
          return
        }
        if (bytes.byteLength !== bundle.length) {
          throw new SpecViolation(`${key}: shard index cut short (${bundle.offset + bytes.byteLength} of ${indexLength} bytes)`, 'shard_index')
        }
        for (const item of bundle.items) {
          const e = decodeShardIndexEntry(bytes, item.offset - bundle.offset)
          state.entries.set(item.m, e)
        }
      }),
    )
    if (missing) return markMissing()
    this.#shardIndex.set(file, state)
    for (const m of todo) result.set(m, entryFrom(state, m) ?? null)
    return result
  }

  /** Decoded minishard indices for the given entries (null for empty/missing). */
  async #minishardIndices(
    file: string,
    entries: Map<bigint, Entry>,
    signal: AbortSignal | undefined,
  ): Promise<Map<bigint, MinishardIndex | null>> {
    const out = new Map<bigint, MinishardIndex | null>()
    const waiting: Promise<void>[] = []
    const todo: { m: bigint; offset: number; length: number }[] = []
    const indexLength = this.params.indexLength
    for (const [m, entry] of entries) {
      if (entry === null) {
        out.set(m, null)
        continue
      }
      const cacheKey = `${file}#${m}`
      const cached = this.#minishards.get(cacheKey)
      if (cached !== undefined) {
        out.set(m, cached)
        continue
      }
      const inflight = this.#inflightMinishards.get(cacheKey)
      if (inflight) {
        waiting.push(inflight.then((x) => void out.set(m, x)))
        continue
      }
      const [start, end] = entry
      if (end < start) throw new SpecViolation(`${this.shardKey(file)}: shard index entry ${m} ends (${end}) before it starts (${start})`, 'shard_index')
      todo.push({ m, offset: toNumber(BigInt(indexLength) + start, 'minishard index offset'), length: toNumber(end - start, 'minishard index length') })
    }
    if (todo.length > 0) {
      const key = this.shardKey(file)
      const fetched = (async () => {
        const got = new Map<bigint, MinishardIndex | null>()
        await Promise.all(
          coalesceRanges(todo, this.#gap, this.#maxBytes).map(async (bundle) => {
            const bytes = await this.#read(key, bundle.offset, bundle.length, 'minishardIndexRequests', signal)
            for (const item of bundle.items) {
              if (bytes === undefined || bytes.byteLength === 0) {
                got.set(item.m, null)
                continue
              }
              const s = item.offset - bundle.offset
              if (s + item.length > bytes.byteLength) {
                throw new SpecViolation(`${key}: minishard index ${item.m} lies beyond the end of the file`, 'minishard_index')
              }
              let raw = bytes.subarray(s, s + item.length)
              if (this.params.minishardIndexEncoding === 'gzip') {
                raw = await decompress(raw, 'gzip', { file: `${key} minishard index ${item.m}`, ...(signal && { signal }) })
              }
              const index = decodeMinishardIndex(raw, indexLength, key)
              this.#minishards.set(`${file}#${item.m}`, index)
              got.set(item.m, index)
            }
          }),
        )
        return got
      })()
      for (const item of todo) {
        const cacheKey = `${file}#${item.m}`
        const p = fetched.then((map) => map.get(item.m) ?? null)
        this.#inflightMinishards.set(cacheKey, p)
        waiting.push(p.then((x) => void out.set(item.m, x)))
        void p.catch(() => {}).finally(() => this.#inflightMinishards.delete(cacheKey))
      }
    }
    await Promise.all(waiting)
    return out
  }
}

/** A cached entry: [start, end) when non-empty, null when the minishard is empty or the shard missing, undefined when unknown. */
function entryFrom(state: ShardIndexState, m: bigint): Entry | undefined {
  if (state.missing) return null
  let e = state.entries.get(m)
  if (!e && state.whole) e = decodeShardIndexEntry(state.whole, Number(m) * 16)
  if (!e) return undefined
  return e[0] === e[1] ? null : e
}
