import { describe, expect, it } from 'vitest'
import { ChunkGrid, chunkName, parseChunkName, toBox } from './box.js'
import { isEmptyRequestException, isInvalidArgumentError } from './errors.js'

describe('chunk grid (volumes.md §2.1-2.2 worked example)', () => {
  // key 8_8_40, voxel_offset [100, 200, 10], size [150, 64, 20], chunk [64, 64, 16]
  const grid = new ChunkGrid([150, 64, 20], [100, 200, 10], [64, 64, 16])

  it('has grid size [3, 1, 2] and bounds [100,250) x [200,264) x [10,30)', () => {
    expect(grid.gridSize).toEqual([3, 1, 2])
    expect(grid.bounds).toEqual([[100, 250], [200, 264], [10, 30]])
  })

  it('names the six clipped chunk files', () => {
    const names = [...grid.cells(grid.bounds)].map((c) => `8_8_40/${chunkName(c.box)}`)
    expect(names).toEqual([
      '8_8_40/100-164_200-264_10-26',
      '8_8_40/164-228_200-264_10-26',
      '8_8_40/228-250_200-264_10-26',
      '8_8_40/100-164_200-264_26-30',
      '8_8_40/164-228_200-264_26-30',
      '8_8_40/228-250_200-264_26-30',
    ])
  })

  it('a read of [120:130, 210:220, 25:27] touches cells (0,0,0) and (0,0,1)', () => {
    const cells = [...grid.cells([[120, 130], [210, 220], [25, 27]])]
    expect(cells.map((c) => c.grid)).toEqual([[0, 0, 0], [0, 0, 1]])
    expect(cells.map((c) => chunkName(c.box))).toEqual(['100-164_200-264_10-26', '100-164_200-264_26-30'])
  })

  it('expands, shrinks and tests alignment against the grid anchored at voxel_offset', () => {
    expect(grid.expand([[120, 130], [210, 220], [25, 27]])).toEqual([[100, 164], [200, 264], [10, 30]])
    expect(grid.isAligned([[100, 164], [200, 264], [10, 26]])).toBe(true)
    expect(grid.isAligned([[228, 250], [200, 264], [26, 30]])).toBe(true) // upper edge stops at the bound
    expect(grid.isAligned([[0, 64], [200, 264], [10, 26]])).toBe(false)
    expect(grid.shrink([[101, 250], [200, 264], [10, 30]])).toEqual([[164, 250], [200, 264], [10, 30]])
    expect(grid.shrink([[101, 120], [200, 264], [10, 30]])).toBeUndefined()
  })

  it('parses chunk names, negative coordinates included', () => {
    expect(parseChunkName('-64-0_0-64_0-64')).toEqual([[-64, 0], [0, 64], [0, 64]])
    expect(chunkName([[-64, 0], [0, 64], [0, 64]])).toBe('-64-0_0-64_0-64')
    expect(parseChunkName('0-64_0-64')).toBeUndefined()
  })

  it('validates boxes', () => {
    expect(() => toBox([[0, 1], [0, 1]])).toThrow(/three \[start, end\) integer ranges/)
    expect(isInvalidArgumentError(catchError(() => toBox([[0, 1.5], [0, 1], [0, 1]])))).toBe(true)
    expect(isEmptyRequestException(catchError(() => toBox([[0, 1], [5, 5], [0, 1]])))).toBe(true)
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return undefined
}
