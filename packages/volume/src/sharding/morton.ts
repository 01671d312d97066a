/**
 * Compressed Morton codes (volumes.md §4.2): the chunk id of grid position `g` in a grid of
 * `gridSize` interleaves the bits of x, y, z, skipping bit positions an axis never uses.
 */
import { InvalidArgumentError, SpecViolation } from '../errors.js'

type Vec3Like = readonly [number, number, number] | readonly number[]

function checkGrid(gridSize: Vec3Like): [number, number, number] {
  if (gridSize.length !== 3 || !gridSize.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    throw new InvalidArgumentError('gridSize', gridSize, 'three positive integers')
  }
  return [gridSize[0]!, gridSize[1]!, gridSize[2]!]
}

/** `ceil(log2(n))` per axis (0 for 1); throws `SpecViolation` when the sum exceeds 64. */
export function mortonBits(gridSize: Vec3Like): [number, number, number] {
  const g = checkGrid(gridSize)
  const bits = g.map((n) => (n <= 1 ? 0 : Math.ceil(Math.log2(n)))) as [number, number, number]
  // Guard against float error in log2 for exact powers of two.
  for (let d = 0; d < 3; d++) {
    while (bits[d]! > 0 && 2 ** (bits[d]! - 1) >= g[d]!) bits[d]! -= 1
    while (2 ** bits[d]! < g[d]!) bits[d]! += 1
  }
  const total = bits[0] + bits[1] + bits[2]
  if (total > 64) {
    throw new SpecViolation(`a grid of ${g.join('x')} chunks needs ${total} bits of Morton code, more than 64`, 'gridSize')
  }
  return bits
}

/** The compressed Morton code (chunk id) of grid position `g`. */
export function compressedMortonCode(g: Vec3Like, gridSize: Vec3Like): bigint {
  const size = checkGrid(gridSize)
  const bits = mortonBits(size)
  if (g.length !== 3) throw new InvalidArgumentError('gridPosition', g, 'three integers')
  for (let d = 0; d < 3; d++) {
    const v = g[d]!
    if (!Number.isSafeInteger(v) || v < 0 || v >= size[d]!) {
      throw new InvalidArgumentError(
        `gridPosition[${d}]`,
        v,
        `an integer in [0, ${size[d]}) (grid ${size.join('x')})`,
      )
    }
  }
  const maxBits = Math.max(bits[0], bits[1], bits[2])
  let code = 0n
  let j = 0n
  for (let i = 0; i < maxBits; i++) {
    for (let d = 0; d < 3; d++) {
      if (2 ** i < size[d]!) {
        // Bit i of an integer below 2^53 via division keeps to exact arithmetic.
        if (Math.floor(g[d]! / 2 ** i) % 2 === 1) code |= 1n << j
        j += 1n
      }
    }
  }
  return code
}

/** The grid position of a compressed Morton code (inverse of `compressedMortonCode`). */
export function decodeCompressedMortonCode(code: bigint, gridSize: Vec3Like): [number, number, number] {
  const size = checkGrid(gridSize)
  const bits = mortonBits(size)
  if (typeof code !== 'bigint' || code < 0n) throw new InvalidArgumentError('code', code, 'a non-negative bigint')
  const total = BigInt(bits[0] + bits[1] + bits[2])
  if (code >> total !== 0n) throw new InvalidArgumentError('code', code, `a code of at most ${total} bits for grid ${size.join('x')}`)
  const g = [0, 0, 0]
  const maxBits = Math.max(bits[0], bits[1], bits[2])
  let j = 0n
  for (let i = 0; i < maxBits; i++) {
    for (let d = 0; d < 3; d++) {
      if (2 ** i < size[d]!) {
        if ((code >> j) & 1n) g[d]! += 2 ** i
        j += 1n
      }
    }
  }
  for (let d = 0; d < 3; d++) {
    if (g[d]! >= size[d]!) {
      throw new InvalidArgumentError('code', code, `a code inside grid ${size.join('x')} (axis ${d} decodes to ${g[d]})`)
    }
  }
  return g as [number, number, number]
}
