// neuroglancer compressed_segmentation: the public functions. Encode, decode, labels and remap run
// in WebAssembly; single-voxel reads run here on the caller's bytes (O(1), nothing to copy).
import { CodecError } from './errors.js'
import { type BlockSize, type Geometry, type VolumeShape, blockPosition, bytesOf, geometry, typedArrayTag } from './geometry.js'
import { type CodecExports, getCodec } from './wasm.js'

export type { BlockSize, VolumeShape } from './geometry.js'

/** Element type of a compressed_segmentation volume. */
export type SegmentationDataType = 'uint32' | 'uint64'

export interface EncodeOptions {
  /**
   * Allow `channelOffset + encodedValuesOffset` up to 2^32 words. By default the encoder keeps it
   * below 2^24, because neuroglancer's CPU reader and tensorstore mask it to 24 bits, and fails
   * with a `values-offset-overflow` CodecError otherwise.
   */
  allowWideValuesOffset?: boolean
}

export interface DecodeOptions<A extends Uint32Array | BigUint64Array = Uint32Array | BigUint64Array> {
  /**
   * Decode into this array (`Uint32Array` for uint32, `BigUint64Array` for uint64) instead of a
   * new one, e.g. to reuse buffers across chunks. Without `outShape` it must have exactly the
   * decoded size (x*y*z*channels elements, of `sourceBox` when given); with `outShape`, exactly
   * the elements of `outShape`. On error its contents are unspecified.
   */
  out?: A
  /**
   * Decode into a region of a larger array: the shape `[X, Y, Z]` or `[X, Y, Z, C]` of `out`
   * (Fortran order, x fastest; C defaults to 1). The decoded voxels (of `sourceBox` when given)
   * land at `outOffset`; the rest of `out` is left as it is. Needs `out`.
   */
  outShape?: VolumeShape
  /**
   * Where voxel (0, 0, 0) of the decoded box (channel 0 of `sourceBox`) lands in `out`:
   * `[ox, oy, oz]` or `[ox, oy, oz, oc]` (default all 0). Needs `outShape`; the decoded box must
   * fit inside it.
   */
  outOffset?: readonly [number, number, number] | readonly [number, number, number, number]
  /**
   * Decode only this box of the encoded volume, `[[x0, x1], [y0, y1], [z0, z1]]` with an optional
   * `[c0, c1]` for channels (ends exclusive, 0 <= start < end <= size). Only the blocks it touches
   * are decoded (and validated: other blocks' headers are not read). Default: the whole volume.
   */
  sourceBox?: ReadonlyArray<readonly [number, number]>
}

export interface RemapOptions {
  /** Keep labels that are not in the mapping (default: fail with a `missing-label` CodecError). */
  preserveMissing?: boolean
}

// Error codes returned by codec.wasm (assembly/common.ts).
const E_OOM = -1
const E_ARGS = -2
const E_TABLE_OFFSET_OVERFLOW = -3
const E_VALUES_OFFSET_OVERFLOW = -4
const E_TRUNCATED = -5
const E_CHANNEL_OFFSET = -6
const E_CHANNEL_TOO_SHORT = -7
const E_BITS = -8
const E_VALUES_RANGE = -9
const E_TABLE_RANGE = -10
const E_INDEX = -11
const E_REMAP_MISSING = -12

const FLAG_WIDE_VALUES_OFFSET = 1
const FLAG_PRESERVE_MISSING = 1
const MAX_WASM_BYTES = 2 ** 32
const align16 = (n: number): number => Math.ceil(n / 16) * 16

/**
 * Encode and decode stream through WebAssembly memory in regions of whole blocks (a run of block
 * z-rows, or part of one z-row) of about REGION_BYTES of voxels, so the voxels stay in cache
 * between the copy and the codec, and memory use stays small.
 */
const REGION_BYTES = 256 * 1024

type RegionCallback = (c: number, k0: number, k1: number, j0: number, j1: number) => void

function regionShape(g: Geometry, size: number): { kStep: number; jStep: number } {
  const zRowBytes = Math.min(g.bz, g.sz) * g.sy * g.sx * size
  if (zRowBytes <= REGION_BYTES) return { kStep: Math.max(1, Math.floor(REGION_BYTES / Math.max(1, zRowBytes))), jStep: g.gy }
  const jRowBytes = Math.min(g.bz, g.sz) * Math.min(g.by, g.sy) * g.sx * size
  return { kStep: 1, jStep: Math.max(1, Math.floor(REGION_BYTES / jRowBytes)) }
}

/** Bytes of the largest region forEachRegion visits. */
function maxRegionBytes(g: Geometry, size: number): number {
  const { kStep, jStep } = regionShape(g, size)
  return Math.min(kStep * g.bz, g.sz) * Math.min(jStep * g.by, g.sy) * g.sx * size
}

interface RegionRanges {
  c0: number
  c1: number
  k0: number
  k1: number
  j0: number
  j1: number
}

function forEachRegion(g: Geometry, size: number, callback: RegionCallback, r?: RegionRanges): void {
  if (g.grid === 0) return
  const { kStep, jStep } = regionShape(g, size)
  const { c0, c1, k0, k1, j0, j1 } = r ?? { c0: 0, c1: g.nc, k0: 0, k1: g.gz, j0: 0, j1: g.gy }
  for (let c = c0; c < c1; c++) {
    for (let k = k0; k < k1; k += kStep) {
      for (let j = j0; j < j1; j += jStep) callback(c, k, Math.min(k + kStep, k1), j, Math.min(j + jStep, j1))
    }
  }
}

/** Channel-level checks for a volume without blocks (the wasm decoder does them otherwise). */
function checkChannelOffsets(bytes: Uint8Array, n: number, g: Geometry): void {
  const info = { channel: -1, block: -1, word: 0, expected: g.nc, found: n }
  if (n < g.nc) throw streamError(E_TRUNCATED, info, g, 'decode')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let c = 0; c < g.nc; c++) {
    const co = view.getUint32(c * 4, true)
    if (co > n) throw streamError(E_CHANNEL_OFFSET, { channel: c, block: -1, word: c, expected: n, found: co }, g, 'decode')
  }
}

interface ErrorInfo {
  channel: number
  block: number
  word: number
  expected: number
  found: number
}

function streamError(code: number, info: ErrorInfo, g: Geometry, op: string): CodecError {
  const channel = info.channel >= 0 ? info.channel : undefined
  const block = info.block >= 0 ? blockPosition(g, info.block) : undefined
  const offset = info.word >= 0 ? info.word * 4 : undefined
  const details = { channel, block, offset, expected: info.expected, found: info.found }
  const blockText = block ? `block (${block.join(', ')}) of channel ${channel ?? 0}` : `channel ${channel ?? 0}`
  const at = offset === undefined ? '' : ` (header word at byte offset ${offset})`
  const prefix = `compressed_segmentation ${op}`
  switch (code) {
    case E_OOM:
      return new CodecError('out-of-memory', `${prefix}: needs ${info.expected} bytes of WebAssembly memory, more than it can grow to (wasm32 holds at most 4 GiB); use smaller chunks`, { expected: info.expected })
    case E_ARGS:
      return new CodecError('invalid-argument', `${prefix}: invalid block size`, details)
    case E_TABLE_OFFSET_OVERFLOW:
      return new CodecError('table-offset-overflow', `${prefix}: the lookup table of ${blockText} would start at word ${info.found} of its channel, but lookupTableOffset has 24 bits (must be below ${info.expected}); use smaller chunks or smaller blocks`, details)
    case E_VALUES_OFFSET_OVERFLOW:
      return new CodecError('values-offset-overflow', `${prefix}: the encoded values of ${blockText} would start at word ${info.found} of the file; neuroglancer's and tensorstore's readers take 24-bit offsets (below ${info.expected}); use smaller chunks or smaller blocks, or pass { allowWideValuesOffset: true } for readers that take 32-bit offsets`, details)
    case E_TRUNCATED:
      return new CodecError('truncated', `${prefix}: the buffer has ${info.found} words, fewer than its ${info.expected} channel offsets`, { offset: 0, expected: info.expected, found: info.found })
    case E_CHANNEL_OFFSET:
      return new CodecError('invalid-channel-offset', `${prefix}: the offset of channel ${channel} (byte offset ${offset}) is ${info.found}, past the end of the buffer (${info.expected} words)`, details)
    case E_CHANNEL_TOO_SHORT:
      return new CodecError('channel-too-short', `${prefix}: channel ${channel} has ${info.found} words up to the end of the buffer, fewer than the ${info.expected} words of its ${g.grid} block headers (check shape and blockSize)`, details)
    case E_BITS:
      return new CodecError('invalid-encoded-bits', `${prefix}: ${blockText}${at} has encodedBits ${info.found}; expected 0, 1, 2, 4, 8, 16 or 32`, { ...details, expected: '0, 1, 2, 4, 8, 16 or 32' })
    case E_VALUES_RANGE:
      return new CodecError('values-out-of-range', `${prefix}: the encoded values of ${blockText}${at} end at word ${info.found} of the channel, past its end (${info.expected} words)`, details)
    case E_TABLE_RANGE:
      return new CodecError('table-out-of-range', `${prefix}: ${blockText}${at} has lookupTableOffset ${info.found}, but its first entry must start at word ${info.expected} of the channel or earlier`, details)
    case E_INDEX:
      return new CodecError('index-out-of-range', `${prefix}: ${blockText}${at} reads table entry ${info.found}, but only ${info.expected} entries fit before the end of the buffer`, details)
    case E_REMAP_MISSING: {
      const label = (BigInt(info.expected) << 32n) | BigInt(info.found)
      return new CodecError('missing-label', `${prefix}: label ${label} (${blockText}, table entry at byte offset ${offset}) is not in the mapping; pass { preserveMissing: true } to keep unmapped labels`, { ...details, expected: 'a key of the mapping', found: label })
    }
    default:
      return new CodecError('invalid-argument', `${prefix}: unexpected codec status ${code}`)
  }
}

function wasmError(ex: CodecExports, code: number, g: Geometry, op: string): CodecError {
  return streamError(code, { channel: ex.errorInfo(0), block: ex.errorInfo(1), word: ex.errorInfo(2), expected: ex.errorInfo(3), found: ex.errorInfo(4) }, g, op)
}

function outOfMemory(op: string, bytes: number): CodecError {
  return new CodecError('out-of-memory', `compressed_segmentation ${op}: needs more than ${bytes} bytes of WebAssembly memory (wasm32 holds at most 4 GiB); use smaller chunks`, { expected: bytes })
}

function checkDataType(dataType: unknown): asserts dataType is SegmentationDataType {
  if (dataType !== 'uint32' && dataType !== 'uint64') {
    throw new CodecError('invalid-argument', `compressed_segmentation dataType must be 'uint32' or 'uint64', got ${String(dataType)}`, { expected: "'uint32' | 'uint64'", found: String(dataType) })
  }
}

/** Copies `bytes` to the start of the codec heap; returns the pointer. */
function writeInput(ex: CodecExports, bytes: Uint8Array, reserveBytes: number, op: string): number {
  return writeInputs(ex, [bytes], [0], reserveBytes, op)
}

/** Copies each of `inputs` to the codec heap at `offsets` from its start; returns the start. */
function writeInputs(ex: CodecExports, inputs: readonly Uint8Array[], offsets: readonly number[], reserveBytes: number, op: string): number {
  const base = ex.heapBase() >>> 0
  if (base + reserveBytes > MAX_WASM_BYTES || ex.ensure(reserveBytes) !== 1) throw outOfMemory(op, base + reserveBytes)
  // ensure() may have grown memory: take the view afterwards.
  const heap = new Uint8Array(ex.memory.buffer)
  inputs.forEach((bytes, i) => heap.set(bytes, base + offsets[i]!))
  return base
}

function encodedWords(encoded: Uint8Array, op: string): number {
  if (encoded.byteLength % 4 !== 0) {
    throw new CodecError('invalid-length', `compressed_segmentation ${op}: the encoded length ${encoded.byteLength} is not a multiple of 4 bytes`, { expected: 'a multiple of 4', found: encoded.byteLength })
  }
  if (encoded.byteLength >= MAX_WASM_BYTES) throw outOfMemory(op, encoded.byteLength)
  return encoded.byteLength / 4
}

/**
 * Encodes a Fortran-order (x fastest, then y, z, channel) label volume. The output is
 * byte-identical to neuroglancer's, seung-lab/compressedseg's and tensorstore's encoders.
 * `Uint32Array` input encodes uint32, `BigUint64Array` uint64.
 */
export function encodeCompressedSegmentation(
  data: Uint32Array | BigUint64Array,
  shape: VolumeShape,
  blockSize: BlockSize,
  options: EncodeOptions = {},
): Uint8Array {
  const ex = getCodec()
  const g = geometry(shape, blockSize)
  const tag = typedArrayTag(data)
  if (tag !== 'Uint32Array' && tag !== 'BigUint64Array') {
    throw new CodecError('invalid-argument', `compressed_segmentation encode: data must be a Uint32Array (uint32) or BigUint64Array (uint64), got ${tag}`, { expected: 'Uint32Array | BigUint64Array', found: tag })
  }
  if (data.length !== g.total) {
    throw new CodecError('invalid-length', `compressed_segmentation encode: shape ${shape.join('x')} needs ${g.total} elements, data has ${data.length}`, { expected: g.total, found: data.length })
  }
  const size = tag === 'BigUint64Array' ? 8 : 4
  const src = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const slabBytes = maxRegionBytes(g, size)
  const flags = options.allowWideValuesOffset ? FLAG_WIDE_VALUES_OFFSET : 0
  if (ex.heapBase() + slabBytes + g.bvol * (size + 2) > MAX_WASM_BYTES) throw outOfMemory('encode', slabBytes)
  const begun = ex.encodeBegin(size, g.sx, g.sy, g.sz, g.nc, g.bx, g.by, g.bz, flags, slabBytes)
  if (begun < 0) throw wasmError(ex, begun, g, 'encode')
  const slab = ex.encodeSlabPtr() >>> 0
  const encodeRegion = size === 8 ? ex.encodeRegionU64 : ex.encodeRegionU32
  const plane = g.sx * g.sy
  forEachRegion(g, size, (c, k0, k1, j0, j1) => {
    // Copy the region's voxels to the slab ([z][y][x]); encodeRegion may grow memory, so take a
    // fresh view every time.
    const heap = new Uint8Array(ex.memory.buffer)
    const z0 = k0 * g.bz
    const z1 = Math.min(k1 * g.bz, g.sz)
    const y0 = j0 * g.by
    const y1 = Math.min(j1 * g.by, g.sy)
    const channel = c * g.nvox
    if (y0 === 0 && y1 === g.sy) {
      heap.set(src.subarray((channel + z0 * plane) * size, (channel + z1 * plane) * size), slab)
    } else {
      const rows = (y1 - y0) * g.sx * size
      for (let z = z0; z < z1; z++) {
        const from = (channel + z * plane + y0 * g.sx) * size
        heap.set(src.subarray(from, from + rows), slab + (z - z0) * rows)
      }
    }
    const status = encodeRegion(c, k0, k1, j0, j1)
    if (status < 0) throw wasmError(ex, status, g, 'encode')
  })
  const words = ex.encodeEnd()
  if (words < 0) throw wasmError(ex, words, g, 'encode')
  const out = ex.encodeOutPtr() >>> 0
  return new Uint8Array(ex.memory.buffer, out, words * 4).slice()
}

/**
 * Decodes a compressed_segmentation buffer into a Fortran-order array of `x*y*z*channels`
 * elements. The input is validated completely: a corrupt buffer throws a CodecError.
 *
 * With `{ out, outShape, outOffset }` it decodes straight into a region of a larger array (the
 * rows go from a small WebAssembly slab into `out`, no chunk-sized intermediate array), and with
 * `sourceBox` only a sub-box of the volume (only its blocks are decoded and validated).
 */
export function decodeCompressedSegmentation(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint32', options?: DecodeOptions<Uint32Array>): Uint32Array
export function decodeCompressedSegmentation(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint64', options?: DecodeOptions<BigUint64Array>): BigUint64Array
export function decodeCompressedSegmentation(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: SegmentationDataType, options?: DecodeOptions): Uint32Array | BigUint64Array
export function decodeCompressedSegmentation(
  encoded: Uint8Array,
  shape: VolumeShape,
  blockSize: BlockSize,
  dataType: SegmentationDataType,
  options: DecodeOptions = {},
): Uint32Array | BigUint64Array {
  const ex = getCodec()
  const g = geometry(shape, blockSize)
  checkDataType(dataType)
  const bytes = bytesOf(encoded, 'encoded')
  const nWords = encodedWords(bytes, 'decode')
  const size = dataType === 'uint64' ? 8 : 4
  const plan = decodePlan(g, shape, dataType, size, options)
  let result: Uint32Array | BigUint64Array
  if (options.out !== undefined) {
    result = options.out
  } else {
    try {
      result = size === 8 ? new BigUint64Array(plan.outTotal) : new Uint32Array(plan.outTotal)
    } catch (error) {
      throw new CodecError('out-of-memory', `compressed_segmentation decode: cannot allocate ${plan.outTotal} ${dataType} elements for the output`, { expected: plan.outTotal * size, cause: error })
    }
  }
  if (g.grid === 0) {
    checkChannelOffsets(bytes, nWords, g)
    return result
  }
  decodeRow(ex, [{ bytes, nWords, g, plan }], size, new Uint8Array(result.buffer, result.byteOffset, result.byteLength))
  return result
}

/** One encoded chunk of a row: its bytes, geometry and where it lands (validated). */
interface RowItem {
  bytes: Uint8Array
  nWords: number
  g: Geometry
  plan: DecodePlan
}

/**
 * Decodes chunks that sit side by side in x in `dst` (same y, z and channel ranges and places,
 * each next one starting where the previous one ends in x, all but the first decoded from x = 0
 * and all but the last to their end in x) through one WebAssembly slab as wide as all of them:
 * each slab z-plane then lands in `dst` as one run per row, or as one run when the row covers
 * the whole width of `dst` — far fewer copies than chunk by chunk.
 */
function decodeRow(ex: CodecExports, items: readonly RowItem[], size: number, dst: Uint8Array): void {
  const first = items[0]!
  const { g, plan } = first
  // x of each chunk's decoded voxel 0 in the slab (chunks are decoded over their whole width).
  const slabX: number[] = []
  let width = 0
  for (const item of items) {
    slabX.push(width)
    width += item.g.sx
  }
  const gSlab = { ...g, sx: width }
  const slabBytes = maxRegionBytes(gSlab, size)
  const inPtrs: number[] = []
  let inTotal = 0
  for (const item of items) {
    inPtrs.push(inTotal)
    inTotal += align16(item.bytes.byteLength)
  }
  const base = writeInputs(ex, items.map((i) => i.bytes), inPtrs, inTotal + slabBytes, 'decode')
  const outPtr = base + inTotal
  const decodeRegion = size === 8 ? ex.decodeRegionU64 : ex.decodeRegionU32
  const { OX, OY, OZ } = plan
  const [[sx0], [cy0, cy1], [cz0, cz1], [cc0, cc1]] = plan.box
  // Slab columns copied: from the first chunk's x0 to the last chunk's x1.
  const sx1 = slabX[items.length - 1]! + items[items.length - 1]!.plan.box[0][1]
  const outPlane = OX * OY
  const outVolume = outPlane * OZ
  const rowBytes = (sx1 - sx0) * size
  const srcRow = width * size
  // Whole slab rows are also whole rows of dst: a z-plane of the region is one run.
  const planeRuns = sx0 === 0 && sx1 === width && OX === width
  const ranges = {
    c0: cc0,
    c1: cc1,
    k0: Math.floor(cz0 / g.bz),
    k1: Math.ceil(cz1 / g.bz),
    j0: Math.floor(cy0 / g.by),
    j1: Math.ceil(cy1 / g.by),
  }
  forEachRegion(gSlab, size, (c, k0, k1, j0, j1) => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!
      const ig = item.g
      const status = decodeRegion(base + inPtrs[i]!, item.nWords, ig.sx, ig.sy, ig.sz, ig.nc, ig.bx, ig.by, ig.bz, c, k0, k1, j0, j1, outPtr + slabX[i]! * size, width)
      if (status < 0) throw Object.assign(wasmError(ex, status, ig, 'decode'), { [ROW_ITEM]: i })
    }
    const heap = new Uint8Array(ex.memory.buffer)
    // The slab holds [z][y][x] for z in [z0, z1), y in [y0, y1), x over all the row's chunks.
    const z0 = k0 * g.bz
    const y0 = j0 * g.by
    const y1 = Math.min(j1 * g.by, g.sy)
    const ny = y1 - y0
    const za = Math.max(z0, cz0)
    const zb = Math.min(k1 * g.bz, g.sz, cz1)
    const ya = Math.max(y0, cy0)
    const yb = Math.min(y1, cy1)
    const outChannel = (plan.oc + c - cc0) * outVolume
    if (planeRuns) {
      if (ya === 0 && yb === g.sy && OY === g.sy) {
        // The slab's z-planes are consecutive planes of out: one copy.
        const from = outPtr + ((za - z0) * ny + (ya - y0)) * srcRow
        dst.set(heap.subarray(from, from + (zb - za) * ny * srcRow), (outChannel + (plan.oz + za - cz0) * outPlane + (plan.oy + ya - cy0) * OX) * size)
        return
      }
      const run = (yb - ya) * srcRow
      for (let z = za; z < zb; z++) {
        const from = outPtr + ((z - z0) * ny + (ya - y0)) * srcRow
        dst.set(heap.subarray(from, from + run), (outChannel + (plan.oz + z - cz0) * outPlane + (plan.oy + ya - cy0) * OX) * size)
      }
      return
    }
    // Row by row: views of the slab's rows are cached (the slab sits at the same place in the
    // same memory from call to call), so each row is one TypedArray.prototype.set (a memmove).
    const views = rowViews(heap.buffer, outPtr + sx0 * size, srcRow, rowBytes, (zb - z0) * ny)
    const dRow = OX * size
    for (let z = za; z < zb; z++) {
      let r = (z - z0) * ny + (ya - y0)
      let d = (outChannel + (plan.oz + z - cz0) * outPlane + (plan.oy + ya - cy0) * OX + plan.ox) * size
      for (let y = ya; y < yb; y++, r++, d += dRow) dst.set(views[r]!, d)
    }
  }, ranges)
}

/** Encoded bytes decoded as one row at most (more chunks start another row). */
const MAX_ROW_INPUT_BYTES = 16 * 1024 * 1024

/** On an error from decodeRow: the index of the item whose stream is bad. */
const ROW_ITEM = Symbol('row item')

/** A chunk for `decodeCompressedSegmentationChunks`. */
export interface ChunkToDecode {
  encoded: Uint8Array
  /** Shape of the encoded chunk, `[x, y, z]` or `[x, y, z, channels]`. */
  shape: VolumeShape
  /** Part of the chunk to decode (as in `DecodeOptions.sourceBox`); default the whole chunk. */
  sourceBox?: DecodeOptions['sourceBox']
  /** Where the part lands in `out` (as in `DecodeOptions.outOffset`). */
  outOffset: NonNullable<DecodeOptions['outOffset']>
}

/** Thrown for a bad chunk of `decodeCompressedSegmentationChunks`: `chunkIndex` says which. */
export type ChunkDecodeError = CodecError & { chunkIndex: number }

/**
 * Decodes several compressed_segmentation chunks into one array (`out`, shape `outShape`), each at
 * its `outOffset` — the read path of a cutout. Chunks that sit side by side in x (same y, z and
 * channel extents and places) decode together through one WebAssembly slab, so rows reach `out`
 * as long runs instead of one short copy per chunk row (the same result as decoding them one by
 * one with `decodeCompressedSegmentation`, with fewer, longer copies). Every chunk is validated as
 * there; a bad one throws a CodecError with `chunkIndex`, and `out` is then partly written.
 */
export function decodeCompressedSegmentationChunks(
  chunks: readonly ChunkToDecode[],
  blockSize: BlockSize,
  dataType: SegmentationDataType,
  options: { out: Uint32Array | BigUint64Array; outShape: VolumeShape },
): void {
  const ex = getCodec()
  checkDataType(dataType)
  const size = dataType === 'uint64' ? 8 : 4
  const { out, outShape } = options
  const items: RowItem[] = chunks.map((chunk, i) => {
    try {
      const g = geometry(chunk.shape, blockSize)
      const bytes = bytesOf(chunk.encoded, 'encoded')
      const nWords = encodedWords(bytes, 'decode')
      const plan = decodePlan(g, chunk.shape, dataType, size, { out, outShape, outOffset: chunk.outOffset, sourceBox: chunk.sourceBox })
      if (g.grid === 0) checkChannelOffsets(bytes, nWords, g)
      return { bytes, nWords, g, plan }
    } catch (error) {
      throw withChunkIndex(error, i)
    }
  })
  const dst = new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  const rows = new Map<string, number[]>()
  items.forEach((item, i) => {
    if (item.g.grid === 0) return
    const { g, plan } = item
    const key = [g.sy, g.sz, g.nc, g.bx, g.by, g.bz, plan.box[1], plan.box[2], plan.box[3], plan.oy, plan.oz, plan.oc].join()
    const list = rows.get(key)
    if (list) list.push(i)
    else rows.set(key, [i])
  })
  for (const indexes of rows.values()) {
    indexes.sort((a, b) => items[a]!.plan.ox - items[b]!.plan.ox)
    // Split into runs of chunks that continue each other in x.
    let run: number[] = []
    let runBytes = 0
    const flush = (): void => {
      runBytes = 0
      if (run.length === 0) return
      try {
        decodeRow(ex, run.map((i) => items[i]!), size, dst)
      } catch (error) {
        const at = (error as { [ROW_ITEM]?: number })[ROW_ITEM]
        throw withChunkIndex(error, at === undefined ? run[0]! : run[at]!)
      }
      run = []
    }
    for (const i of indexes) {
      const prev = run.length > 0 ? items[run[run.length - 1]!]! : undefined
      const item = items[i]!
      const continues =
        prev !== undefined &&
        prev.plan.box[0][1] === prev.g.sx &&
        item.plan.box[0][0] === 0 &&
        item.plan.ox === prev.plan.ox + (prev.plan.box[0][1] - prev.plan.box[0][0])
      // A row's inputs all sit in WebAssembly memory at once (which never shrinks): cap them.
      if (!continues || runBytes + item.bytes.byteLength > MAX_ROW_INPUT_BYTES) flush()
      run.push(i)
      runBytes += item.bytes.byteLength
    }
    flush()
  }
}

function withChunkIndex(error: unknown, chunkIndex: number): unknown {
  if (error instanceof CodecError) {
    const e = error as ChunkDecodeError
    e.message = `chunk ${chunkIndex}: ${e.message}`
    e.chunkIndex = chunkIndex
    return e
  }
  return error
}

interface DecodePlan {
  /** Decoded box of the encoded volume: x, y, z, channel ranges (ends exclusive). */
  box: [[number, number], [number, number], [number, number], [number, number]]
  OX: number
  OY: number
  OZ: number
  ox: number
  oy: number
  oz: number
  oc: number
  /** Elements of the output array. */
  outTotal: number
}

const AXES = ['x', 'y', 'z', 'c'] as const

function isIndex(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min
}

/** Validates `out`, `outShape`, `outOffset` and `sourceBox` against each other and the volume. */
function decodePlan(g: Geometry, shape: VolumeShape, dataType: SegmentationDataType, size: number, options: DecodeOptions): DecodePlan {
  const bad = (field: string, message: string, expected: string, found: unknown): CodecError =>
    new CodecError('invalid-argument', `compressed_segmentation decode: ${field} ${message}`, { expected, found: typeof found === 'number' ? found : JSON.stringify(found) })
  const dims = [g.sx, g.sy, g.sz, g.nc]
  const box: DecodePlan['box'] = [[0, g.sx], [0, g.sy], [0, g.sz], [0, g.nc]]
  const { sourceBox, outShape, outOffset, out } = options
  if (sourceBox !== undefined) {
    if (!Array.isArray(sourceBox) || (sourceBox.length !== 3 && sourceBox.length !== 4)) {
      throw bad('sourceBox', `must be [[x0, x1], [y0, y1], [z0, z1]] or with [c0, c1], got ${JSON.stringify(sourceBox)}`, '3 or 4 [start, end] pairs', sourceBox)
    }
    for (let d = 0; d < sourceBox.length; d++) {
      const r: unknown = sourceBox[d]
      const limit = dims[d]!
      if (!Array.isArray(r) || r.length !== 2 || !isIndex(r[0], 0) || !isIndex(r[1], 0) || r[0] >= r[1] || r[1] > limit) {
        throw bad(`sourceBox[${d}] (${AXES[d]})`, `must be [start, end] with 0 <= start < end <= ${limit} (shape ${shape.join('x')}), got ${JSON.stringify(r)}`, `0 <= start < end <= ${limit}`, r)
      }
      box[d] = [r[0], r[1]]
    }
  }
  const extent = box.map(([a, b]) => b - a)
  const want = size === 8 ? 'BigUint64Array' : 'Uint32Array'
  if (out !== undefined) {
    const tag = typedArrayTag(out)
    if (tag !== want) {
      throw new CodecError('invalid-argument', `compressed_segmentation decode: out must be a ${want} for ${dataType}, got ${tag}`, { expected: want, found: tag })
    }
  }
  if (outShape === undefined) {
    if (outOffset !== undefined) throw bad('outOffset', 'needs outShape (the shape of out)', 'outShape', outOffset)
    const outTotal = extent[0]! * extent[1]! * extent[2]! * extent[3]!
    if (out !== undefined && out.length !== outTotal) {
      const what = sourceBox === undefined ? `shape ${shape.join('x')}` : `sourceBox ${extent.join('x')}`
      throw new CodecError('invalid-length', `compressed_segmentation decode: out has ${out.length} elements, ${what} needs ${outTotal}`, { expected: outTotal, found: out.length })
    }
    return { box, OX: extent[0]!, OY: extent[1]!, OZ: extent[2]!, ox: 0, oy: 0, oz: 0, oc: 0, outTotal }
  }
  if (out === undefined) throw bad('outShape', 'needs out (the array to decode into)', 'out', outShape)
  if (!Array.isArray(outShape) || (outShape.length !== 3 && outShape.length !== 4) || !outShape.every((v) => isIndex(v, 1))) {
    throw bad('outShape', `must be [X, Y, Z] or [X, Y, Z, C] of positive integers, got ${JSON.stringify(outShape)}`, '[X, Y, Z(, C)] positive integers', outShape)
  }
  const os = [outShape[0], outShape[1], outShape[2], outShape.length === 4 ? outShape[3] : 1] as number[]
  const outTotal = os[0]! * os[1]! * os[2]! * os[3]!
  if (out.length !== outTotal) {
    throw new CodecError('invalid-length', `compressed_segmentation decode: out has ${out.length} elements, outShape ${outShape.join('x')} needs ${outTotal}`, { expected: outTotal, found: out.length })
  }
  const off = [0, 0, 0, 0]
  if (outOffset !== undefined) {
    if (!Array.isArray(outOffset) || (outOffset.length !== 3 && outOffset.length !== 4) || !outOffset.every((v) => isIndex(v, 0))) {
      throw bad('outOffset', `must be [ox, oy, oz] or [ox, oy, oz, oc] of non-negative integers, got ${JSON.stringify(outOffset)}`, '[ox, oy, oz(, oc)] non-negative integers', outOffset)
    }
    for (let d = 0; d < outOffset.length; d++) off[d] = outOffset[d]!
  }
  for (let d = 0; d < 4; d++) {
    if (off[d]! + extent[d]! > os[d]!) {
      throw bad(
        `outOffset[${d}] (${AXES[d]})`,
        `${off[d]} + the decoded ${AXES[d]} extent ${extent[d]} is ${off[d]! + extent[d]!}, past outShape[${d}] = ${os[d]}: the decoded box must fit inside out`,
        `<= ${os[d]! - extent[d]!}`,
        off[d],
      )
    }
  }
  return { box, OX: os[0]!, OY: os[1]!, OZ: os[2]!, ox: off[0]!, oy: off[1]!, oz: off[2]!, oc: off[3]!, outTotal }
}

let viewCache: { buffer: ArrayBufferLike; start: number; stride: number; length: number; views: Uint8Array[] } | undefined

/** Views of `count` rows of `length` bytes, `stride` apart from `start` in `buffer` (cached). */
function rowViews(buffer: ArrayBufferLike, start: number, stride: number, length: number, count: number): Uint8Array[] {
  let c = viewCache
  if (!c || c.buffer !== buffer || c.start !== start || c.stride !== stride || c.length !== length) {
    c = viewCache = { buffer, start, stride, length, views: [] }
  }
  for (let r = c.views.length; r < count; r++) c.views.push(new Uint8Array(buffer, start + r * stride, length))
  return c.views
}

/**
 * The distinct labels of a compressed_segmentation buffer (all channels), sorted ascending,
 * without decoding it: only the table entries that in-volume voxels reference are read.
 */
export function compressedSegmentationLabels(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint32'): Uint32Array
export function compressedSegmentationLabels(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint64'): BigUint64Array
export function compressedSegmentationLabels(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: SegmentationDataType): Uint32Array | BigUint64Array
export function compressedSegmentationLabels(
  encoded: Uint8Array,
  shape: VolumeShape,
  blockSize: BlockSize,
  dataType: SegmentationDataType,
): Uint32Array | BigUint64Array {
  const ex = getCodec()
  const g = geometry(shape, blockSize)
  checkDataType(dataType)
  const bytes = bytesOf(encoded, 'encoded')
  const nWords = encodedWords(bytes, 'labels')
  const inPtr = writeInput(ex, bytes, bytes.byteLength, 'labels')
  const freePtr = inPtr + align16(bytes.byteLength)
  const fn = dataType === 'uint64' ? ex.labelsU64 : ex.labelsU32
  const count = fn(inPtr, nWords, g.sx, g.sy, g.sz, g.nc, g.bx, g.by, g.bz, freePtr)
  if (count < 0) throw wasmError(ex, count, g, 'labels')
  const out = ex.scanResult() >>> 0
  if (dataType === 'uint64') return new BigUint64Array(ex.memory.buffer.slice(out, out + count * 8))
  return new Uint32Array(ex.memory.buffer.slice(out, out + count * 4))
}

function toLabel(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= 0xffffffffffffffffn) return value
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value)
  }
  throw new CodecError('invalid-argument', `remap: ${what} ${String(value)} is not a uint64 label (a bigint or a safe integer from 0 to 2^64 - 1)`, { expected: 'uint64 label', found: String(value) })
}

/**
 * Rewrites the labels of a compressed_segmentation buffer through `mapping` by rewriting its
 * lookup tables only (the index bits stay), in a copy. Every referenced table entry is mapped
 * exactly once, even when tables are shared. The result is valid compressed_segmentation but not
 * the canonical encoding of the remapped volume (tables may become unsorted); decode and
 * re-encode when byte identity with an encoder matters. Missing labels throw unless
 * `preserveMissing` is set.
 */
export function remapCompressedSegmentation(
  encoded: Uint8Array,
  shape: VolumeShape,
  blockSize: BlockSize,
  dataType: SegmentationDataType,
  mapping: ReadonlyMap<bigint | number, bigint | number>,
  options: RemapOptions = {},
): Uint8Array {
  const ex = getCodec()
  const g = geometry(shape, blockSize)
  checkDataType(dataType)
  const bytes = bytesOf(encoded, 'encoded')
  const nWords = encodedWords(bytes, 'remap')
  if (!(mapping instanceof Map)) {
    throw new CodecError('invalid-argument', 'remap: mapping must be a Map from label to label', { expected: 'Map', found: typedArrayTag(mapping) })
  }
  const u64 = dataType === 'uint64'
  const byKey = new Map<bigint, bigint>()
  for (const [k, v] of mapping) {
    const key = toLabel(k, 'mapping key')
    const value = toLabel(v, 'mapping value')
    if (!u64 && key > 0xffffffffn) continue // can never match a uint32 label
    if (!u64 && value > 0xffffffffn) {
      throw new CodecError('invalid-argument', `remap: ${key} maps to ${value}, which does not fit uint32; tables cannot be widened in place, so decode and re-encode as uint64`, { expected: 'uint32 value', found: value })
    }
    const previous = byKey.get(key)
    if (previous !== undefined && previous !== value) {
      throw new CodecError('invalid-argument', `remap: label ${key} is mapped twice (to ${previous} and ${value})`, { found: key })
    }
    byKey.set(key, value)
  }
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const size = u64 ? 8 : 4
  const keysOffset = align16(bytes.byteLength)
  const valsOffset = keysOffset + align16(keys.length * size)
  const freeOffset = valsOffset + align16(keys.length * size)
  const inPtr = writeInput(ex, bytes, freeOffset, 'remap')
  if (u64) {
    const kv = new BigUint64Array(ex.memory.buffer, inPtr + keysOffset, keys.length)
    const vv = new BigUint64Array(ex.memory.buffer, inPtr + valsOffset, keys.length)
    keys.forEach((k, i) => {
      kv[i] = k
      vv[i] = byKey.get(k) as bigint
    })
  } else {
    const kv = new Uint32Array(ex.memory.buffer, inPtr + keysOffset, keys.length)
    const vv = new Uint32Array(ex.memory.buffer, inPtr + valsOffset, keys.length)
    keys.forEach((k, i) => {
      kv[i] = Number(k)
      vv[i] = Number(byKey.get(k) as bigint)
    })
  }
  const flags = options.preserveMissing ? FLAG_PRESERVE_MISSING : 0
  const fn = u64 ? ex.remapU64 : ex.remapU32
  const status = fn(inPtr, nWords, g.sx, g.sy, g.sz, g.nc, g.bx, g.by, g.bz, inPtr + freeOffset, inPtr + keysOffset, inPtr + valsOffset, keys.length, flags)
  if (status < 0) throw wasmError(ex, status, g, 'remap')
  const out = ex.scanResult() >>> 0
  return new Uint8Array(ex.memory.buffer, out, bytes.byteLength).slice()
}

/**
 * The value of one voxel, read straight from the encoded bytes in O(1) without decoding (and
 * without copying the buffer into WebAssembly). The block it reads is validated like the decoder
 * does; uint32 volumes give a number, uint64 a bigint.
 */
export function compressedSegmentationValueAt(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint32', position: readonly [number, number, number], channel?: number): number
export function compressedSegmentationValueAt(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: 'uint64', position: readonly [number, number, number], channel?: number): bigint
export function compressedSegmentationValueAt(encoded: Uint8Array, shape: VolumeShape, blockSize: BlockSize, dataType: SegmentationDataType, position: readonly [number, number, number], channel?: number): number | bigint
export function compressedSegmentationValueAt(
  encoded: Uint8Array,
  shape: VolumeShape,
  blockSize: BlockSize,
  dataType: SegmentationDataType,
  position: readonly [number, number, number],
  channel = 0,
): number | bigint {
  const g = geometry(shape, blockSize)
  checkDataType(dataType)
  const bytes = bytesOf(encoded, 'encoded')
  if (!Array.isArray(position) || position.length !== 3) {
    throw new CodecError('invalid-argument', `valueAt: position must be [x, y, z], got ${JSON.stringify(position)}`)
  }
  const limits = [g.sx, g.sy, g.sz]
  for (let d = 0; d < 3; d++) {
    const v = position[d]
    const limit = limits[d] as number
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= limit) {
      throw new CodecError('invalid-argument', `valueAt: position [${position.join(', ')}] is outside the volume ${g.sx}x${g.sy}x${g.sz}`, { expected: `0..${limit - 1}`, found: String(v) })
    }
  }
  if (!Number.isInteger(channel) || channel < 0 || channel >= g.nc) {
    throw new CodecError('invalid-argument', `valueAt: channel ${channel} is outside 0..${g.nc - 1}`, { expected: `0..${g.nc - 1}`, found: channel })
  }
  const n = encodedWords(bytes, 'valueAt')
  const [x, y, z] = position as [number, number, number]
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const word = (w: number): number => view.getUint32(w * 4, true)
  const fail = (code: number, info: Partial<ErrorInfo>): CodecError =>
    streamError(code, { channel, block: -1, word: -1, expected: 0, found: 0, ...info }, g, 'valueAt')
  if (n < g.nc) throw fail(E_TRUNCATED, { channel: -1, word: 0, expected: g.nc, found: n })
  const co = word(channel)
  if (co > n) throw fail(E_CHANNEL_OFFSET, { word: channel, expected: n, found: co })
  const m = n - co
  if (m < 2 * g.grid) throw fail(E_CHANNEL_TOO_SHORT, { word: channel, expected: 2 * g.grid, found: m })
  const i = Math.floor(x / g.bx)
  const j = Math.floor(y / g.by)
  const k = Math.floor(z / g.bz)
  const block = i + g.gx * (j + g.gy * k)
  const hw = co + 2 * block
  const h0 = word(hw)
  const bits = h0 >>> 24
  const table = h0 & 0xffffff
  const values = word(hw + 1)
  const w = dataType === 'uint64' ? 2 : 1
  if (bits > 32 || (bits & (bits - 1)) !== 0) throw fail(E_BITS, { block, word: hw, found: bits })
  if (table > m) throw fail(E_TABLE_RANGE, { block, word: hw, expected: m, found: table })
  if (values > m) throw fail(E_VALUES_RANGE, { block, word: hw + 1, expected: m, found: values })
  const entries = Math.floor((m - table) / w)
  let index = 0
  if (bits === 0) {
    if (entries < 1) throw fail(E_TABLE_RANGE, { block, word: hw, expected: m - w, found: table })
  } else {
    const words = Math.ceil((bits * g.bvol) / 32)
    if (values + words > m) throw fail(E_VALUES_RANGE, { block, word: hw + 1, expected: m, found: values + words })
    const bitPos = bits * ((x - i * g.bx) + g.bx * ((y - j * g.by) + g.by * (z - k * g.bz)))
    const shift = bitPos % 32
    const mask = 0xffffffff >>> (32 - bits)
    index = ((word(co + values + (bitPos - shift) / 32) >>> shift) & mask) >>> 0
    if (index >= entries) throw fail(E_INDEX, { block, word: hw, expected: entries, found: index })
  }
  const entry = (co + table + index * w) * 4
  return w === 2 ? view.getBigUint64(entry, true) : view.getUint32(entry, true)
}
