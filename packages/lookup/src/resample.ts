/**
 * Nearest-neighbour resampling between mips: every output voxel takes the value of the source
 * voxel that contains its centre. Both grids share the physical origin (voxel 0 starts at 0 nm at
 * every mip, precomputed's convention), so output voxel `t` at `outRes` maps to source voxel
 * `floor((t + 0.5) × outRes / srcRes)`; for integer ratios that is `floor(t / ratio)`.
 */
import type { Box } from '@daf/volume'
import type { Vec3 } from './points.js'

/** Source box (at `srcRes`) covering the output box (at `outRes`). */
export function sourceBox(out: Box, outRes: Vec3, srcRes: Vec3): Box {
  return [0, 1, 2].map((d) => {
    const f = outRes[d]! / srcRes[d]!
    const lo = Math.floor((out[d]![0] + 0.5) * f)
    const hi = Math.floor((out[d]![1] - 0.5) * f) + 1
    return [lo, hi]
  }) as Box
}

/** Index maps per axis: output index → source index (relative to each box). */
function axisMap(out: [number, number], src: [number, number], outRes: number, srcRes: number): Int32Array {
  const n = out[1] - out[0]
  const m = new Int32Array(n)
  const f = outRes / srcRes
  for (let i = 0; i < n; i++) m[i] = Math.floor((out[0] + i + 0.5) * f) - src[0]
  return m
}

/** Resamples `data` (x fastest, one channel, covering `src` at `srcRes`) onto `out` at `outRes`. */
export function resample<A extends { length: number; [i: number]: unknown }>(
  data: A,
  src: Box,
  srcRes: Vec3,
  out: Box,
  outRes: Vec3,
  make: (length: number) => A,
): A {
  const same = [0, 1, 2].every((d) => srcRes[d] === outRes[d] && src[d]![0] === out[d]![0] && src[d]![1] === out[d]![1])
  if (same) return data
  const mx = axisMap(out[0], src[0], outRes[0], srcRes[0])
  const my = axisMap(out[1], src[1], outRes[1], srcRes[1])
  const mz = axisMap(out[2], src[2], outRes[2], srcRes[2])
  const sx = src[0][1] - src[0][0]
  const sy = src[1][1] - src[1][0]
  const result = make(mx.length * my.length * mz.length)
  let k = 0
  for (let z = 0; z < mz.length; z++) {
    const zo = sx * sy * mz[z]!
    for (let y = 0; y < my.length; y++) {
      const yo = zo + sx * my[y]!
      for (let x = 0; x < mx.length; x++) result[k++] = data[yo + mx[x]!]
    }
  }
  return result
}
