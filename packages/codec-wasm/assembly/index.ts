// @daf/codec-wasm: neuroglancer compressed_segmentation codec.
//
// ABI: every export takes and returns i32/u32 only (pointers are byte offsets in memory).
// Memory from heapBase() on is reused by every call. Encoding: encodeBegin lays out an input slab,
// scratch and the output; for each region of blocks (in block order) JS copies the region's
// voxels to encodeSlabPtr() and calls encodeRegionU32/U64; encodeEnd returns the word count at
// encodeOutPtr(). Decoding: JS copies the stream to heapBase() (after ensure) and calls
// decodeRegionU32/U64 for regions of blocks, copying each decoded region out; labels and remap
// take the whole stream. Operations grow memory themselves, so JS re-creates its views after
// every call. Negative returns are error codes (common.ts); errorInfo(0..4) gives channel,
// block, word, expected, found.
import { errorInfo as errorInfoImpl, heapStart, reserve } from './common';
import {
  encodeBegin as encodeBeginImpl, encodeEnd as encodeEndImpl, encodeOutPtr as encodeOutPtrImpl,
  encodeRegion, encodeSlabPtr as encodeSlabPtrImpl,
} from './encode';
import { decodeRegion } from './decode';
import { MODE_LABELS, MODE_REMAP, scan, scanResult as scanResultImpl } from './scan';

/** Bumped whenever the exports or their meaning change; the JS loader checks it. */
export function abiVersion(): i32 {
  return 2;
}

export function heapBase(): usize {
  return heapStart();
}

/** Makes [heapBase(), heapBase() + bytes) addressable. Returns 1, or 0 if memory cannot grow. */
export function ensure(bytes: u32): i32 {
  return reserve(<u64>heapStart() + <u64>bytes) ? 1 : 0;
}

export function errorInfo(i: i32): f64 {
  return errorInfoImpl(i);
}

/** Starts an encode: see encode.ts. elemSize is 4 (uint32) or 8 (uint64). */
export function encodeBegin(elemSize: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, flags: u32, slabBytes: u32): i32 {
  return encodeBeginImpl(elemSize, sx, sy, sz, nc, bx, by, bz, flags, slabBytes);
}

export function encodeRegionU32(c: u32, k0: u32, k1: u32, j0: u32, j1: u32): i32 {
  return encodeRegion<u32>(c, k0, k1, j0, j1);
}

export function encodeRegionU64(c: u32, k0: u32, k1: u32, j0: u32, j1: u32): i32 {
  return encodeRegion<u64>(c, k0, k1, j0, j1);
}

export function encodeEnd(): i32 {
  return encodeEndImpl();
}

export function encodeSlabPtr(): usize {
  return encodeSlabPtrImpl();
}

export function encodeOutPtr(): usize {
  return encodeOutPtrImpl();
}

export function decodeRegionU32(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32,
  c: u32, k0: u32, k1: u32, j0: u32, j1: u32, outPtr: usize, outRow: u32): i32 {
  return decodeRegion<u32>(inPtr, nWords, sx, sy, sz, nc, bx, by, bz, c, k0, k1, j0, j1, outPtr, outRow);
}

export function decodeRegionU64(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32,
  c: u32, k0: u32, k1: u32, j0: u32, j1: u32, outPtr: usize, outRow: u32): i32 {
  return decodeRegion<u64>(inPtr, nWords, sx, sy, sz, nc, bx, by, bz, c, k0, k1, j0, j1, outPtr, outRow);
}

/** Sorted distinct labels referenced by in-volume voxels; returns their count (at scanResult()). */
export function labelsU32(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, freePtr: usize): i32 {
  return scan<u32>(MODE_LABELS, inPtr, nWords, sx, sy, sz, nc, bx, by, bz, freePtr, 0, 0, 0, 0);
}

export function labelsU64(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, freePtr: usize): i32 {
  return scan<u64>(MODE_LABELS, inPtr, nWords, sx, sy, sz, nc, bx, by, bz, freePtr, 0, 0, 0, 0);
}

/** Copies the stream and rewrites its referenced table entries through the sorted mapping
 *  (keys/values: numKeys values of the volume's type). Returns nWords (copy at scanResult()). */
export function remapU32(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32,
  freePtr: usize, keysPtr: usize, valsPtr: usize, numKeys: u32, flags: u32): i32 {
  return scan<u32>(MODE_REMAP, inPtr, nWords, sx, sy, sz, nc, bx, by, bz, freePtr, keysPtr, valsPtr, numKeys, flags);
}

export function remapU64(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32,
  freePtr: usize, keysPtr: usize, valsPtr: usize, numKeys: u32, flags: u32): i32 {
  return scan<u64>(MODE_REMAP, inPtr, nWords, sx, sy, sz, nc, bx, by, bz, freePtr, keysPtr, valsPtr, numKeys, flags);
}

export function scanResult(): usize {
  return scanResultImpl();
}
