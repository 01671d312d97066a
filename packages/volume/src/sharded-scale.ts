/**
 * A sharded scale as CloudVolume sees it (volumes.md §4, §6.4.6): chunks addressed by grid
 * position (compressed Morton code → shard, minishard), read in batches through `ShardReader`,
 * existence answered from the indices, and whole-shard writes and deletes through
 * `synthesizeShardFiles`. Partial shard updates are refused (CV and NG do not support them).
 */
import { type Box, ChunkGrid, type Vec3, boxShape, boxVoxels, formatBox } from './box.js'
import { copyRegion } from './assemble.js'
import { type DataType, type VolumeArray, allocate, bytesOf, bytesPerElement } from './dtypes.js'
import { AlignmentError } from './errors.js'
import type { Scale, ShardingSpec } from './info.js'
import { runPool } from './pool.js'
import { ShardReader, compressedMortonCode, parseShardingSpec, shardLocation, synthesizeShardFiles, type ShardingParams } from './sharding/index.js'
import type { Storage } from './storage/storage.js'

export interface ShardWriteOptions {
  encode: (chunk: VolumeArray, shape: Vec3) => Uint8Array
  /** True for a chunk to leave out (deleteBlackUploads and all background). */
  isBackground: (chunk: VolumeArray) => boolean
  dataType: DataType
  numChannels: number
  cacheControl: string
  signal?: AbortSignal | undefined
  concurrency: number
  onStored?: (done: number, total: number, bytes: number) => void
}

/** Batches fetched ahead of the one being decoded. */
const PREFETCH = 4

/** Node only: lifts the listener-count warning of one signal (a no-op in browsers). */
function allowManyListeners(signal: AbortSignal): void {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule
  const events = typeof getBuiltin === 'function' ? (getBuiltin('node:events') as { setMaxListeners?: (n: number, ...targets: EventTarget[]) => void } | undefined) : undefined
  events?.setMaxListeners?.(0, signal)
}

export class ShardedScale {
  readonly spec: ShardingSpec | undefined
  readonly params: ShardingParams
  readonly reader: ShardReader
  readonly grid: ChunkGrid
  #chunksPerShard: Map<string, number> | undefined

  constructor(
    readonly storage: Storage,
    readonly scale: Scale,
  ) {
    this.spec = scale.sharding
    this.params = parseShardingSpec(scale.sharding, `scales[${scale.mip}].sharding`)
    this.reader = new ShardReader(storage, scale.directory, this.params)
    this.grid = new ChunkGrid(scale.size, scale.voxelOffset, scale.chunkSize)
  }

  chunkId(grid: readonly number[]): bigint {
    return compressedMortonCode(grid as Vec3, this.grid.gridSize)
  }

  /** `<key>/<shard>.shard#<chunk id>`: where a chunk lives, for messages and `exists`. */
  describe(grid: readonly number[]): string {
    const id = this.chunkId(grid)
    return `${this.scale.directory}/${shardLocation(this.params, id).file}#${id}`
  }

  /**
   * Stored bytes (after `data_encoding`) of the chunks at these grid positions, in batches of
   * `batch` (the next two batches are fetched while the caller handles the current one).
   */
  async *fetch<T extends { grid: Vec3 }>(cells: readonly T[], options: { signal?: AbortSignal | undefined; batch?: number }): AsyncGenerator<[T, Uint8Array | undefined]> {
    const size = Math.max(1, options.batch ?? this.defaultBatch())
    // The reader's Range requests of one batch all listen to one signal: give it a private one
    // allowed that many listeners (Node warns past 10), aborted with the caller's.
    const inner = new AbortController()
    allowManyListeners(inner.signal)
    const onAbort = (): void => inner.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.signal?.aborted) onAbort()
    const load = (from: number): Promise<Map<bigint, Uint8Array | undefined>> | undefined =>
      from < cells.length ? this.reader.getChunks(cells.slice(from, from + size).map((c) => this.chunkId(c.grid)), { signal: inner.signal }) : undefined
    try {
      // Up to PREFETCH batches in flight besides the one being handed out.
      const queue: Array<Promise<Map<bigint, Uint8Array | undefined>>> = []
      let nextFrom = 0
      const fill = (): void => {
        while (queue.length <= PREFETCH && nextFrom < cells.length) {
          const p = load(nextFrom)!
          p.catch(() => {}) // surfaced when awaited
          queue.push(p)
          nextFrom += size
        }
      }
      fill()
      for (let from = 0; from < cells.length; from += size) {
        const current = await queue.shift()!
        fill()
        for (const cell of cells.slice(from, from + size)) yield [cell, current.get(this.chunkId(cell.grid))]
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      inner.abort() // stops a prefetch nobody will read
    }
  }

  /**
   * Chunks per batch: about 1 MiB of stored bytes (raw chunks count their full size, compressed
   * encodings a quarter), at least 4, at most 256. Five batches are held at once (four
   * prefetched), so this bounds the memory a read needs besides its output; small batches keep
   * that low (peak RSS growth of the benchmark's raw sharded read over HTTP: 1.6-1.9x the output
   * with five 1 MiB batches, 1.8-2.5x with three of 3-6 MiB) while several stay in flight.
   */
  defaultBatch(bytesPerVoxel = 8): number {
    const [x, y, z] = this.scale.chunkSize
    const raw = x * y * z * bytesPerVoxel
    const estimate = this.scale.encoding === 'raw' ? raw : raw / 4
    return Math.max(4, Math.min(256, Math.floor((1024 * 1024) / Math.max(1, estimate))))
  }

  async has(grid: Vec3, options: { signal?: AbortSignal }): Promise<boolean> {
    return this.reader.hasChunk(this.chunkId(grid), options)
  }

  /** Chunks of the whole grid per shard file (computed once). */
  #perShard(): Map<string, number> {
    if (!this.#chunksPerShard) {
      const counts = new Map<string, number>()
      for (const { grid } of this.grid.cells(this.grid.bounds)) {
        const file = shardLocation(this.params, this.chunkId(grid)).file
        counts.set(file, (counts.get(file) ?? 0) + 1)
      }
      this.#chunksPerShard = counts
    }
    return this.#chunksPerShard
  }

  /** The box's cells grouped by shard file; throws `AlignmentError` unless every shard is covered whole. */
  #wholeShards(box: Box, what: string): Map<string, Array<{ grid: Vec3; box: Box; id: bigint }>> {
    const groups = new Map<string, Array<{ grid: Vec3; box: Box; id: bigint }>>()
    for (const cell of this.grid.cells(box)) {
      const id = this.chunkId(cell.grid)
      const file = shardLocation(this.params, id).file
      let g = groups.get(file)
      if (!g) groups.set(file, (g = []))
      g.push({ ...cell, id })
    }
    const total = this.#perShard()
    for (const [file, cells] of groups) {
      const n = total.get(file) ?? 0
      if (cells.length !== n) {
        throw new AlignmentError(
          `${what} of a partial shard at mip ${this.scale.mip}: ${formatBox(box)} covers ${cells.length} of the ${n} chunks of ` +
            `${this.scale.directory}/${file}; sharded scales take whole-shard ${what}s only (CV and Neuroglancer cannot update part of a shard)`,
          { box },
        )
      }
    }
    return groups
  }

  /** Writes every shard the (aligned) box covers, whole. Chunks are encoded before anything is stored. */
  async writeShards(box: Box, array: VolumeArray, options: ShardWriteOptions): Promise<void> {
    const groups = this.#wholeShards(box, 'write')
    const nc = options.numChannels
    const eb = bytesPerElement(options.dataType)
    const src = bytesOf(array)
    const chunks = new Map<bigint, Uint8Array>()
    for (const cells of groups.values()) {
      for (const cell of cells) {
        const chunk = allocate(options.dataType, boxVoxels(cell.box) * nc)
        copyRegion(src, { box, channels: nc }, bytesOf(chunk), { box: cell.box, channels: nc }, cell.box, eb, nc)
        if (options.isBackground(chunk)) continue
        chunks.set(cell.id, options.encode(chunk, boxShape(cell.box)))
      }
    }
    options.signal?.throwIfAborted()
    const files = await synthesizeShardFiles(this.params, chunks, { signal: options.signal })
    const plan = [...groups.keys()].map((file) => ({ file, bytes: files.get(file) }))
    let done = 0
    let stored = 0
    await runPool(
      plan,
      options.concurrency,
      async ({ file, bytes }, _i, signal) => {
        const key = `${this.scale.directory}/${file}`
        // Shard files are never Content-Encoded: readers need byte ranges (§3.4).
        if (bytes === undefined) await this.storage.delete(key, { signal })
        else await this.storage.set(key, bytes, { signal, contentType: 'application/octet-stream', compress: false, cacheControl: options.cacheControl })
        this.reader.invalidate(file)
        stored += bytes?.byteLength ?? 0
        options.onStored?.(++done, plan.length, stored)
      },
      options.signal,
    )
  }

  /** Deletes every shard file the (aligned) box covers whole. */
  async deleteShards(box: Box, options: { signal?: AbortSignal | undefined; concurrency?: number }): Promise<void> {
    const groups = this.#wholeShards(box, 'delete')
    await runPool(
      [...groups.keys()],
      options.concurrency ?? 8,
      async (file, _i, signal) => {
        await this.storage.delete(`${this.scale.directory}/${file}`, { signal })
        this.reader.invalidate(file)
      },
      options.signal,
    )
  }
}
