// Encoder: byte-identical to the reference encoders (neuroglancer, seung-lab/compressedseg,
// tensorstore): blocks x fastest, sorted distinct values per block, smallest bit width in
// {0,1,2,4,8,16,32}, padding indices 0, `[values][table]` layout with exact-match table reuse per
// channel. Differences: 32-bit indices work, and offsets that do not fit the header are errors.
import {
  E_ARGS, E_OOM, E_TABLE_OFFSET_OVERFLOW, E_VALUES_OFFSET_OVERFLOW,
  align16, bitsFor, ceilDiv, fail, reserve, sortUnique,
} from './common';

/** Blocks with at most this many distinct values take the single-pass path. */
const SMALL_MAX: i32 = 32;
const LIMIT_24: u64 = 1 << 24;
/** flags bit 0: allow encodedValuesOffset (plus the channel offset) up to 2^32 instead of 2^24. */
export const FLAG_WIDE_VALUES_OFFSET: u32 = 1;

const smallSorted = memory.data(SMALL_MAX * 8, 16); // sorted distinct values, small path
const smallPerm = memory.data(SMALL_MAX * 4, 16); // first-seen index -> sorted index (u32), small path
const smallOrder = memory.data(SMALL_MAX * 4, 16); // sort scratch (u32)

let resultPtr: usize = 0;
export function encodeResult(): usize {
  return resultPtr;
}

/** First pass over a block: distinct values in first-seen order into `vals`, and for every
 *  in-volume voxel (scan order) its first-seen index as a byte into `prov`. Returns the number
 *  of distinct values, or -1 if there are more than SMALL_MAX. */
function gatherSmall<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize,
  vals: usize, prov: usize): i32 {
  const S = sizeof<T>();
  let prev = load<T>(p0);
  store<T>(vals, prev);
  let n: i32 = 1;
  let pi: u8 = 0;
  let q = prov;
  for (let z: u32 = 0; z < az; z++) {
    let row = p0 + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) {
        const v = load<T>(p);
        if (v != prev) {
          let f: i32 = 0;
          while (f < n && load<T>(vals + <usize>f * S) != v) f++;
          if (f == n) {
            if (n == SMALL_MAX) return -1;
            store<T>(vals + <usize>n * S, v);
            n++;
          }
          prev = v;
          pi = <u8>f;
        }
        store<u8>(q, pi);
        q++;
      }
      row += rowStride;
    }
  }
  return n;
}

/** Sorts the n first-seen values: writes them ascending to smallSorted and the map
 *  first-seen index -> rank to smallPerm. */
function sortSmall<T>(vals: usize, n: i32): void {
  const S = sizeof<T>();
  for (let i: i32 = 0; i < n; i++) {
    const v = load<T>(vals + <usize>i * S);
    let j = i - 1;
    while (j >= 0) {
      const o = load<u32>(smallOrder + <usize>j * 4);
      if (load<T>(vals + <usize>o * S) <= v) break;
      store<u32>(smallOrder + <usize>(j + 1) * 4, o);
      j--;
    }
    store<u32>(smallOrder + <usize>(j + 1) * 4, <u32>i);
  }
  for (let r: i32 = 0; r < n; r++) {
    const o = load<u32>(smallOrder + <usize>r * 4);
    store<T>(smallSorted + <usize>r * S, load<T>(vals + <usize>o * S));
    store<u32>(smallPerm + <usize>o * 4, <u32>r);
  }
}

/** Writes the bit-packed indices of the small path. The index region at `vo` is zeroed. */
function packSmall(prov: usize, ax: u32, ay: u32, az: u32, bx: u32, by: u32, bits: u32, vo: usize): void {
  let q = prov;
  for (let z: u32 = 0; z < az; z++) {
    for (let y: u32 = 0; y < ay; y++) {
      const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
      let wp = vo + <usize>((rowBit >> 5) << 2);
      let sh = <u32>(rowBit & 31);
      let acc: u32 = 0;
      const end = q + <usize>ax;
      while (q < end) {
        acc |= load<u32>(smallPerm + (<usize>load<u8>(q) << 2)) << sh;
        q++;
        sh += bits;
        if (sh == 32) {
          store<u32>(wp, load<u32>(wp) | acc);
          wp += 4;
          sh = 0;
          acc = 0;
        }
      }
      if (acc != 0) store<u32>(wp, load<u32>(wp) | acc);
    }
  }
}

/** Many distinct values: collect the block's values (consecutive duplicates dropped) into
 *  `vals`, sort and deduplicate. Returns the distinct count. */
function gatherBig<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize, vals: usize): usize {
  const S = sizeof<T>();
  let prev = load<T>(p0);
  store<T>(vals, prev);
  let m: usize = 1;
  for (let z: u32 = 0; z < az; z++) {
    let row = p0 + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) {
        const v = load<T>(p);
        if (v != prev) {
          store<T>(vals + m * S, v);
          m++;
          prev = v;
        }
      }
      row += rowStride;
    }
  }
  return sortUnique<T>(vals, m);
}

function lowerBound<T>(vals: usize, n: usize, v: T): u32 {
  const S = sizeof<T>();
  let lo: usize = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (load<T>(vals + mid * S) < v) lo = mid + 1;
    else hi = mid;
  }
  return <u32>lo;
}

function packBig<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize,
  vals: usize, n: usize, bx: u32, by: u32, bits: u32, vo: usize): void {
  const S = sizeof<T>();
  let prev = load<T>(p0);
  let idx = lowerBound<T>(vals, n, prev);
  for (let z: u32 = 0; z < az; z++) {
    let row = p0 + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
      let wp = vo + <usize>((rowBit >> 5) << 2);
      let sh = <u32>(rowBit & 31);
      let acc: u32 = 0;
      const end = row + <usize>ax * S;
      for (let p = row; p < end; p += S) {
        const v = load<T>(p);
        if (v != prev) {
          prev = v;
          idx = lowerBound<T>(vals, n, v);
        }
        acc |= idx << sh;
        sh += bits;
        if (sh == 32) {
          store<u32>(wp, load<u32>(wp) | acc);
          wp += 4;
          sh = 0;
          acc = 0;
        }
      }
      if (acc != 0) store<u32>(wp, load<u32>(wp) | acc);
      row += rowStride;
    }
  }
}

// ---- table cache: open addressing, 16-byte slots [hash, count, offset + 1, 0] ----
function hashValues<T>(p: usize, n: usize): u32 {
  const S = sizeof<T>();
  let h: u64 = (<u64>n + 1) * 0x9e3779b97f4a7c15;
  for (let i: usize = 0; i < n; i++) {
    h = (h ^ <u64>load<T>(p + i * S)) * 0xff51afd7ed558ccd;
    h ^= h >> 32;
  }
  return <u32>h;
}

function sameValues<T>(a: usize, b: usize, n: usize): bool {
  const S = sizeof<T>();
  for (let i: usize = 0; i < n; i++) {
    if (load<T>(a + i * S) != load<T>(b + i * S)) return false;
  }
  return true;
}

/** Encodes the Fortran-order [sx, sy, sz, nc] volume at `inPtr` (T = u32 or u64). Scratch and
 *  output are laid out after the input; memory grows as needed. Returns the number of words
 *  written (at encodeResult()) or a negative error code. */
export function encode<T>(inPtr: usize, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, flags: u32): i32 {
  const S = <u64>sizeof<T>();
  const W = S >> 2;
  if (bx == 0 || by == 0 || bz == 0) return fail(E_ARGS, -1, -1, -1, 1, 0);
  const bvol = <u64>bx * <u64>by * <u64>bz;
  if (bvol > 0xffffffff) return fail(E_ARGS, -1, -1, -1, 0xffffffff, <f64>bvol);
  const nvox = <u64>sx * <u64>sy * <u64>sz;
  const gx = ceilDiv(sx, bx), gy = ceilDiv(sy, by), gz = ceilDiv(sz, bz);
  const grid = gx * gy * gz;
  // The first table of a channel starts after its 2G header words: fail as the reference does.
  if (grid > 0 && 2 * grid >= LIMIT_24) {
    return fail(E_TABLE_OFFSET_OVERFLOW, 0, 0, <f64>nc, <f64>LIMIT_24, <f64>(grid * 2));
  }
  const blockCap = bvol < nvox ? bvol : nvox; // values one block can hold
  let p = align16(<u64>inPtr + nvox * <u64>nc * S);
  const vals = p;
  p = align16(p + blockCap * S);
  const prov = p;
  p = align16(p + blockCap);
  let cap: u64 = 16;
  while (cap < 2 * grid) cap <<= 1;
  const cache = p;
  p = align16(p + cap * 16);
  const out = p;
  if (!reserve(out + <u64>nc * 4)) return fail(E_OOM, -1, -1, -1, <f64>(out + <u64>nc * 4), 0);
  resultPtr = <usize>out;
  const mask = <u32>(cap - 1);
  const rowStride = <usize>(<u64>sx * S);
  const sliceStride = <usize>(<u64>sx * <u64>sy * S);
  let pos: u64 = nc; // words written
  for (let c: u32 = 0; c < nc; c++) {
    store<u32>(<usize>(out + <u64>c * 4), <u32>pos);
    const base = pos;
    if (!reserve(out + (pos + 2 * grid) * 4)) return fail(E_OOM, c, -1, -1, <f64>(out + (pos + 2 * grid) * 4), 0);
    memory.fill(<usize>(out + pos * 4), 0, <usize>(2 * grid * 4));
    pos += 2 * grid;
    memory.fill(<usize>cache, 0, <usize>(cap * 16));
    const chanIn = <u64>inPtr + <u64>c * nvox * S;
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
          const p0 = <usize>(chanIn + ((<u64>z0 * <u64>sy + <u64>y0) * <u64>sx + <u64>x0) * S);
          let n = <u64>gatherSmall<T>(p0, ax, ay, az, rowStride, sliceStride, <usize>vals, <usize>prov);
          let big = false;
          if (<i64>n < 0) {
            n = <u64>gatherBig<T>(p0, ax, ay, az, rowStride, sliceStride, <usize>vals);
            big = true;
          }
          const bits = bitsFor(n);
          const hw = base + 2 * blk;
          if ((flags & FLAG_WIDE_VALUES_OFFSET) == 0 && pos >= LIMIT_24) {
            return fail(E_VALUES_OFFSET_OVERFLOW, c, <f64>blk, <f64>(hw + 1), <f64>LIMIT_24, <f64>pos);
          }
          const valuesOffset = pos - base;
          if (bits > 0) {
            const words = (<u64>bits * bvol + 31) >> 5;
            if (!reserve(out + (pos + words) * 4)) return fail(E_OOM, c, <f64>blk, -1, <f64>(out + (pos + words) * 4), 0);
            const vo = <usize>(out + pos * 4);
            memory.fill(vo, 0, <usize>(words * 4));
            if (big) {
              packBig<T>(p0, ax, ay, az, rowStride, sliceStride, <usize>vals, <usize>n, bx, by, bits, vo);
            } else {
              sortSmall<T>(<usize>vals, <i32>n);
              packSmall(<usize>prov, ax, ay, az, bx, by, bits, vo);
            }
            pos += words;
          } else if (!big) {
            store<T>(smallSorted, load<T>(<usize>vals));
          }
          const table = big ? <usize>vals : smallSorted;
          // Table: reuse an identical earlier table of this channel, else append it.
          const h = hashValues<T>(table, <usize>n);
          let slot = h & mask;
          let tableOffset: u64 = 0;
          while (true) {
            const sp = <usize>(cache + (<u64>slot << 4));
            const off1 = load<u32>(sp, 8);
            if (off1 == 0) {
              tableOffset = pos - base;
              if (tableOffset >= LIMIT_24) {
                return fail(E_TABLE_OFFSET_OVERFLOW, c, <f64>blk, <f64>hw, <f64>LIMIT_24, <f64>tableOffset);
              }
              const bytes = n * S;
              if (!reserve(out + pos * 4 + bytes)) return fail(E_OOM, c, <f64>blk, -1, <f64>(out + pos * 4 + bytes), 0);
              memory.copy(<usize>(out + pos * 4), table, <usize>bytes);
              pos += n * W;
              store<u32>(sp, h);
              store<u32>(sp, <u32>n, 4);
              store<u32>(sp, <u32>tableOffset + 1, 8);
              break;
            }
            if (load<u32>(sp) == h && <u64>load<u32>(sp, 4) == n &&
                sameValues<T>(<usize>(out + (base + <u64>(off1 - 1)) * 4), table, <usize>n)) {
              tableOffset = <u64>(off1 - 1);
              break;
            }
            slot = (slot + 1) & mask;
          }
          const hp = <usize>(out + hw * 4);
          store<u32>(hp, <u32>tableOffset | (bits << 24));
          store<u32>(hp, <u32>valuesOffset, 4);
        }
      }
    }
  }
  return <i32>pos;
}
