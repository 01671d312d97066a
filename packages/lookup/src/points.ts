/**
 * Point input: the accepted shapes, their validation (before any request) and the conversion from
 * the caller's voxel resolution to voxels of a segmentation mip.
 */
import { InvalidParameterError } from '@daf/services'

export type Vec3 = [number, number, number]

/** Three columns of coordinates (equal lengths). */
export interface PointColumns {
  x: ArrayLike<number>
  y: ArrayLike<number>
  z: ArrayLike<number>
}

/** A flat typed array of x, y, z triples (length a multiple of 3). */
export type FlatPoints = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array

/**
 * Points as callers hand them in: an array of `[x, y, z]` (arrays or typed arrays of 3 numbers), a
 * flat typed array of xyz triples, or `{ x, y, z }` columns.
 */
export type PointsInput = ReadonlyArray<ArrayLike<number>> | FlatPoints | PointColumns

const AXES = 'xyz'

function isFlat(value: unknown): value is FlatPoints {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)
}

/** Numbers pass; anything else (strings, null, bigint) becomes NaN, which the finiteness check then names. */
function numeric(v: unknown): number {
  return typeof v === 'number' ? v : NaN
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`
  return typeof value
}

/**
 * Validates `points` and returns them as one `Float64Array` of xyz triples. Throws
 * `InvalidParameterError` (parameter `name`) for an unknown shape, triples of the wrong length,
 * columns of different lengths, and coordinates that are not finite numbers (NaN, ±Infinity),
 * naming the first offending point.
 */
export function normalizePoints(points: PointsInput, name = 'points'): Float64Array {
  let out: Float64Array
  if (isFlat(points)) {
    if (points.length % 3 !== 0) {
      throw new InvalidParameterError(name, `${name}: a flat ${points.constructor.name} must hold x, y, z triples; its length ${points.length} is not a multiple of 3`)
    }
    out = Float64Array.from(points)
  } else if (Array.isArray(points)) {
    out = new Float64Array(points.length * 3)
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as unknown
      if (p === null || typeof p !== 'object' || typeof (p as ArrayLike<number>).length !== 'number') {
        throw new InvalidParameterError(name, `${name}[${i}] must be [x, y, z], got ${describe(p)}${typeof p === 'number' ? ' (flat coordinates must be a typed array, e.g. Float64Array)' : ''}`)
      }
      const q = p as ArrayLike<number>
      if (q.length !== 3) throw new InvalidParameterError(name, `${name}[${i}] must have 3 coordinates, got ${q.length}`)
      for (let d = 0; d < 3; d++) out[3 * i + d] = numeric(q[d])
    }
  } else if (points !== null && typeof points === 'object' && 'x' in points && 'y' in points && 'z' in points) {
    const cols = [points.x, points.y, points.z]
    cols.forEach((c, d) => {
      if (c === null || typeof c !== 'object' || typeof c.length !== 'number') {
        throw new InvalidParameterError(name, `${name}.${AXES[d]} must be an array of numbers, got ${describe(c)}`)
      }
    })
    const n = cols[0]!.length
    if (cols[1]!.length !== n || cols[2]!.length !== n) {
      throw new InvalidParameterError(name, `${name}: the x, y and z columns must have the same length, got ${cols.map((c) => c.length).join(', ')}`)
    }
    out = new Float64Array(n * 3)
    for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) out[3 * i + d] = numeric(cols[d]![i])
  } else {
    throw new InvalidParameterError(name, `${name} must be an array of [x, y, z], a flat typed array of xyz triples or { x, y, z } columns, got ${describe(points)}`)
  }
  checkFinite(out, name)
  return out
}

/** Throws for the first coordinate that is not a finite number (typed arrays store NaN for bad input). */
export function checkFinite(xyz: Float64Array, name: string, label: (i: number) => string = (i) => `${name}[${i}]`): void {
  for (let k = 0; k < xyz.length; k++) {
    const v = xyz[k] as number
    if (!Number.isFinite(v)) {
      const i = Math.floor(k / 3)
      throw new InvalidParameterError(name, `${label(i)} has a ${Number.isNaN(v) ? 'NaN (or non-numeric)' : 'non-finite'} ${AXES[k % 3]} coordinate (${v})`)
    }
  }
}

/** Validates a resolution: three positive finite numbers (nm per voxel). */
export function checkResolution(value: unknown, name: string): Vec3 {
  if (
    value === null ||
    typeof value !== 'object' ||
    (value as ArrayLike<unknown>).length !== 3 ||
    ![0, 1, 2].every((d) => {
      const v = (value as ArrayLike<unknown>)[d]
      return typeof v === 'number' && Number.isFinite(v) && v > 0
    })
  ) {
    throw new InvalidParameterError(name, `${name} must be [x, y, z] nm per voxel (three positive numbers), got ${JSON.stringify(value)}`)
  }
  const v = value as ArrayLike<number>
  return [v[0]!, v[1]!, v[2]!]
}

/**
 * Converts points given in voxels of `from` (nm per voxel) to voxel indices at `to`:
 * `floor(p × from / to)` per axis, computed as `(p × from) / to` so that exact integer results stay
 * exact. A point on a voxel boundary belongs to the voxel that starts there.
 */
export function toVoxels(xyz: Float64Array, from: Vec3, to: Vec3): Float64Array {
  const out = new Float64Array(xyz.length)
  for (let d = 0; d < 3; d++) {
    const a = from[d]!
    const b = to[d]!
    if (a === b) {
      for (let k = d; k < xyz.length; k += 3) out[k] = Math.floor(xyz[k]!)
    } else {
      for (let k = d; k < xyz.length; k += 3) out[k] = Math.floor((xyz[k]! * a) / b)
    }
  }
  return out
}
