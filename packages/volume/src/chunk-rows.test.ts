import { describe, expect, it } from 'vitest'
import type { Box } from './box.js'
import { ChunkRows } from './chunk-rows.js'

const part = (x: number, y: number, z: number): Box => [
  [x * 10, x * 10 + 10],
  [y * 10, y * 10 + 10],
  [z * 5, z * 5 + 5],
]

describe('ChunkRows', () => {
  it('hands out a row of the chunk grid once all its x cells arrived, in any order and interleaved with other rows', () => {
    const rows = new ChunkRows<string>(3)
    expect(rows.add(part(2, 0, 0), 'a2')).toBeUndefined()
    expect(rows.add(part(0, 1, 0), 'b0')).toBeUndefined()
    expect(rows.add(part(0, 0, 1), 'c0')).toBeUndefined()
    expect(rows.add(part(0, 0, 0), 'a0')).toBeUndefined()
    expect(rows.add(part(1, 0, 0), 'a1')).toEqual(['a2', 'a0', 'a1'])
    expect(rows.add(part(1, 1, 0), 'b1')).toBeUndefined()
    expect(rows.add(part(2, 1, 0), 'b2')).toEqual(['b0', 'b1', 'b2'])
    // A finished row starts over (a second pass over the same region, as graphene's remap does).
    expect(rows.add(part(0, 0, 0), 'again')).toBeUndefined()
  })

  it('missing chunks count as arrived: a row of only missing chunks completes empty', () => {
    const rows = new ChunkRows<string>(2)
    expect(rows.add(part(0, 0, 0), undefined)).toBeUndefined()
    expect(rows.add(part(1, 0, 0), 'x')).toEqual(['x'])
    expect(rows.add(part(0, 2, 0), undefined)).toBeUndefined()
    expect(rows.add(part(1, 2, 0), undefined)).toEqual([])
  })

  it('one cell per row hands each chunk out at once', () => {
    const rows = new ChunkRows<number>(1)
    expect(rows.add(part(0, 0, 0), 1)).toEqual([1])
    expect(rows.add(part(0, 1, 0), 2)).toEqual([2])
  })
})
