/**
 * Boxes and the chunk grid (volumes.md §2.1, §2.2). A box is `[[x0, x1], [y0, y1], [z0, z1]]` in
 * absolute voxel coordinates at one mip (voxel_offset included), end exclusive. The grid is
 * anchored at `voxel_offset`; edge chunks are clipped to `voxel_offset + size`.
 */
import { EmptyRequestException, InvalidArgumentError, describe } from './errors.js'

export type Vec3 = [number, number, number]
export type Range = [number, number]
export type Box = [Range, Range, Range]
/** Anything box-shaped the caller hands in (readonly tuples or plain arrays). */
export type BoxLike = readonly (readonly [number, number] | readonly number[])[]

/** Validates a caller's box: three `[start, end)` integer ranges. Empty ranges raise `EmptyRequestException`. */
export function toBox(value: unknown, field = 'bounds'): Box {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new InvalidArgumentError(field, value, '[[x0, x1], [y0, y1], [z0, z1]] (three [start, end) integer ranges)')
  }
  const box = value.map((r: unknown, d) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) {
      throw new InvalidArgumentError(`${field}[${d}]`, r, '[start, end] integers')
    }
    return [r[0], r[1]] as Range
  }) as Box
  for (let d = 0; d < 3; d++) {
    const [a, b] = box[d] as Range
    if (b <= a) throw new EmptyRequestException(`${field}: axis ${'xyz'[d]} range [${a}, ${b}) is empty (${describe(value)})`)
  }
  return box
}

export function cloneBox(box: BoxLike): Box {
  return [
    [box[0]![0]!, box[0]![1]!],
    [box[1]![0]!, box[1]![1]!],
    [box[2]![0]!, box[2]![1]!],
  ]
}

export function boxShape(box: Box): Vec3 {
  return [box[0][1] - box[0][0], box[1][1] - box[1][0], box[2][1] - box[2][0]]
}

export function boxVoxels(box: Box): number {
  const [x, y, z] = boxShape(box)
  return x * y * z
}

/** The intersection, or undefined when it is empty. */
export function intersect(a: Box, b: Box): Box | undefined {
  const out: Box = [
    [Math.max(a[0][0], b[0][0]), Math.min(a[0][1], b[0][1])],
    [Math.max(a[1][0], b[1][0]), Math.min(a[1][1], b[1][1])],
    [Math.max(a[2][0], b[2][0]), Math.min(a[2][1], b[2][1])],
  ]
  return out.every(([s, e]) => e > s) ? out : undefined
}

export function boxEquals(a: Box, b: Box): boolean {
  return a.every((r, d) => r[0] === b[d]![0] && r[1] === b[d]![1])
}

export function contains(outer: Box, inner: Box): boolean {
  return inner.every((r, d) => r[0] >= outer[d]![0] && r[1] <= outer[d]![1])
}

/** `a:b, c:d, e:f` for messages. */
export function formatBox(box: BoxLike): string {
  return `[${box.map((r) => `${r[0]}:${r[1]}`).join(', ')}]`
}

/** `x0-x1_y0-y1_z0-z1`: the unsharded chunk file name of a chunk box (§2.2). */
export function chunkName(box: Box): string {
  return `${box[0][0]}-${box[0][1]}_${box[1][0]}-${box[1][1]}_${box[2][0]}-${box[2][1]}`
}

const NAME_RE = /^(-?\d+)-(-?\d+)_(-?\d+)-(-?\d+)_(-?\d+)-(-?\d+)$/

/** Parses `x0-x1_y0-y1_z0-z1` (negative coordinates carry a leading `-`), or undefined. */
export function parseChunkName(name: string): Box | undefined {
  const m = NAME_RE.exec(name)
  if (!m) return undefined
  const n = m.slice(1).map(Number)
  return [
    [n[0]!, n[1]!],
    [n[2]!, n[3]!],
    [n[4]!, n[5]!],
  ]
}

/** The chunk grid of one scale. */
export class ChunkGrid {
  readonly size: Vec3
  readonly offset: Vec3
  readonly chunk: Vec3
  /** `[offset, offset + size)` per axis. */
  readonly bounds: Box
  /** Chunks per axis: `ceil(size / chunk)`. */
  readonly gridSize: Vec3

  constructor(size: readonly number[], offset: readonly number[], chunk: readonly number[]) {
    this.size = [size[0]!, size[1]!, size[2]!]
    this.offset = [offset[0]!, offset[1]!, offset[2]!]
    this.chunk = [chunk[0]!, chunk[1]!, chunk[2]!]
    this.bounds = [0, 1, 2].map((d) => [this.offset[d]!, this.offset[d]! + this.size[d]!]) as Box
    this.gridSize = [0, 1, 2].map((d) => Math.ceil(this.size[d]! / this.chunk[d]!)) as Vec3
  }

  get chunkCount(): number {
    return this.gridSize[0] * this.gridSize[1] * this.gridSize[2]
  }

  /** The box of grid cell `g`, clipped to the bounds. */
  cellBox(g: readonly number[]): Box {
    return [0, 1, 2].map((d) => {
      const start = this.offset[d]! + g[d]! * this.chunk[d]!
      return [start, Math.min(start + this.chunk[d]!, this.bounds[d]![1])]
    }) as Box
  }

  /** Grid position of a chunk from its begin corner. */
  cellOf(point: readonly number[]): Vec3 {
    return [0, 1, 2].map((d) => Math.floor((point[d]! - this.offset[d]!) / this.chunk[d]!)) as Vec3
  }

  /** `box` grown outwards to chunk boundaries, then clamped to the bounds (CV `expand_to_chunk_size` + `clamp`). */
  expand(box: Box): Box {
    return [0, 1, 2].map((d) => {
      const o = this.offset[d]!
      const c = this.chunk[d]!
      const [lo, hi] = this.bounds[d]!
      const a = o + Math.floor((box[d]![0] - o) / c) * c
      const b = o + Math.ceil((box[d]![1] - o) / c) * c
      return [Math.max(a, lo), Math.min(b, hi)]
    }) as Box
  }

  /** `box` shrunk inwards to chunk boundaries (the upper bound of the volume counts as one), or undefined when nothing is left. */
  shrink(box: Box): Box | undefined {
    const out = [0, 1, 2].map((d) => {
      const o = this.offset[d]!
      const c = this.chunk[d]!
      const hiBound = this.bounds[d]![1]
      const a = o + Math.ceil((box[d]![0] - o) / c) * c
      const b = box[d]![1] >= hiBound ? hiBound : o + Math.floor((box[d]![1] - o) / c) * c
      return [a, b]
    }) as Box
    return out.every(([a, b]) => b > a) ? out : undefined
  }

  /** Aligned iff expanding to the grid (clamped to bounds) changes nothing (§6.4.2). */
  isAligned(box: Box): boolean {
    return boxEquals(this.expand(box), box)
  }

  /** The cells overlapping `box` (which must lie inside the bounds), x fastest. */
  *cells(box: Box): Generator<{ grid: Vec3; box: Box }> {
    const g0 = this.cellOf([box[0][0], box[1][0], box[2][0]])
    const g1 = this.cellOf([box[0][1] - 1, box[1][1] - 1, box[2][1] - 1])
    for (let z = g0[2]; z <= g1[2]; z++) {
      for (let y = g0[1]; y <= g1[1]; y++) {
        for (let x = g0[0]; x <= g1[0]; x++) {
          const grid: Vec3 = [x, y, z]
          yield { grid, box: this.cellBox(grid) }
        }
      }
    }
  }

  cellCount(box: Box): number {
    const [nx, ny, nz] = this.cellCounts(box)
    return nx * ny * nz
  }

  /** How many cells overlap `box` along each axis. */
  cellCounts(box: Box): Vec3 {
    const g0 = this.cellOf([box[0][0], box[1][0], box[2][0]])
    const g1 = this.cellOf([box[0][1] - 1, box[1][1] - 1, box[2][1] - 1])
    return [g1[0] - g0[0] + 1, g1[1] - g0[1] + 1, g1[2] - g0[2] + 1]
  }
}
