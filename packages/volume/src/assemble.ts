/**
 * Copies boxes between Fortran-order (x fastest, then y, z, channel) byte buffers: the read path
 * copies each decoded chunk straight into the one preallocated output, the write path cuts chunks
 * out of the caller's array. Contiguous runs are merged (whole rows → planes → volumes) so a copy
 * is a handful of `TypedArray.set` calls when the geometry allows it.
 */
import type { Box } from './box.js'

export interface Layout {
  /** Absolute box the buffer covers. */
  box: Box
  /** Channels stored (the channel stride is the box's voxel count). */
  channels: number
}

/**
 * Below this many bytes a row is copied word by word (a subarray + set per row costs more, and
 * its garbage costs GC time); longer rows go through `TypedArray.set` (memcpy). Measured on
 * 64 MiB of strided rows: 64-byte rows 66 ms with set vs 40 ms as 32-bit words.
 */
const SMALL_ROW = 192

/**
 * Copies `region` (absolute coordinates, inside both boxes) for `channelCount` channels, starting
 * at channel `srcChannel` of `src` and `dstChannel` of `dst`. `eb` is the element size in bytes.
 */
export function copyRegion(
  src: Uint8Array,
  srcLayout: Layout,
  dst: Uint8Array,
  dstLayout: Layout,
  region: Box,
  eb: number,
  channelCount = Math.min(srcLayout.channels, dstLayout.channels),
  srcChannel = 0,
  dstChannel = 0,
): void {
  const sb = srcLayout.box
  const db = dstLayout.box
  const sx = sb[0][1] - sb[0][0]
  const sy = sb[1][1] - sb[1][0]
  const sz = sb[2][1] - sb[2][0]
  const dx = db[0][1] - db[0][0]
  const dy = db[1][1] - db[1][0]
  const dz = db[2][1] - db[2][0]
  const [[x0, x1], [y0, y1], [z0, z1]] = region
  const nx = x1 - x0
  const ny = y1 - y0
  const nz = z1 - z0
  if (nx <= 0 || ny <= 0 || nz <= 0 || channelCount <= 0) return

  const fullX = nx === sx && nx === dx
  const fullY = fullX && ny === sy && ny === dy
  const fullZ = fullY && nz === sz && nz === dz
  const srcOffset = (c: number, y: number, z: number): number =>
    ((((srcChannel + c) * sz + (z - sb[2][0])) * sy + (y - sb[1][0])) * sx + (x0 - sb[0][0])) * eb
  const dstOffset = (c: number, y: number, z: number): number =>
    ((((dstChannel + c) * dz + (z - db[2][0])) * dy + (y - db[1][0])) * dx + (x0 - db[0][0])) * eb

  if (fullZ && srcChannel === 0 && dstChannel === 0) {
    // Same box and every channel from 0: one copy.
    const n = nx * ny * nz * channelCount * eb
    dst.set(src.subarray(0, n), 0)
    return
  }
  for (let c = 0; c < channelCount; c++) {
    if (fullZ) {
      const s = srcOffset(c, y0, z0)
      dst.set(src.subarray(s, s + nx * ny * nz * eb), dstOffset(c, y0, z0))
      continue
    }
    for (let z = z0; z < z1; z++) {
      if (fullY) {
        const s = srcOffset(c, y0, z)
        dst.set(src.subarray(s, s + nx * ny * eb), dstOffset(c, y0, z))
        continue
      }
      const row = nx * eb
      let s = srcOffset(c, y0, z)
      let d = dstOffset(c, y0, z)
      const sStep = sx * eb
      const dStep = dx * eb
      if (row >= SMALL_ROW) {
        for (let y = y0; y < y1; y++, s += sStep, d += dStep) dst.set(src.subarray(s, s + row), d)
      } else if ((src.byteOffset | dst.byteOffset | s | d | row | sStep | dStep) % 4 === 0) {
        // Whole 32-bit words (exact for every type; no float reinterpretation of 64-bit labels).
        const s32 = new Uint32Array(src.buffer, src.byteOffset, Math.floor(src.byteLength / 4))
        const d32 = new Uint32Array(dst.buffer, dst.byteOffset, Math.floor(dst.byteLength / 4))
        const words = row / 4
        let sw = s / 4
        let dw = d / 4
        const sws = sStep / 4
        const dws = dStep / 4
        for (let y = y0; y < y1; y++, sw += sws, dw += dws) {
          for (let i = 0; i < words; i++) d32[dw + i] = s32[sw + i]!
        }
      } else {
        for (let y = y0; y < y1; y++, s += sStep, d += dStep) {
          for (let i = 0; i < row; i++) dst[d + i] = src[s + i]!
        }
      }
    }
  }
}
