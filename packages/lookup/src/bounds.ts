/**
 * Cutout bounds for the ImageryClient: boxes, corner pairs or center + size, in units of a
 * resolution, converted to voxels of a mip. Validated before any request.
 */
import { InvalidParameterError } from '@daf/services'
import type { Box } from '@daf/volume'
import type { Vec3 } from './points.js'

/**
 * Bounds of a cutout, in units of the client's `resolution` (nm per unit):
 * - `[[x0, x1], [y0, y1], [z0, z1]]` (three ranges, end exclusive; CloudVolume's order),
 * - `[[x0, y0, z0], [x1, y1, z1]]` (two corners, end exclusive; imageryclient's order),
 * - `{ center: [x, y, z], size: [w, h] | [w, h, d] }`: `center` in the same units, `size` in voxels
 *   of the output (the mip read; for `imageAndSegmentation`, the common grid). Depth defaults to 1.
 */
export type BoundsInput =
  | readonly [readonly [number, number], readonly [number, number], readonly [number, number]]
  | readonly [readonly [number, number, number], readonly [number, number, number]]
  | { readonly center: readonly [number, number, number]; readonly size: readonly [number, number] | readonly [number, number, number] }

/** Parsed bounds: a physical box in `unit`s (lower, upper per axis), or a center + size in output voxels. */
export type ParsedBounds = { kind: 'box'; lo: Vec3; hi: Vec3 } | { kind: 'center'; center: Vec3; size: Vec3 }

const AXES = 'xyz'

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function isPair(v: unknown): v is readonly [number, number] {
  return Array.isArray(v) && v.length === 2
}

/** Validates `bounds` (throws `InvalidParameterError`: wrong shape, non-finite values, min > max, empty ranges, bad sizes). */
export function parseBounds(bounds: unknown, name = 'bounds'): ParsedBounds {
  if (bounds !== null && typeof bounds === 'object' && !Array.isArray(bounds) && 'center' in bounds) {
    const { center, size } = bounds as { center: unknown; size: unknown }
    if (!Array.isArray(center) || center.length !== 3 || !center.every(finite)) {
      throw new InvalidParameterError(name, `${name}.center must be [x, y, z] (finite numbers), got ${JSON.stringify(center)}`)
    }
    if (!Array.isArray(size) || (size.length !== 2 && size.length !== 3) || !size.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new InvalidParameterError(name, `${name}.size must be [width, height] or [width, height, depth] in voxels (positive integers), got ${JSON.stringify(size)}`)
    }
    return { kind: 'center', center: [center[0]!, center[1]!, center[2]!], size: [size[0] as number, size[1] as number, (size[2] as number | undefined) ?? 1] }
  }
  let lo: number[]
  let hi: number[]
  if (Array.isArray(bounds) && bounds.length === 3 && bounds.every(isPair)) {
    lo = bounds.map((r) => r[0])
    hi = bounds.map((r) => r[1])
  } else if (Array.isArray(bounds) && bounds.length === 2 && bounds.every((p) => Array.isArray(p) && p.length === 3)) {
    lo = [...(bounds[0] as number[])]
    hi = [...(bounds[1] as number[])]
  } else {
    throw new InvalidParameterError(
      name,
      `${name} must be [[x0, x1], [y0, y1], [z0, z1]], [[x0, y0, z0], [x1, y1, z1]] or { center: [x, y, z], size: [w, h, d] }, got ${JSON.stringify(bounds)}`,
    )
  }
  for (let d = 0; d < 3; d++) {
    if (!finite(lo[d]) || !finite(hi[d])) throw new InvalidParameterError(name, `${name}: axis ${AXES[d]} has a non-finite value (${lo[d]}, ${hi[d]})`)
    if (lo[d]! > hi[d]!) throw new InvalidParameterError(name, `${name}: axis ${AXES[d]} has min ${lo[d]} > max ${hi[d]}`)
    if (lo[d] === hi[d]) {
      throw new InvalidParameterError(name, `${name}: axis ${AXES[d]} is empty (${lo[d]} to ${hi[d]}, end exclusive); for one slice use ${lo[d]} to ${lo[d]! + 1}, or { center, size }`)
    }
  }
  return { kind: 'box', lo: lo as Vec3, hi: hi as Vec3 }
}

/**
 * The voxel box at resolution `to` (nm per voxel) for bounds given in units of `unit`:
 * boxes: `floor(lo × unit / to)` to `ceil(hi × unit / to)` (everything the box touches);
 * center + size: `c = floor(center × unit / to)`, `[c − ⌊size/2⌋, c − ⌊size/2⌋ + size)`.
 */
export function boundsToVoxels(b: ParsedBounds, unit: Vec3, to: Vec3): Box {
  return [0, 1, 2].map((d) => {
    if (b.kind === 'box') return [Math.floor((b.lo[d]! * unit[d]!) / to[d]!), Math.ceil((b.hi[d]! * unit[d]!) / to[d]!)]
    const c = Math.floor((b.center[d]! * unit[d]!) / to[d]!)
    const s = b.size[d]!
    const start = c - Math.floor(s / 2)
    return [start, start + s]
  }) as Box
}
