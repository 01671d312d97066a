/** Errors of @daf/lookup. Caller mistakes are `InvalidParameterError`s of @daf/services. */
import { InvalidParameterError } from '@daf/services'

const BRAND = Symbol.for('@daf/lookup.PointOutOfBoundsError')

/**
 * With `strict: true`, points outside the segmentation volume: thrown before any chunk is fetched.
 * `indices` are positions in the input (rows for tables); `bounds` the volume's box at the mip.
 */
export class PointOutOfBoundsError extends InvalidParameterError {
  override name = 'PointOutOfBoundsError'
  readonly indices: Uint32Array
  readonly bounds: [[number, number], [number, number], [number, number]]
  readonly mip: number
  constructor(parameter: string, message: string, init: { indices: Uint32Array; bounds: [[number, number], [number, number], [number, number]]; mip: number }) {
    super(parameter, message)
    this.indices = init.indices
    this.bounds = init.bounds
    this.mip = init.mip
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** True for a `PointOutOfBoundsError` (from any copy of the package). */
export function isPointOutOfBoundsError(e: unknown): e is PointOutOfBoundsError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true
}
