// Shared helpers: error reporting, linear-memory reservation, sorting, header validation.
// Nothing here allocates through the AssemblyScript runtime: every buffer is a raw pointer into
// linear memory laid out by the caller (see index.ts), so `--runtime stub` never runs.

// ---- error codes (mirrored in src/errors.ts) ----
export const E_OOM: i32 = -1;
export const E_ARGS: i32 = -2;
export const E_TABLE_OFFSET_OVERFLOW: i32 = -3;
export const E_VALUES_OFFSET_OVERFLOW: i32 = -4;
export const E_TRUNCATED: i32 = -5;
export const E_CHANNEL_OFFSET: i32 = -6;
export const E_CHANNEL_TOO_SHORT: i32 = -7;
export const E_BITS: i32 = -8;
export const E_VALUES_RANGE: i32 = -9;
export const E_TABLE_RANGE: i32 = -10;
export const E_INDEX: i32 = -11;
export const E_REMAP_MISSING: i32 = -12;

// Details of the last error: channel, block (linear, x fastest), word position in the buffer,
// expected, found. f64 holds every value below 2^53 exactly.
let errChannel: f64 = -1;
let errBlock: f64 = -1;
let errWord: f64 = -1;
let errExpected: f64 = 0;
let errFound: f64 = 0;

export function fail(code: i32, channel: f64, block: f64, word: f64, expected: f64, found: f64): i32 {
  errChannel = channel;
  errBlock = block;
  errWord = word;
  errExpected = expected;
  errFound = found;
  return code;
}

export function errorInfo(i: i32): f64 {
  switch (i) {
    case 0: return errChannel;
    case 1: return errBlock;
    case 2: return errWord;
    case 3: return errExpected;
    case 4: return errFound;
  }
  return 0;
}

// ---- memory ----
export const MAX_BYTES: u64 = 0x1_0000_0000;
let memEnd: u64 = 0;

/** Grows linear memory so that [0, end) is addressable. Memory never shrinks, and every call lays
 *  its buffers out from the heap base again, so the size is bounded by the largest call. */
export function reserve(end: u64): bool {
  if (end <= memEnd) return true;
  if (end > MAX_BYTES) return false;
  const cur = (<u64>memory.size()) << 16;
  if (end > cur) {
    const pages = <i32>((end - cur + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return false;
  }
  memEnd = (<u64>memory.size()) << 16;
  return true;
}

// @ts-ignore: decorator
@inline export function align16(p: u64): u64 {
  return (p + 15) & ~(<u64>15);
}

export function heapStart(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

// @ts-ignore: decorator
@inline export function ceilDiv(a: u64, b: u64): u64 {
  return (a + b - 1) / b;
}

/** Bits per index for `n` distinct values (n >= 1): 0, 1, 2, 4, 8, 16 or 32. */
export function bitsFor(n: u64): u32 {
  if (n <= 1) return 0;
  if (n <= 2) return 1;
  if (n <= 4) return 2;
  if (n <= 16) return 4;
  if (n <= 256) return 8;
  if (n <= 65536) return 16;
  return 32;
}

// ---- sorting (unsigned, in place) ----
function insertionSort<T>(p: usize, lo: isize, hi: isize): void {
  const S = <isize>sizeof<T>();
  for (let i = lo + 1; i <= hi; i++) {
    const v = load<T>(p + <usize>(i * S));
    let j = i - 1;
    while (j >= lo) {
      const w = load<T>(p + <usize>(j * S));
      if (w <= v) break;
      store<T>(p + <usize>((j + 1) * S), w);
      j--;
    }
    store<T>(p + <usize>((j + 1) * S), v);
  }
}

function siftDown<T>(p: usize, start: usize, n: usize): void {
  const S = sizeof<T>();
  let root = start;
  const v = load<T>(p + root * S);
  while (true) {
    let child: usize = root * 2 + 1;
    if (child >= n) break;
    let cv = load<T>(p + child * S);
    if (child + 1 < n) {
      const rv = load<T>(p + (child + 1) * S);
      if (rv > cv) {
        child++;
        cv = rv;
      }
    }
    if (cv <= v) break;
    store<T>(p + root * S, cv);
    root = child;
  }
  store<T>(p + root * S, v);
}

function heapSort<T>(p: usize, n: usize): void {
  const S = sizeof<T>();
  if (n < 2) return;
  let i = n >> 1;
  while (i > 0) {
    i--;
    siftDown<T>(p, i, n);
  }
  let end = n - 1;
  while (end > 0) {
    const t = load<T>(p);
    store<T>(p, load<T>(p + end * S));
    store<T>(p + end * S, t);
    siftDown<T>(p, 0, end);
    end--;
  }
}

/** Introsort: quicksort (median of three, Hoare partition), insertion sort for small ranges,
 *  heapsort when the recursion gets too deep. */
function quickSort<T>(p: usize, lo: isize, hi: isize, depth: i32): void {
  const S = <isize>sizeof<T>();
  while (hi - lo > 16) {
    if (depth == 0) {
      heapSort<T>(p + <usize>(lo * S), <usize>(hi - lo + 1));
      return;
    }
    depth--;
    const mid = lo + ((hi - lo) >> 1);
    let a = load<T>(p + <usize>(lo * S));
    let b = load<T>(p + <usize>(mid * S));
    let c = load<T>(p + <usize>(hi * S));
    if (b < a) { const t = a; a = b; b = t; }
    if (c < b) { const t = b; b = c; c = t; if (b < a) { const u = a; a = b; b = u; } }
    store<T>(p + <usize>(lo * S), a);
    store<T>(p + <usize>(mid * S), b);
    store<T>(p + <usize>(hi * S), c);
    const pivot = b;
    let i = lo - 1;
    let j = hi + 1;
    while (true) {
      do { i++; } while (load<T>(p + <usize>(i * S)) < pivot);
      do { j--; } while (load<T>(p + <usize>(j * S)) > pivot);
      if (i >= j) break;
      const t = load<T>(p + <usize>(i * S));
      store<T>(p + <usize>(i * S), load<T>(p + <usize>(j * S)));
      store<T>(p + <usize>(j * S), t);
    }
    // [lo, j] and [j + 1, hi]: recurse into the smaller part, loop on the larger.
    if (j - lo < hi - j) {
      quickSort<T>(p, lo, j, depth);
      lo = j + 1;
    } else {
      quickSort<T>(p, j + 1, hi, depth);
      hi = j;
    }
  }
  insertionSort<T>(p, lo, hi);
}

/** Sorts n values of type T at p ascending (unsigned) and removes duplicates; returns the new count. */
export function sortUnique<T>(p: usize, n: usize): usize {
  if (n < 2) return n;
  const S = sizeof<T>();
  quickSort<T>(p, 0, <isize>n - 1, 2 * (32 - <i32>clz<u32>(<u32>n)));
  let w: usize = 1;
  let last = load<T>(p);
  for (let r: usize = 1; r < n; r++) {
    const v = load<T>(p + r * S);
    if (v != last) {
      store<T>(p + w * S, v);
      w++;
      last = v;
    }
  }
  return w;
}

// ---- block header validation (decoder, labels, remap, single-voxel reads) ----
// Results of the last readHeader call.
export let hBits: u32 = 0;
export let hTable: u64 = 0; // lookupTableOffset, channel-relative words
export let hValues: u64 = 0; // encodedValuesOffset, channel-relative words
export let hEntries: u64 = 0; // table entries available before the end of the buffer

/** Validates block `blk`'s header in a channel whose data starts at word `co` of the buffer at
 *  `buf` and runs for `m` words to the end of the buffer. `w` = words per value, `bvol` = block volume. */
export function readHeader(buf: usize, co: u64, m: u64, blk: u64, w: u64, bvol: u64, c: u32): i32 {
  const hw = co + 2 * blk; // header word position in the buffer
  const h0 = load<u32>(<usize>(<u64>buf + hw * 4));
  const h1 = load<u32>(<usize>(<u64>buf + hw * 4 + 4));
  const bits = h0 >>> 24;
  const table = <u64>(h0 & 0xffffff);
  const values = <u64>h1;
  if (bits > 32 || (bits & (bits - 1)) != 0) {
    return fail(E_BITS, c, <f64>blk, <f64>hw, 0, bits);
  }
  if (table > m) return fail(E_TABLE_RANGE, c, <f64>blk, <f64>hw, <f64>m, <f64>table);
  if (values > m) return fail(E_VALUES_RANGE, c, <f64>blk, <f64>(hw + 1), <f64>m, <f64>values);
  const entries = (m - table) / w;
  if (bits == 0) {
    if (entries < 1) return fail(E_TABLE_RANGE, c, <f64>blk, <f64>hw, <f64>(m - w), <f64>table);
  } else {
    const words = (<u64>bits * bvol + 31) >> 5;
    if (values + words > m) {
      return fail(E_VALUES_RANGE, c, <f64>blk, <f64>(hw + 1), <f64>m, <f64>(values + words));
    }
  }
  hBits = bits;
  hTable = table;
  hValues = values;
  hEntries = entries;
  return 0;
}
