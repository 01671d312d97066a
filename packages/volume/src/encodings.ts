/**
 * Chunk encodings (volumes.md §2.3-§2.5, §3.3): `raw` and `compressed_segmentation` through
 * `@daf/codec-wasm`, `jpeg` through `jpeg-js`, `png` through `fast-png`. Decoders return the
 * chunk's little-endian bytes in Fortran order (x fastest, then y, z, channel), so the read path
 * copies rows straight into its output; raw chunks are not copied at all.
 */
import { chunkCodec, decodeCompressedSegmentation, decodeCompressedSegmentationChunks, isCodecError } from '@daf/codec-wasm'
import { decode as decodePng, encode as encodePng, convertIndexedToRgb } from 'fast-png'
import jpeg from 'jpeg-js'
import type { Vec3 } from './box.js'
import { type DataType, type VolumeArray, bytesOf, bytesPerElement } from './dtypes.js'
import { DecodeError, InvalidArgumentError, UnsupportedEncodingError } from './errors.js'

/** What a chunk codec needs to know about a scale. */
export interface ChunkFormat {
  /** The scale's `encoding`, lower-cased. */
  encoding: string
  dataType: DataType
  numChannels: number
  /** `compressed_segmentation_block_size`. */
  blockSize?: Vec3 | undefined
  /** `jpeg_quality` (default 85). */
  jpegQuality?: number | undefined
  /** `png_level` (default 9). */
  pngLevel?: number | undefined
}

/** Encodings CloudVolume or Neuroglancer know, for messages. */
const KNOWN_UNSUPPORTED = ['compresso', 'jxl', 'crackle', 'fpzip', 'kempressed', 'zfpc', 'npz', 'npz_uint8']

export const SUPPORTED_ENCODINGS = ['raw', 'compressed_segmentation', 'jpeg', 'png'] as const

/**
 * Throws `UnsupportedEncodingError` (naming the encoding) unless chunks of this format can be
 * decoded and encoded here.
 */
export function checkFormat(format: ChunkFormat): void {
  const { encoding, dataType, numChannels } = format
  const unsupported = (why: string): never => {
    throw new UnsupportedEncodingError(`encoding '${encoding}' ${why}`, encoding)
  }
  switch (encoding) {
    case 'raw':
      return
    case 'compressed_segmentation':
      if (dataType !== 'uint32' && dataType !== 'uint64') unsupported(`supports uint32 and uint64, not ${dataType}`)
      if (!format.blockSize) unsupported('needs compressed_segmentation_block_size')
      return
    case 'jpeg':
      if (dataType !== 'uint8') unsupported(`supports uint8, not ${dataType}`)
      if (numChannels !== 1 && numChannels !== 3) unsupported(`supports 1 or 3 channels, not ${numChannels}`)
      return
    case 'png':
      if (dataType !== 'uint8' && dataType !== 'uint16') unsupported(`supports uint8 and uint16, not ${dataType}`)
      if (numChannels < 1 || numChannels > 4) unsupported(`supports 1 to 4 channels, not ${numChannels}`)
      return
    default:
      unsupported(
        KNOWN_UNSUPPORTED.includes(encoding)
          ? `is not supported by @daf/volume (supported: ${SUPPORTED_ENCODINGS.join(', ')})`
          : `is unknown (supported: ${SUPPORTED_ENCODINGS.join(', ')})`,
      )
  }
}

/** `Content-Type` CV uploads chunks with (§2.5). */
export function contentTypeOf(encoding: string): string {
  switch (encoding) {
    case 'jpeg':
      return 'image/jpeg'
    case 'png':
      return 'image/png'
    case 'jxl':
      return 'image/jxl'
    case 'compresso':
    case 'compressed_segmentation':
    case 'fpzip':
    case 'kempressed':
    case 'zfpc':
    case 'crackle':
      return `image/x.${encoding}`
    default:
      return 'application/octet-stream'
  }
}

/** CV `should_compress` with `compress=None` (§3.3): gzip for raw, compressed_segmentation, compresso, crackle. */
export function defaultCompression(encoding: string): 'gzip' | false {
  return ['raw', 'compressed_segmentation', 'compresso', 'crackle'].includes(encoding) ? 'gzip' : false
}

function elements(shape: Vec3, channels: number): number {
  return shape[0] * shape[1] * shape[2] * channels
}

function wrapCodecError(error: unknown, what: string, file: string | undefined): never {
  if (isCodecError(error)) throw new DecodeError(`${what}${file ? ` (${file})` : ''}: ${(error as Error).message}`, file, { cause: error })
  throw error
}

/**
 * Decodes one chunk of clipped shape `shape` to its Fortran-order little-endian bytes. `raw`
 * returns `bytes` itself after the length check (no copy).
 */
export function decodeChunkBytes(format: ChunkFormat, bytes: Uint8Array, shape: Vec3, file?: string): Uint8Array {
  checkFormat(format)
  const n = elements(shape, format.numChannels)
  switch (format.encoding) {
    case 'raw': {
      const expected = n * bytesPerElement(format.dataType)
      if (bytes.byteLength !== expected) {
        throw new DecodeError(
          `raw chunk${file ? ` ${file}` : ''}: ${shape.join('x')}x${format.numChannels} ${format.dataType} needs ${expected} bytes, got ${bytes.byteLength}`,
          file,
        )
      }
      return bytes
    }
    case 'compressed_segmentation': {
      try {
        const codec = chunkCodec(format.encoding, {
          dataType: format.dataType,
          chunkShape: shape,
          numChannels: format.numChannels,
          blockSize: format.blockSize,
        })
        return bytesOf(codec.decode(bytes))
      } catch (error) {
        return wrapCodecError(error, 'compressed_segmentation chunk', file)
      }
    }
    case 'jpeg':
      return decodeJpegChunk(bytes, shape, format.numChannels, file)
    case 'png':
      return decodePngChunk(format, bytes, shape, file)
    default:
      throw new UnsupportedEncodingError(`encoding '${format.encoding}' is unknown`, format.encoding)
  }
}

const scratch = new Map<string, Uint32Array | BigUint64Array>()

function scratchFor(dataType: 'uint32' | 'uint64', length: number): Uint32Array | BigUint64Array {
  const key = `${dataType}:${length}`
  let a = scratch.get(key)
  if (!a) {
    if (scratch.size >= 4) scratch.clear()
    a = dataType === 'uint64' ? new BigUint64Array(length) : new Uint32Array(length)
    scratch.set(key, a)
  }
  return a
}

/**
 * Like `decodeChunkBytes`, but compressed_segmentation decodes into a reused buffer: the result
 * is valid only until the next call (the read path copies it into the cutout at once). Saves a
 * fresh allocation, and its page faults, per chunk.
 */
export function decodeChunkTransient(format: ChunkFormat, bytes: Uint8Array, shape: Vec3, file?: string): Uint8Array {
  if (format.encoding !== 'compressed_segmentation' || (format.dataType !== 'uint32' && format.dataType !== 'uint64') || !format.blockSize) {
    return decodeChunkBytes(format, bytes, shape, file)
  }
  const dataType = format.dataType
  const out = scratchFor(dataType, shape[0] * shape[1] * shape[2] * format.numChannels)
  try {
    decodeCompressedSegmentation(bytes, [shape[0], shape[1], shape[2], format.numChannels], format.blockSize, dataType, { out } as never)
  } catch (error) {
    return wrapCodecError(error, 'compressed_segmentation chunk', file)
  }
  return bytesOf(out)
}

/** One stored chunk for `decodeChunksInto`: its bytes, clipped shape, part and place in the output. */
export interface ChunkInto {
  bytes: Uint8Array
  shape: Vec3
  /** The part to decode, chunk-relative, with the channel range. */
  sourceBox: readonly (readonly [number, number])[]
  outOffset: readonly [number, number, number, number]
  file?: string
}

/** Whether `decodeChunksInto` decodes this format straight into the output. */
export function decodesInto(format: ChunkFormat): boolean {
  return format.encoding === 'compressed_segmentation' && (format.dataType === 'uint32' || format.dataType === 'uint64') && format.blockSize !== undefined
}

/**
 * Decodes chunks straight into `out` (shape `outShape`) where the encoding allows it (see
 * `decodesInto`; compressed_segmentation: chunks side by side in x decode as one row, with long
 * copies). A bad chunk throws a DecodeError naming its file.
 */
export function decodeChunksInto(format: ChunkFormat, chunks: readonly ChunkInto[], out: VolumeArray, outShape: readonly [number, number, number, number]): void {
  if (!decodesInto(format)) throw new InvalidArgumentError('format', format.encoding, 'compressed_segmentation (uint32 or uint64)')
  try {
    decodeCompressedSegmentationChunks(
      chunks.map((c) => ({ encoded: c.bytes, shape: [c.shape[0], c.shape[1], c.shape[2], format.numChannels], sourceBox: c.sourceBox, outOffset: c.outOffset })),
      format.blockSize!,
      format.dataType as 'uint32' | 'uint64',
      { out: out as Uint32Array | BigUint64Array, outShape },
    )
  } catch (error) {
    const index = (error as { chunkIndex?: number }).chunkIndex
    return wrapCodecError(error, 'compressed_segmentation chunk', index === undefined ? undefined : chunks[index]?.file)
  }
}

/** Encodes one chunk (a Fortran-order array of `shape` x channels). */
export function encodeChunk(format: ChunkFormat, array: VolumeArray, shape: Vec3): Uint8Array {
  checkFormat(format)
  const n = elements(shape, format.numChannels)
  if (array.length !== n) throw new InvalidArgumentError('chunk', array, `${n} elements (${shape.join('x')}x${format.numChannels})`)
  switch (format.encoding) {
    case 'raw': {
      const b = bytesOf(array)
      return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b as Uint8Array) : b.slice()
    }
    case 'compressed_segmentation': {
      const codec = chunkCodec(format.encoding, {
        dataType: format.dataType,
        chunkShape: shape,
        numChannels: format.numChannels,
        blockSize: format.blockSize,
      })
      return codec.encode(array as never)
    }
    case 'jpeg':
      return encodeJpegChunk(array as Uint8Array, shape, format.numChannels, format.jpegQuality ?? 85)
    case 'png':
      return encodePngChunk(format, array as Uint8Array | Uint16Array, shape)
    default:
      throw new UnsupportedEncodingError(`encoding '${format.encoding}' is unknown`, format.encoding)
  }
}

// ---------------------------------------------------------------------------------------------
// 2-D images (§2.4): width = sx, height = sy * sz; row r is (y = r mod sy, z = floor(r / sy)), so
// the image's row-major pixel order is the chunk's Fortran order. Channels are pixel-interleaved.

function decodeJpegChunk(bytes: Uint8Array, shape: Vec3, channels: number, file: string | undefined): Uint8Array {
  let image: { width: number; height: number; data: Uint8Array }
  try {
    image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 1024 })
  } catch (error) {
    throw new DecodeError(`jpeg chunk${file ? ` ${file}` : ''}: ${(error as Error).message}`, file, { cause: error })
  }
  const voxels = shape[0] * shape[1] * shape[2]
  if (image.width * image.height !== voxels) {
    throw new DecodeError(
      `jpeg chunk${file ? ` ${file}` : ''}: ${image.width}x${image.height} pixels, but the chunk ${shape.join('x')} has ${voxels} voxels`,
      file,
    )
  }
  // jpeg-js always returns RGB (grey images replicated); take R for one channel.
  const rgb = image.data
  const out = new Uint8Array(voxels * channels)
  for (let c = 0; c < channels; c++) {
    const base = c * voxels
    for (let i = 0, j = c; i < voxels; i++, j += 3) out[base + i] = rgb[j]!
  }
  return out
}

/** jpeg-js's encoder returns `Buffer.from(bytes)` under CommonJS; browsers have no Buffer. */
function withBufferShim<T>(fn: () => T): T {
  const g = globalThis as { Buffer?: unknown }
  if (g.Buffer !== undefined) return fn()
  g.Buffer = { from: (a: ArrayLike<number>) => Uint8Array.from(a) }
  try {
    return fn()
  } finally {
    delete g.Buffer
  }
}

function encodeJpegChunk(array: Uint8Array, shape: Vec3, channels: number, quality: number): Uint8Array {
  const voxels = shape[0] * shape[1] * shape[2]
  const rgba = new Uint8Array(voxels * 4)
  for (let i = 0; i < voxels; i++) {
    const j = i * 4
    const r = array[i]!
    rgba[j] = r
    rgba[j + 1] = channels === 3 ? array[voxels + i]! : r
    rgba[j + 2] = channels === 3 ? array[2 * voxels + i]! : r
    rgba[j + 3] = 255
  }
  const encoded = withBufferShim(() => jpeg.encode({ data: rgba, width: shape[0], height: shape[1] * shape[2] }, quality))
  const data = encoded.data as Uint8Array
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

function decodePngChunk(format: ChunkFormat, bytes: Uint8Array, shape: Vec3, file: string | undefined): Uint8Array {
  const where = `png chunk${file ? ` ${file}` : ''}`
  let png: ReturnType<typeof decodePng>
  try {
    png = decodePng(bytes)
  } catch (error) {
    throw new DecodeError(`${where}: ${(error as Error).message}`, file, { cause: error })
  }
  let data = png.data
  let channels = png.channels
  if (png.palette) {
    data = convertIndexedToRgb(png)
    channels = png.transparency ? 4 : 3
  }
  const voxels = shape[0] * shape[1] * shape[2]
  if (png.width * png.height !== voxels) {
    throw new DecodeError(`${where}: ${png.width}x${png.height} pixels, but the chunk ${shape.join('x')} has ${voxels} voxels`, file)
  }
  if (channels !== format.numChannels) {
    throw new DecodeError(`${where}: ${channels} channels, the layer has ${format.numChannels}`, file)
  }
  const wantDepth = format.dataType === 'uint16' ? 16 : 8
  if (png.depth !== wantDepth && !png.palette) {
    throw new DecodeError(`${where}: bit depth ${png.depth}, the layer's ${format.dataType} needs ${wantDepth}`, file)
  }
  const out = wantDepth === 16 ? new Uint16Array(voxels * channels) : new Uint8Array(voxels * channels)
  for (let c = 0; c < channels; c++) {
    const base = c * voxels
    for (let i = 0, j = c; i < voxels; i++, j += channels) out[base + i] = data[j]!
  }
  return bytesOf(out)
}

function encodePngChunk(format: ChunkFormat, array: Uint8Array | Uint16Array, shape: Vec3): Uint8Array {
  const channels = format.numChannels
  const voxels = shape[0] * shape[1] * shape[2]
  const depth = format.dataType === 'uint16' ? 16 : 8
  const data = depth === 16 ? new Uint16Array(voxels * channels) : new Uint8Array(voxels * channels)
  for (let c = 0; c < channels; c++) {
    const base = c * voxels
    for (let i = 0, j = c; i < voxels; i++, j += channels) data[j] = array[base + i]!
  }
  const level = Math.max(0, Math.min(9, format.pngLevel ?? 9)) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
  return encodePng({ width: shape[0], height: shape[1] * shape[2], data, depth, channels }, { zlib: { level } })
}
