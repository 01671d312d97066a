import { describe, expect, it } from 'vitest'
import { copyRegion } from './assemble.js'
import type { Box } from './box.js'

/** Element-by-element reference copy. */
function reference(src: Uint8Array, sb: Box, dst: Uint8Array, db: Box, region: Box, eb: number, nc: number, sc: number, dc: number, sChannels: number, dChannels: number): void {
  const dims = (b: Box) => b.map(([a, e]) => e - a)
  const [sx, sy, sz] = dims(sb)
  const [dx, dy, dz] = dims(db)
  for (let c = 0; c < nc; c++)
    for (let z = region[2][0]; z < region[2][1]; z++)
      for (let y = region[1][0]; y < region[1][1]; y++)
        for (let x = region[0][0]; x < region[0][1]; x++) {
          const s = (x - sb[0][0] + sx! * (y - sb[1][0] + sy! * (z - sb[2][0] + sz! * (c + sc)))) * eb
          const d = (x - db[0][0] + dx! * (y - db[1][0] + dy! * (z - db[2][0] + dz! * (c + dc)))) * eb
          for (let k = 0; k < eb; k++) dst[d + k] = src[s + k]!
        }
  void sChannels
  void dChannels
}

describe('copyRegion', () => {
  it('matches an element-by-element copy for every element size, row width, offset and channel selection', () => {
    let state = 7
    // mulberry32: good low and high bits (an LCG's low bits cycle, which hid whole code paths).
    const rnd = (n: number) => {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
    }
    let copies = 0
    for (let trial = 0; trial < 600; trial++) {
      const eb = [1, 2, 4, 8][rnd(4)]!
      const box = (): Box => {
        const o = [rnd(40) - 20, rnd(40) - 20, rnd(10)]
        return [[o[0]!, o[0]! + 1 + rnd(90)], [o[1]!, o[1]! + 1 + rnd(9)], [o[2]!, o[2]! + 1 + rnd(4)]]
      }
      const sb = box()
      // Some trials share x (and y, z) extents so the merged row/plane/volume copies run too.
      const around = (b: Box): Box => b.map(([a, e]) => [a - rnd(5) + 2, e + rnd(5) - 2]) as Box
      const db: Box = trial % 5 === 0 ? structuredClone(sb) : trial % 5 === 1 ? [[...sb[0]], [...sb[1]], [sb[2][0], sb[2][1] + 2]] : around(sb)
      const region = sb.map(([a, e], d) => [Math.max(a, db[d]![0]), Math.min(e, db[d]![1])]) as Box
      if (db.some(([a, e]) => e <= a) || region.some(([a, e]) => e <= a)) continue
      copies++
      const sChannels = 1 + rnd(3)
      const dChannels = 1 + rnd(3)
      const nc = 1 + rnd(Math.min(sChannels, dChannels))
      const sc = rnd(sChannels - nc + 1)
      const dc = rnd(dChannels - nc + 1)
      const size = (b: Box, ch: number) => b.reduce((p, [a, e]) => p * (e - a), 1) * ch * eb
      // Offset views exercise the unaligned paths.
      const sOff = rnd(3) === 0 ? rnd(4) : 0
      const dOff = rnd(3) === 0 ? rnd(4) : 0
      const src = new Uint8Array(size(sb, sChannels) + sOff).map(() => rnd(256)).subarray(sOff)
      const dst = new Uint8Array(size(db, dChannels) + dOff).subarray(dOff)
      const want = new Uint8Array(dst.length)
      copyRegion(src, { box: sb, channels: sChannels }, dst, { box: db, channels: dChannels }, region, eb, nc, sc, dc)
      reference(src, sb, want, db, region, eb, nc, sc, dc, sChannels, dChannels)
      expect(Buffer.compare(Buffer.from(dst), Buffer.from(want)), `trial ${trial}`).toBe(0)
    }
    expect(copies).toBeGreaterThan(250)
  })
})
