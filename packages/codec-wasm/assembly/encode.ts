// Encoder: byte-identical to the reference encoders (neuroglancer, seung-lab/compressedseg,
// tensorstore): blocks x fastest, sorted distinct values per block, smallest bit width in
// {0,1,2,4,8,16,32}, padding indices 0, `[values][table]` layout with exact-match table reuse per
// channel. Differences: 32-bit indices work, and offsets that do not fit the header are errors.
import {
  E_ARGS, E_OOM, E_TABLE_OFFSET_OVERFLOW, E_VALUES_OFFSET_OVERFLOW,
  align16, bitsFor, ceilDiv, fail, heapStart, reserve, sortUnique,
} from './common';

// Per block: a uniform block (one row compare per row) becomes a 0-bit block. Otherwise the
// "small" path records, per row, either the one first-seen index of a uniform row or every voxel's
// first-seen index (bytes), sorts the <= SMALL_MAX values, and packs through the rank permutation;
// blocks with more values collect, sort and binary-search them ("big" path).

/** Blocks with at most this many distinct values take the small path. */
const SMALL_MAX: i32 = 32;
const LIMIT_24: u64 = 1 << 24;
/** flags bit 0: allow encodedValuesOffset (plus the channel offset) up to 2^32 instead of 2^24. */
export const FLAG_WIDE_VALUES_OFFSET: u32 = 1;

/** True if every in-volume voxel of the block equals the first one. Branch-free within a row
 *  (rows are short; an early exit per voxel mispredicts at every row end). */
function isUniform<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize): bool {
  const S = sizeof<T>();
  const v0 = load<T>(p0);
  const rowBytes = <usize>ax * S;
  for (let z: u32 = 0; z < az; z++) {
    let row = p0 + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++) {
      const end = row + rowBytes;
      let diff: T = 0;
      for (let p = row; p < end; p += S) diff |= load<T>(p) ^ v0;
      if (diff != 0) return false;
      row += rowStride;
    }
  }
  return true;
}

const MIXED: u8 = 0xff;
const smallPerm = memory.data(SMALL_MAX * 4, 16); // first-seen index -> sorted index
const smallOrder = memory.data(SMALL_MAX * 4, 16); // sort scratch

/** Distinct values of a block into `vals` (first-seen order), plus per row (scan order) either the
 *  first-seen index shared by the whole row (`tags`) or MIXED, in which case every voxel's
 *  first-seen index is in `prov` at row * ax. Indices are found through `slots` (below), so there
 *  is no search per label change. Returns the number of distinct values, or -1 if there are more
 *  than SMALL_MAX. */
function gatherSmall<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize,
  vals: usize, tags: usize, prov: usize): i32 {
  const S = sizeof<T>();
  const v0 = load<T>(p0);
  store<T>(vals, v0);
  store<u8>(slots + slotOf<T>(v0), 0);
  let n: i32 = 1;
  let r: usize = 0;
  const rowBytes = <usize>ax * S;
  for (let z: u32 = 0; z < az; z++) {
    let row = p0 + <usize>z * sliceStride;
    for (let y: u32 = 0; y < ay; y++, r++) {
      const end = row + rowBytes;
      const first = load<T>(row);
      let diff: T = 0;
      for (let p = row + S; p < end; p += S) diff |= load<T>(p) ^ first;
      if (diff == 0) {
        // Uniform row: one lookup.
        let f = <i32>load<u8>(slots + slotOf<T>(first));
        if (f >= n || load<T>(vals + <usize>f * S) != first) {
          f = insert<T>(vals, n, first);
          if (f < 0) return -1;
          if (f == n) n++;
        }
        store<u8>(tags + r, <u8>f);
      } else {
        store<u8>(tags + r, MIXED);
        let q = prov + r * <usize>ax;
        for (let p = row; p < end; p += S) {
          const v = load<T>(p);
          // A slot per hash of the value remembers its first-seen index; a stale or colliding
          // slot fails the check and falls back to insert().
          let f = <i32>load<u8>(slots + slotOf<T>(v));
          if (f >= n || load<T>(vals + <usize>f * S) != v) {
            f = insert<T>(vals, n, v);
            if (f < 0) return -1;
            if (f == n) n++;
          }
          store<u8>(q, <u8>f);
          q++;
        }
      }
      row += rowStride;
    }
  }
  return n;
}

/** 256 one-byte slots: hash of a value -> its first-seen index in the current block (unchecked). */
const slots = memory.data(256, 16);

// @ts-ignore: decorator
@inline function slotOf<T>(v: T): usize {
  let x: u32;
  if (sizeof<T>() == 8) x = <u32>(<u64>v ^ (<u64>v >> 32));
  else x = <u32>v;
  return <usize>((x * 0x9e3779b1) >>> 24);
}

/** Finds v among the n first-seen values (appending it if new) and records its slot. Returns
 *  its index, or -1 when a new value would exceed SMALL_MAX. */
function insert<T>(vals: usize, n: i32, v: T): i32 {
  const S = sizeof<T>();
  let f: i32 = 0;
  while (f < n && load<T>(vals + <usize>f * S) != v) f++;
  if (f == n) {
    if (n == SMALL_MAX) return -1;
    store<T>(vals + <usize>n * S, v);
  }
  store<u8>(slots + slotOf<T>(v), <u8>f);
  return f;
}

/** Sorts the n first-seen values in place and fills smallPerm (first-seen index -> rank). */
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
  // Apply the permutation: vals[r] = old vals[order[r]] (through the upper half of smallOrder's
  // neighbour buffer would need scratch; n <= 32 so copy via the stack of locals is not possible,
  // use the tail of vals instead).
  const tmp = vals + <usize>SMALL_MAX * S;
  for (let r: i32 = 0; r < n; r++) {
    const o = load<u32>(smallOrder + <usize>r * 4);
    store<T>(tmp + <usize>r * S, load<T>(vals + <usize>o * S));
    store<u32>(smallPerm + <usize>o * 4, <u32>r);
  }
  memory.copy(vals, tmp, <usize>n * S);
}

/** Writes the bit-packed indices of a small-path block into the zeroed index region at `vo`. */
function packSmall(tags: usize, prov: usize, ax: u32, ay: u32, az: u32, bx: u32, by: u32, bits: u32, vo: usize): void {
  const fieldMask: u32 = 0xffffffff >>> (32 - bits);
  const rep: u32 = 0xffffffff / fieldMask; // 1 in every field
  let r: usize = 0;
  for (let z: u32 = 0; z < az; z++) {
    for (let y: u32 = 0; y < ay; y++, r++) {
      const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
      const tag = load<u8>(tags + r);
      if (tag != MIXED) {
        const idx = load<u32>(smallPerm + (<usize>tag << 2));
        if (idx == 0) continue;
        const pattern = idx * rep;
        let bit = rowBit;
        let left = <u64>ax * bits;
        while (left > 0) {
          const sh = <u32>(bit & 31);
          const take: u32 = <u64>(32 - sh) < left ? 32 - sh : <u32>left;
          const m = take == 32 ? 0xffffffff : ((<u32>1 << take) - 1) << sh;
          const wp = vo + <usize>((bit >> 5) << 2);
          store<u32>(wp, load<u32>(wp) | (pattern & m));
          bit += take;
          left -= take;
        }
        continue;
      }
      let wp = vo + <usize>((rowBit >> 5) << 2);
      let sh = <u32>(rowBit & 31);
      let acc: u32 = 0;
      let q = prov + r * <usize>ax;
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

/** Index of v in the sorted list of n values (v is present). */
// @ts-ignore: decorator
@inline function indexOf<T>(vals: usize, n: usize, v: T): u32 {
  const S = sizeof<T>();
  if (n <= 8) {
    let i: usize = 0;
    while (load<T>(vals + i * S) != v) i++;
    return <u32>i;
  }
  let lo: usize = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (load<T>(vals + mid * S) < v) lo = mid + 1;
    else hi = mid;
  }
  return <u32>lo;
}

/** Writes the bit-packed indices of a block into the zeroed index region at `vo`. */
function pack<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize,
  vals: usize, n: usize, bx: u32, by: u32, bits: u32, vo: usize): void {
  const S = sizeof<T>();
  let prev = load<T>(p0);
  let idx = indexOf<T>(vals, n, prev);
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
          idx = indexOf<T>(vals, n, v);
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

// ---- encoder state (encodeBegin .. encodeRegion* .. encodeEnd) ----
let eSx: u32 = 0, eSy: u32 = 0, eSz: u32 = 0, eNc: u32 = 0;
let eBx: u32 = 0, eBy: u32 = 0, eBz: u32 = 0, eFlags: u32 = 0;
let eGx: u64 = 0, eGy: u64 = 0, eGrid: u64 = 0, eBvol: u64 = 0;
let eSlab: u64 = 0, eSlabBytes: u64 = 0;
let eVals: usize = 0, eTags: usize = 0, eProv: usize = 0;
let eCache: u64 = 0, eCacheCap: u64 = 0;
let eOut: u64 = 0, ePos: u64 = 0, eBase: u64 = 0;
let eChannel: i64 = -1;

export function encodeSlabPtr(): usize {
  return <usize>eSlab;
}
export function encodeOutPtr(): usize {
  return <usize>eOut;
}

/**
 * Starts encoding a Fortran-order [sx, sy, sz, nc] volume. Memory from heapBase() on holds the
 * input slab (`slabBytes`: the caller copies each region's voxels there), scratch, the table
 * cache and the output, which grows as needed. Returns 0 or an error code.
 */
export function encodeBegin(elemSize: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, flags: u32, slabBytes: u32): i32 {
  const S = <u64>elemSize;
  if (bx == 0 || by == 0 || bz == 0) return fail(E_ARGS, -1, -1, -1, 1, 0);
  const bvol = <u64>bx * <u64>by * <u64>bz;
  if (bvol > 0xffffffff) return fail(E_ARGS, -1, -1, -1, 0xffffffff, <f64>bvol);
  const nvox = <u64>sx * <u64>sy * <u64>sz;
  eSx = sx; eSy = sy; eSz = sz; eNc = nc; eBx = bx; eBy = by; eBz = bz; eFlags = flags;
  eGx = ceilDiv(sx, bx);
  eGy = ceilDiv(sy, by);
  eGrid = eGx * eGy * ceilDiv(sz, bz);
  eBvol = bvol;
  eChannel = -1;
  // The first table of a channel starts after its 2G header words: fail as the reference does.
  if (eGrid > 0 && eGrid * 2 >= LIMIT_24) {
    return fail(E_TABLE_OFFSET_OVERFLOW, 0, 0, <f64>nc, <f64>LIMIT_24, <f64>(eGrid * 2));
  }
  const blockCap = bvol < nvox ? bvol : nvox; // values one block can hold
  let p = align16(<u64>heapStart());
  eSlab = p;
  eSlabBytes = slabBytes;
  p = align16(p + <u64>slabBytes);
  eVals = <usize>p;
  p = align16(p + (blockCap > <u64>SMALL_MAX * 2 ? blockCap : <u64>SMALL_MAX * 2) * S);
  eTags = <usize>p;
  p = align16(p + blockCap);
  eProv = <usize>p;
  p = align16(p + blockCap);
  let cap: u64 = 16;
  while (cap < eGrid * 2) cap <<= 1;
  eCache = p;
  eCacheCap = cap;
  p = align16(p + cap * 16);
  eOut = p;
  if (!reserve(eOut + <u64>nc * 4)) return fail(E_OOM, -1, -1, -1, <f64>(eOut + <u64>nc * 4), 0);
  ePos = nc;
  return 0;
}

function beginChannel(c: u32): i32 {
  store<u32>(<usize>(eOut + <u64>c * 4), <u32>ePos);
  eBase = ePos;
  const end = eOut + (ePos + eGrid * 2) * 4;
  if (!reserve(end)) return fail(E_OOM, c, -1, -1, <f64>end, 0);
  memory.fill(<usize>(eOut + ePos * 4), 0, <usize>(eGrid * 8));
  ePos += eGrid * 2;
  memory.fill(<usize>eCache, 0, <usize>(eCacheCap * 16));
  eChannel = c;
  return 0;
}

/** Encodes one block whose in-volume voxels start at p0. */
function encodeBlock<T>(p0: usize, ax: u32, ay: u32, az: u32, rowStride: usize, sliceStride: usize, c: u32, blk: u64): i32 {
  const S = <u64>sizeof<T>();
  const W = S >> 2;
  const vals = eVals;
  let n: u64 = 1;
  let big = false;
  if (!isUniform<T>(p0, ax, ay, az, rowStride, sliceStride)) {
    const small = gatherSmall<T>(p0, ax, ay, az, rowStride, sliceStride, vals, eTags, eProv);
    if (small < 0) {
      n = <u64>gatherBig<T>(p0, ax, ay, az, rowStride, sliceStride, vals);
      big = true;
    } else {
      n = <u64>small;
      sortSmall<T>(vals, small);
    }
  } else {
    store<T>(vals, load<T>(p0));
  }
  const bits = bitsFor(n);
  const base = eBase;
  const out = eOut;
  const hw = base + 2 * blk;
  if ((eFlags & FLAG_WIDE_VALUES_OFFSET) == 0 && ePos >= LIMIT_24) {
    return fail(E_VALUES_OFFSET_OVERFLOW, c, <f64>blk, <f64>(hw + 1), <f64>LIMIT_24, <f64>ePos);
  }
  const valuesOffset = ePos - base;
  if (bits > 0) {
    const words = (<u64>bits * eBvol + 31) >> 5;
    const end = out + (ePos + words) * 4;
    if (!reserve(end)) return fail(E_OOM, c, <f64>blk, -1, <f64>end, 0);
    const vo = <usize>(out + ePos * 4);
    memory.fill(vo, 0, <usize>(words * 4));
    if (big) pack<T>(p0, ax, ay, az, rowStride, sliceStride, vals, <usize>n, eBx, eBy, bits, vo);
    else packSmall(eTags, eProv, ax, ay, az, eBx, eBy, bits, vo);
    ePos += words;
  }
  // Table: reuse an identical earlier table of this channel, else append it.
  const h = hashValues<T>(vals, <usize>n);
  const mask = <u32>(eCacheCap - 1);
  let slot = h & mask;
  let tableOffset: u64 = 0;
  while (true) {
    const sp = <usize>(eCache + (<u64>slot << 4));
    const off1 = load<u32>(sp, 8);
    if (off1 == 0) {
      tableOffset = ePos - base;
      if (tableOffset >= LIMIT_24) {
        return fail(E_TABLE_OFFSET_OVERFLOW, c, <f64>blk, <f64>hw, <f64>LIMIT_24, <f64>tableOffset);
      }
      const bytes = n * S;
      const end = out + ePos * 4 + bytes;
      if (!reserve(end)) return fail(E_OOM, c, <f64>blk, -1, <f64>end, 0);
      memory.copy(<usize>(out + ePos * 4), vals, <usize>bytes);
      ePos += n * W;
      store<u32>(sp, h);
      store<u32>(sp, <u32>n, 4);
      store<u32>(sp, <u32>tableOffset + 1, 8);
      break;
    }
    if (load<u32>(sp) == h && <u64>load<u32>(sp, 4) == n &&
        sameValues<T>(<usize>(out + (base + <u64>(off1 - 1)) * 4), vals, <usize>n)) {
      tableOffset = <u64>(off1 - 1);
      break;
    }
    slot = (slot + 1) & mask;
  }
  const hp = <usize>(out + hw * 4);
  store<u32>(hp, <u32>tableOffset | (bits << 24));
  store<u32>(hp, <u32>valuesOffset, 4);
  return 0;
}

/**
 * Encodes the blocks of channel c with block z index in [k0, k1) and block y index in [j0, j1)
 * (all x), whose voxels the caller copied to the slab as [z][y][x] (z from k0 * bz, y from
 * j0 * by, rows of sx voxels). Regions must come in block order (channel, k, j) and a region with
 * k1 - k0 > 1 must span all j. Returns 0 or an error code.
 */
export function encodeRegion<T>(c: u32, k0: u32, k1: u32, j0: u32, j1: u32): i32 {
  const S = <u64>sizeof<T>();
  if (<i64>c != eChannel) {
    const e = beginChannel(c);
    if (e < 0) return e;
  }
  const sx = eSx, sy = eSy, sz = eSz, bx = eBx, by = eBy, bz = eBz;
  const y0 = j0 * by;
  const y1 = <u64>j1 * <u64>by < <u64>sy ? j1 * by : sy;
  const z0 = k0 * bz;
  const z1 = <u64>k1 * <u64>bz < <u64>sz ? k1 * bz : sz;
  const ny = y1 - y0;
  if (<u64>(z1 - z0) * <u64>ny * <u64>sx * S > eSlabBytes) return fail(E_ARGS, c, -1, -1, <f64>eSlabBytes, 0);
  const rowStride = <usize>(<u64>sx * S);
  const sliceStride = <usize>(<u64>ny * <u64>sx * S);
  const slab = <usize>eSlab;
  for (let k = k0; k < k1; k++) {
    const zs = k * bz;
    const az = sz - zs < bz ? sz - zs : bz;
    for (let j = j0; j < j1; j++) {
      const ys = j * by;
      const ay = sy - ys < by ? sy - ys : by;
      let blk = <u64>k * eGy * eGx + <u64>j * eGx;
      let x0: u32 = 0;
      const rowBase = slab + <usize>(zs - z0) * sliceStride + <usize>(ys - y0) * rowStride;
      for (let i: u64 = 0; i < eGx; i++, blk++, x0 += bx) {
        const ax = sx - x0 < bx ? sx - x0 : bx;
        const e = encodeBlock<T>(rowBase + <usize>(<u64>x0 * S), ax, ay, az, rowStride, sliceStride, c, blk);
        if (e < 0) return e;
      }
    }
  }
  return 0;
}

/** Finishes an encoding: returns the number of words at encodeOutPtr(). Channels with no block
 *  (empty volume) are written here. */
export function encodeEnd(): i32 {
  for (let c = <u32>(eChannel + 1); c < eNc; c++) {
    const e = beginChannel(c);
    if (e < 0) return e;
  }
  return <i32>ePos;
}
