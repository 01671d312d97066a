// @daf/codec-wasm: neuroglancer compressed_segmentation codec.
//
// ABI: every export takes and returns i32/u32 only. The JS side writes its inputs from
// heapBase() on (after ensure(bytes)), calls one operation, then reads the result at the
// matching *Result() pointer. Operations lay out scratch and output after their inputs and grow
// memory themselves, so JS must re-create its views after every call. Negative returns are
// error codes (see common.ts); errorInfo(0..4) gives channel, block, word, expected, found.
import { errorInfo as errorInfoImpl, heapStart, reserve } from './common';
import { encode, encodeResult as encodeResultImpl } from './encode';
import { decode, decodeResult as decodeResultImpl } from './decode';
import { MODE_LABELS, MODE_REMAP, scan, scanResult as scanResultImpl } from './scan';

/** Bumped whenever the exports or their meaning change; the JS loader checks it. */
export function abiVersion(): i32 {
  return 1;
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

export function encodeU32(inPtr: usize, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, flags: u32): i32 {
  return encode<u32>(inPtr, sx, sy, sz, nc, bx, by, bz, flags);
}

export function encodeU64(inPtr: usize, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32, flags: u32): i32 {
  return encode<u64>(inPtr, sx, sy, sz, nc, bx, by, bz, flags);
}

export function encodeResult(): usize {
  return encodeResultImpl();
}

export function decodeU32(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32): i32 {
  return decode<u32>(inPtr, nWords, sx, sy, sz, nc, bx, by, bz);
}

export function decodeU64(inPtr: usize, nWords: u32, sx: u32, sy: u32, sz: u32, nc: u32, bx: u32, by: u32, bz: u32): i32 {
  return decode<u64>(inPtr, nWords, sx, sy, sz, nc, bx, by, bz);
}

export function decodeResult(): usize {
  return decodeResultImpl();
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
