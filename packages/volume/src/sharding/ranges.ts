/** Coalescing byte ranges of one file into fewer requests (volumes.md §4.7). */

export interface Wanted {
  offset: number
  length: number
}

export interface Bundle<T extends Wanted> {
  offset: number
  length: number
  items: T[]
}

/**
 * Groups ranges whose gap to the previous one is at most `gap` bytes (0: exactly adjacent or
 * overlapping) into bundles of at most `maxBytes` (a single larger range is its own bundle).
 */
export function coalesceRanges<T extends Wanted>(items: readonly T[], gap = 0, maxBytes = 64 * 2 ** 20): Bundle<T>[] {
  const sorted = [...items].sort((a, b) => a.offset - b.offset || a.length - b.length)
  const out: Bundle<T>[] = []
  let cur: Bundle<T> | undefined
  for (const item of sorted) {
    const end = item.offset + item.length
    if (cur && item.offset <= cur.offset + cur.length + gap && Math.max(cur.offset + cur.length, end) - cur.offset <= maxBytes) {
      cur.length = Math.max(cur.offset + cur.length, end) - cur.offset
      cur.items.push(item)
    } else {
      cur = { offset: item.offset, length: item.length, items: [item] }
      out.push(cur)
    }
  }
  return out
}

/** Runs `fn` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++
      try {
        results[i] = await fn(items[i]!, i)
      } catch (e) {
        failed = true
        throw e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
