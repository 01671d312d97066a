/**
 * Collects the chunks of one row of the chunk grid (same y band and z slab of a read, every x
 * cell) until the row is complete, so a decoder that writes whole rows at once (see
 * `decodeChunksInto`) gets them together. Missing chunks count as arrived.
 */
import type { Box } from './box.js'

export class ChunkRows<T> {
  readonly #perRow: number
  readonly #rows = new Map<string, { arrived: number; items: T[] }>()

  /** `perRow`: the x cells of the read region (every row has as many). */
  constructor(perRow: number) {
    this.#perRow = perRow
  }

  /** Records the chunk for `part` (undefined when missing); returns the row's items once all have arrived. */
  add(part: Box, item: T | undefined): T[] | undefined {
    const key = `${part[1][0]},${part[2][0]}`
    let row = this.#rows.get(key)
    if (row === undefined) {
      row = { arrived: 0, items: [] }
      this.#rows.set(key, row)
    }
    row.arrived++
    if (item !== undefined) row.items.push(item)
    if (row.arrived < this.#perRow) return undefined
    this.#rows.delete(key)
    return row.items
  }
}
