/** Supervoxel → root ids through the chunkedgraph: distinct non-zero ids once, in batches. */
import type { ChunkedGraphClient } from '@daf/services'

export interface RootsOptions {
  /** Float epoch seconds (UTC). */
  timestamp: number
  batchSize: number
  concurrency: number
  signal?: AbortSignal | undefined
  onBatch?: ((done: number, total: number) => void) | undefined
}

/** The distinct non-zero values of `ids` (first-seen order) and each input's index into them (-1 for 0). */
export function distinctIds(ids: BigUint64Array): { unique: BigUint64Array; index: Int32Array } {
  const seen = new Map<bigint, number>()
  const index = new Int32Array(ids.length)
  const unique: bigint[] = []
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    if (id === 0n) {
      index[i] = -1
      continue
    }
    let k = seen.get(id)
    if (k === undefined) {
      k = unique.length
      seen.set(id, k)
      unique.push(id)
    }
    index[i] = k
  }
  return { unique: BigUint64Array.from(unique), index }
}

/**
 * Root ids of `supervoxelIds` at `o.timestamp`: 0 stays 0 (and is not sent); every distinct id is
 * sent once, `batchSize` per `roots_binary` request, so the requests are ⌈distinct / batchSize⌉.
 */
export async function rootsOf(chunkedgraph: ChunkedGraphClient, supervoxelIds: BigUint64Array, o: RootsOptions): Promise<BigUint64Array> {
  const { unique, index } = distinctIds(supervoxelIds)
  const out = new BigUint64Array(supervoxelIds.length)
  if (unique.length === 0) return out
  const roots = await chunkedgraph.getRoots(unique, {
    timestamp: o.timestamp,
    batchSize: o.batchSize,
    concurrency: o.concurrency,
    ...(o.signal && { signal: o.signal }),
    ...(o.onBatch && { onProgress: (p: { done: number; total: number }) => o.onBatch?.(p.done, p.total) }),
  })
  for (let i = 0; i < index.length; i++) {
    const k = index[i]!
    if (k >= 0) out[i] = roots[k]!
  }
  return out
}
