/** Shard index and minishard index decoding and encoding (volumes.md §4.5, §4.6). */
import { SpecViolation } from '../errors.js'

/** A decoded minishard index: chunk ids ascending as stored, absolute byte starts and sizes. */
export interface MinishardIndex {
  ids: BigUint64Array
  /** Absolute offsets in the shard file (`index_length` already added). */
  starts: BigUint64Array
  sizes: BigUint64Array
  /** Whether `ids` is strictly ascending (binary search possible). */
  sorted: boolean
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** `[start, end)` of minishard index `m`, relative to the end of the shard index, from a 16-byte entry. */
export function decodeShardIndexEntry(bytes: Uint8Array, at = 0): [bigint, bigint] {
  const v = view(bytes)
  return [v.getBigUint64(at, true), v.getBigUint64(at + 8, true)]
}

/**
 * Decodes a minishard index (already un-gzipped): `[3, n]` uint64le, ids and offsets delta-encoded.
 * `file` names the shard for error messages.
 */
export function decodeMinishardIndex(bytes: Uint8Array, indexLength: number, file = 'shard'): MinishardIndex {
  if (bytes.byteLength % 24 !== 0) {
    throw new SpecViolation(`${file}: a minishard index of ${bytes.byteLength} bytes is not a multiple of 24`, 'minishard_index')
  }
  const n = bytes.byteLength / 24
  const v = view(bytes)
  const ids = new BigUint64Array(n)
  const starts = new BigUint64Array(n)
  const sizes = new BigUint64Array(n)
  let id = 0n
  let end = BigInt(indexLength)
  let sorted = true
  const MAX = (1n << 64n) - 1n
  for (let i = 0; i < n; i++) {
    const next = id + v.getBigUint64(i * 8, true)
    if (next > MAX) throw new SpecViolation(`${file}: minishard index chunk id overflows uint64`, 'minishard_index')
    if (i > 0 && next <= id) sorted = false
    id = next
    ids[i] = id
    const size = v.getBigUint64((2 * n + i) * 8, true)
    const start = end + v.getBigUint64((n + i) * 8, true)
    if (start + size > MAX) throw new SpecViolation(`${file}: minishard index offset overflows uint64`, 'minishard_index')
    starts[i] = start
    sizes[i] = size
    end = start + size
  }
  return { ids, starts, sizes, sorted }
}

/** Position of `id` in the index, or -1 (binary search when sorted, linear otherwise). */
export function findInMinishard(index: MinishardIndex, id: bigint): number {
  const ids = index.ids
  if (index.sorted) {
    let lo = 0
    let hi = ids.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = ids[mid]!
      if (v === id) return mid
      if (v < id) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i
  return -1
}

/** Encodes a minishard index: `ids` ascending, `sizes` per chunk, first offset `firstOffset` (relative), the rest contiguous. */
export function encodeMinishardIndex(ids: readonly bigint[], sizes: readonly number[], firstOffset: bigint): Uint8Array {
  const n = ids.length
  const out = new Uint8Array(24 * n)
  const v = view(out)
  let last = 0n
  for (let i = 0; i < n; i++) {
    v.setBigUint64(i * 8, ids[i]! - last, true)
    v.setBigUint64((n + i) * 8, i === 0 ? firstOffset : 0n, true)
    v.setBigUint64((2 * n + i) * 8, BigInt(sizes[i]!), true)
    last = ids[i]!
  }
  return out
}
