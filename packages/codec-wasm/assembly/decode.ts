// Validating decoder. Every header, offset and index is checked against the buffer before use
// (section 3 of the spec, modelled on tensorstore's decoder): a corrupt stream returns an error
// code; nothing is read or written outside the input and output regions, and every loop is
// bounded by the shape.
import {
  E_ARGS, E_CHANNEL_OFFSET, E_CHANNEL_TOO_SHORT, E_INDEX, E_OOM, E_TRUNCATED,
  ceilDiv, fail, hBits, hEntries, hTable, hValues, readHeader, reserve,
} from './common';


function fillBlock<T>(out: usize, v: T, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize): void {
  const S = sizeof<T>();
  for (let z: u32 = 0; z < az; z++) {
    let row = out + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) store<T>(p, v);
      row += rowStride;
    }
  }
}

/** Decodes one block whose table has at least 2^bits entries: no per-index check needed. */
function unpackBlock<T>(out: usize, table: usize, vo: usize, bits: u32, ax: u32, ay: u32, az: u32,
  bx: u32, by: u32, rowStride: usize, sliceStride: usize): void {
  const S = sizeof<T>();
  const mask: u32 = 0xffffffff >>> (32 - bits);
  for (let z: u32 = 0; z < az; z++) {
    let row = out + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
      let wp = vo + <usize>((rowBit >> 5) << 2);
      let sh = <u32>(rowBit & 31);
      let w = load<u32>(wp) >>> sh;
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) {
        if (sh == 32) {
          wp += 4;
          w = load<u32>(wp);
          sh = 0;
        }
        store<T>(p, load<T>(table + <usize>(w & mask) * S));
        w >>>= bits & 31; // bits == 32 only reaches here once per word
        sh += bits;
      }
      row += rowStride;
    }
  }
}

/** Same as unpackBlock, but checks every index against `entries`. Returns the first bad index
 *  (as u64) or -1 when all are valid. */
function unpackBlockChecked<T>(out: usize, table: usize, vo: usize, bits: u32, ax: u32, ay: u32, az: u32,
  bx: u32, by: u32, rowStride: usize, sliceStride: usize, entries: u64): i64 {
  const S = sizeof<T>();
  const mask: u32 = 0xffffffff >>> (32 - bits);
  for (let z: u32 = 0; z < az; z++) {
    let row = out + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
      let wp = vo + <usize>((rowBit >> 5) << 2);
      let sh = <u32>(rowBit & 31);
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) {
        if (sh == 32) {
          wp += 4;
          sh = 0;
        }
        const idx = (load<u32>(wp) >>> sh) & mask;
        if (<u64>idx >= entries) return <i64>idx;
        store<T>(p, load<T>(table + <usize>idx * S));
        sh += bits;
      }
      row += rowStride;
    }
  }
  return -1;
}

/**
 * Decodes, from the nWords-word buffer at inPtr, the blocks of channel c with block z index in
 * [k0, k1) and block y index in [j0, j1) (all x) to outPtr as [z][y][x] (z from k0 * bz, y from
 * j0 * by, each row's sx voxels of T at the start of a row of outRow >= sx voxels: several
 * chunks side by side in x decode into one region). Returns 0 or a negative error code.
 */
export function decodeRegion<T>(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32,
  c: u32, k0: u32, k1: u32, j0: u32, j1: u32, outPtr: usize, outRow: u32): i32 {
  const S = <u64>sizeof<T>();
  const W = S >> 2;
  if (bx == 0 || by == 0 || bz == 0 || c >= nc || outRow < sx) return fail(E_ARGS, -1, -1, -1, 1, 0);
  const bvol = <u64>bx * <u64>by * <u64>bz;
  const n = <u64>nWords;
  if (n < <u64>nc) return fail(E_TRUNCATED, -1, -1, 0, nc, <f64>n);
  const gx = ceilDiv(sx, bx), gy = ceilDiv(sy, by), gz = ceilDiv(sz, bz);
  const grid = gx * gy * gz;
  if (<u64>k1 > gz || <u64>j1 > gy || k0 > k1 || j0 > j1) return fail(E_ARGS, -1, -1, -1, 0, 0);
  const y0 = j0 * by;
  const y1 = <u64>j1 * <u64>by < <u64>sy ? j1 * by : sy;
  const z0 = k0 * bz;
  const z1 = <u64>k1 * <u64>bz < <u64>sz ? k1 * bz : sz;
  const ny = <u64>(y1 - y0);
  const outEnd = <u64>outPtr + <u64>(z1 - z0) * ny * <u64>outRow * S;
  if (!reserve(outEnd)) return fail(E_OOM, -1, -1, -1, <f64>outEnd, 0);
  const co = <u64>load<u32>(inPtr + (<usize>c << 2));
  if (co > n) return fail(E_CHANNEL_OFFSET, c, -1, c, <f64>n, <f64>co);
  const m = n - co;
  if (m < grid * 2) return fail(E_CHANNEL_TOO_SHORT, c, -1, c, <f64>(grid * 2), <f64>m);
  const chan = <u64>inPtr + co * 4;
  const rowStride = <usize>(<u64>outRow * S);
  const sliceStride = <usize>(ny * <u64>outRow * S);
  for (let k = k0; k < k1; k++) {
    const zs = k * bz;
    const az = sz - zs < bz ? sz - zs : bz;
    for (let j = j0; j < j1; j++) {
      const ys = j * by;
      const ay = sy - ys < by ? sy - ys : by;
      let blk = <u64>k * gy * gx + <u64>j * gx;
      const rowBase = outPtr + <usize>(zs - z0) * sliceStride + <usize>(ys - y0) * rowStride;
      let x0: u32 = 0;
      for (let i: u64 = 0; i < gx; i++, blk++, x0 += bx) {
        const ax = sx - x0 < bx ? sx - x0 : bx;
        const e = readHeader(inPtr, co, m, blk, W, bvol, c);
        if (e < 0) return e;
        const bits = hBits;
        const table = <usize>(chan + hTable * 4);
        const o = rowBase + <usize>(<u64>x0 * S);
        if (bits == 0) {
          fillBlock<T>(o, load<T>(table), ax, ay, az, rowStride, sliceStride);
        } else {
          const vo = <usize>(chan + hValues * 4);
          if (hEntries >= (<u64>1 << bits)) {
            unpackBlock<T>(o, table, vo, bits, ax, ay, az, bx, by, rowStride, sliceStride);
          } else {
            const bad = unpackBlockChecked<T>(o, table, vo, bits, ax, ay, az, bx, by, rowStride, sliceStride, hEntries);
            if (bad >= 0) {
              return fail(E_INDEX, c, <f64>blk, <f64>(co + 2 * blk), <f64>hEntries, <f64>bad);
            }
          }
        }
      }
    }
  }
  return 0;
}
