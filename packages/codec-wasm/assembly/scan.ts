// Label listing and table remapping without a full decode. Both validate every header like the
// decoder and visit only the table entries that in-volume voxels actually reference: per block,
// the set of indices read (a 256-bit mask for widths <= 8, a sorted list for 16 and 32 bits).
// A bitmap over the buffer's words makes every entry position count once, so shared tables are
// handled once and the work is bounded by min(voxels, words).
import {
  E_ARGS, E_CHANNEL_OFFSET, E_CHANNEL_TOO_SHORT, E_INDEX, E_OOM, E_REMAP_MISSING, E_TRUNCATED,
  align16, ceilDiv, fail, hBits, hEntries, hTable, hValues, readHeader, reserve, sortUnique,
} from './common';

export const MODE_LABELS: u32 = 0;
export const MODE_REMAP: u32 = 1;
/** flags bit 0 (remap): keep labels missing from the mapping instead of failing. */
export const FLAG_PRESERVE_MISSING: u32 = 1;

const usedMask = memory.data(32, 16);

let resultPtr: usize = 0;
let resultCount: u64 = 0;
export function scanResult(): usize {
  return resultPtr;
}

// Per-call state shared by the helpers below.
let sBuf: usize = 0; // input words
let sDst: usize = 0; // remap: output copy
let sBitmap: usize = 0; // one bit per input word: entry already handled
let sCand: u64 = 0; // labels: collected values
let sKeys: usize = 0;
let sVals: usize = 0;
let sNumKeys: usize = 0;
let sFlags: u32 = 0;

function findKey<T>(v: T): i64 {
  const S = sizeof<T>();
  let lo: usize = 0;
  let hi = sNumKeys;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = load<T>(sKeys + mid * S);
    if (k < v) lo = mid + 1;
    else if (k > v) hi = mid;
    else return <i64>mid;
  }
  return -1;
}

/** Handles table entry `idx` of the table at buffer word `tw`. Returns 0 or an error code. */
function visitEntry<T>(mode: u32, tw: u64, idx: u64, c: u32, blk: u64): i32 {
  const S = <u64>sizeof<T>();
  const word = tw + idx * (S >> 2);
  const bp = sBitmap + <usize>((word >> 5) << 2);
  const bit: u32 = 1 << <u32>(word & 31);
  const bm = load<u32>(bp);
  if ((bm & bit) != 0) return 0;
  store<u32>(bp, bm | bit);
  const v = load<T>(<usize>(<u64>sBuf + word * 4));
  if (mode == MODE_LABELS) {
    const end = sCand + (resultCount + 1) * S;
    if (!reserve(end)) return fail(E_OOM, c, <f64>blk, -1, <f64>end, 0);
    store<T>(<usize>(sCand + resultCount * S), v);
    resultCount++;
  } else {
    const k = findKey<T>(v);
    if (k >= 0) {
      store<T>(<usize>(<u64>sDst + word * 4), load<T>(sVals + <usize>k * sizeof<T>()));
    } else if ((sFlags & FLAG_PRESERVE_MISSING) == 0) {
      const x = <u64>v;
      return fail(E_REMAP_MISSING, c, <f64>blk, <f64>word, <f64>(x >> 32), <f64>(x & 0xffffffff));
    }
  }
  return 0;
}

export function scan<T>(mode: u32, inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32,
  bx: u32, by: u32, bz: u32, freePtr: usize, keysPtr: usize, valsPtr: usize, numKeys: u32, flags: u32): i32 {
  const S = <u64>sizeof<T>();
  const W = S >> 2;
  if (bx == 0 || by == 0 || bz == 0) return fail(E_ARGS, -1, -1, -1, 1, 0);
  const bvol = <u64>bx * <u64>by * <u64>bz;
  const n = <u64>nWords;
  if (n < <u64>nc) return fail(E_TRUNCATED, -1, -1, 0, nc, <f64>n);
  const nvox = <u64>sx * <u64>sy * <u64>sz;
  const gx = ceilDiv(sx, bx), gy = ceilDiv(sy, by), gz = ceilDiv(sz, bz);
  const grid = gx * gy * gz;
  const blockCap = bvol < nvox ? bvol : nvox;
  let p = align16(<u64>freePtr);
  const bitmap = p;
  p = align16(p + ((n + 31) >> 5) * 4);
  const list = p;
  p = align16(p + blockCap * 4);
  let dst: u64 = 0;
  if (mode == MODE_REMAP) {
    dst = p;
    p = align16(p + n * 4);
  }
  if (!reserve(p)) return fail(E_OOM, -1, -1, -1, <f64>p, 0);
  memory.fill(<usize>bitmap, 0, <usize>(list - bitmap));
  if (mode == MODE_REMAP) memory.copy(<usize>dst, inPtr, <usize>(n * 4));
  sBuf = inPtr;
  sDst = <usize>dst;
  sBitmap = <usize>bitmap;
  sCand = p;
  sKeys = keysPtr;
  sVals = valsPtr;
  sNumKeys = numKeys;
  sFlags = flags;
  resultCount = 0;
  resultPtr = mode == MODE_REMAP ? <usize>dst : <usize>p;

  for (let c: u32 = 0; c < nc; c++) {
    const co = <u64>load<u32>(inPtr + (<usize>c << 2));
    if (co > n) return fail(E_CHANNEL_OFFSET, c, -1, c, <f64>n, <f64>co);
    const m = n - co;
    if (m < 2 * grid) return fail(E_CHANNEL_TOO_SHORT, c, -1, c, <f64>(grid * 2), <f64>m);
    const chan = <u64>inPtr + co * 4;
    let blk: u64 = 0;
    for (let k: u32 = 0; <u64>k < gz; k++) {
      const az = sz - k * bz < bz ? sz - k * bz : bz;
      for (let j: u32 = 0; <u64>j < gy; j++) {
        const ay = sy - j * by < by ? sy - j * by : by;
        for (let i: u32 = 0; <u64>i < gx; i++, blk++) {
          const ax = sx - i * bx < bx ? sx - i * bx : bx;
          const e = readHeader(inPtr, co, m, blk, W, bvol, c);
          if (e < 0) return e;
          const bits = hBits;
          const tw = co + hTable; // table position in buffer words
          if (bits == 0) {
            const r = visitEntry<T>(mode, tw, 0, c, blk);
            if (r < 0) return r;
            continue;
          }
          const vo = <usize>(chan + hValues * 4);
          const mask: u32 = 0xffffffff >>> (32 - bits);
          if (bits <= 8) {
            memory.fill(usedMask, 0, 32);
            for (let z: u32 = 0; z < az; z++) {
              for (let y: u32 = 0; y < ay; y++) {
                const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
                let wp = vo + <usize>((rowBit >> 5) << 2);
                let sh = <u32>(rowBit & 31);
                for (let x: u32 = 0; x < ax; x++) {
                  if (sh == 32) {
                    wp += 4;
                    sh = 0;
                  }
                  const idx = (load<u32>(wp) >>> sh) & mask;
                  const mp = usedMask + ((<usize>idx >> 5) << 2);
                  store<u32>(mp, load<u32>(mp) | (<u32>1 << (idx & 31)));
                  sh += bits;
                }
              }
            }
            for (let wi: u32 = 0; wi < 8; wi++) {
              let word = load<u32>(usedMask + (<usize>wi << 2));
              while (word != 0) {
                const idx = <u64>(wi * 32 + ctz<u32>(word));
                word &= word - 1;
                if (idx >= hEntries) return fail(E_INDEX, c, <f64>blk, <f64>(co + 2 * blk), <f64>hEntries, <f64>idx);
                const r = visitEntry<T>(mode, tw, idx, c, blk);
                if (r < 0) return r;
              }
            }
          } else {
            let cnt: usize = 0;
            let prev: u32 = 0xffffffff;
            let havePrev = false;
            for (let z: u32 = 0; z < az; z++) {
              for (let y: u32 = 0; y < ay; y++) {
                const rowBit = <u64>bits * (<u64>bx * (<u64>y + <u64>by * <u64>z));
                let wp = vo + <usize>((rowBit >> 5) << 2);
                let sh = <u32>(rowBit & 31);
                for (let x: u32 = 0; x < ax; x++) {
                  if (sh == 32) {
                    wp += 4;
                    sh = 0;
                  }
                  const idx = (load<u32>(wp) >>> sh) & mask;
                  if (!havePrev || idx != prev) {
                    store<u32>(<usize>list + (cnt << 2), idx);
                    cnt++;
                    prev = idx;
                    havePrev = true;
                  }
                  sh += bits;
                }
              }
            }
            cnt = sortUnique<u32>(<usize>list, cnt);
            for (let q: usize = 0; q < cnt; q++) {
              const idx = <u64>load<u32>(<usize>list + (q << 2));
              if (idx >= hEntries) return fail(E_INDEX, c, <f64>blk, <f64>(co + 2 * blk), <f64>hEntries, <f64>idx);
              const r = visitEntry<T>(mode, tw, idx, c, blk);
              if (r < 0) return r;
            }
          }
        }
      }
    }
  }
  if (mode == MODE_LABELS) {
    resultCount = <u64>sortUnique<T>(<usize>sCand, <usize>resultCount);
    return <i32>resultCount;
  }
  return <i32>n;
}
