// Validating decoder. Every header, offset and index is checked against the buffer before use
// (section 3 of the spec, modelled on tensorstore's decoder): a corrupt stream returns an error
// code; nothing is read or written outside the input and output regions, and every loop is
// bounded by the shape.
import {
  E_ARGS, E_CHANNEL_OFFSET, E_CHANNEL_TOO_SHORT, E_INDEX, E_OOM, E_TRUNCATED,
  align16, ceilDiv, fail, hBits, hEntries, hTable, hValues, readHeader, reserve,
} from './common';

let resultPtr: usize = 0;
export function decodeResult(): usize {
  return resultPtr;
}

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

/** Decodes nWords words at inPtr into a Fortran-order [sx, sy, sz, nc] array of T laid out after
 *  the input (at decodeResult()). Returns 0 or a negative error code. */
export function decode<T>(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32): i32 {
  const S = <u64>sizeof<T>();
  const W = S >> 2;
  if (bx == 0 || by == 0 || bz == 0) return fail(E_ARGS, -1, -1, -1, 1, 0);
  const bvol = <u64>bx * <u64>by * <u64>bz;
  const n = <u64>nWords;
  if (n < <u64>nc) return fail(E_TRUNCATED, -1, -1, 0, nc, <f64>n);
  const nvox = <u64>sx * <u64>sy * <u64>sz;
  const gx = ceilDiv(sx, bx), gy = ceilDiv(sy, by), gz = ceilDiv(sz, bz);
  const grid = gx * gy * gz;
  const out = align16(<u64>inPtr + n * 4);
  const outBytes = nvox * <u64>nc * S;
  if (!reserve(out + outBytes)) return fail(E_OOM, -1, -1, -1, <f64>(out + outBytes), 0);
  resultPtr = <usize>out;
  const rowStride = <usize>(<u64>sx * S);
  const sliceStride = <usize>(<u64>sx * <u64>sy * S);
  for (let c: u32 = 0; c < nc; c++) {
    const co = <u64>load<u32>(inPtr + (<usize>c << 2));
    if (co > n) return fail(E_CHANNEL_OFFSET, c, -1, c, <f64>n, <f64>co);
    const m = n - co;
    if (m < 2 * grid) return fail(E_CHANNEL_TOO_SHORT, c, -1, c, <f64>(grid * 2), <f64>m);
    const chan = <u64>inPtr + co * 4;
    const chanOut = out + <u64>c * nvox * S;
    let blk: u64 = 0;
    for (let k: u32 = 0; <u64>k < gz; k++) {
      const z0 = k * bz;
      const az = sz - z0 < bz ? sz - z0 : bz;
      for (let j: u32 = 0; <u64>j < gy; j++) {
        const y0 = j * by;
        const ay = sy - y0 < by ? sy - y0 : by;
        for (let i: u32 = 0; <u64>i < gx; i++, blk++) {
          const x0 = i * bx;
          const ax = sx - x0 < bx ? sx - x0 : bx;
          const e = readHeader(inPtr, co, m, blk, W, bvol, c);
          if (e < 0) return e;
          const bits = hBits;
          const table = <usize>(chan + hTable * 4);
          const o = <usize>(chanOut + ((<u64>z0 * <u64>sy + <u64>y0) * <u64>sx + <u64>x0) * S);
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
  }
  return 0;
}
