// A small registry of chunk encodings for precomputed volumes (`@daf/volume` looks codecs up by
// the scale's `encoding`). `raw` and `compressed_segmentation` are built in.
import { decodeCompressedSegmentation, encodeCompressedSegmentation } from './compressed-segmentation.js'
import { CodecError } from './errors.js'
import { geometry, typedArrayTag } from './geometry.js'

/** Element types of precomputed volumes. */
export type ChunkDataType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64'

/** The typed array that holds each data type. */
export interface ChunkArrayTypes {
  uint8: Uint8Array
  int8: Int8Array
  uint16: Uint16Array
  int16: Int16Array
  uint32: Uint32Array
  int32: Int32Array
  uint64: BigUint64Array
  int64: BigInt64Array
  float32: Float32Array
  float64: Float64Array
}

export type ChunkArray = ChunkArrayTypes[ChunkDataType]

export interface ChunkCodecOptions<D extends ChunkDataType = ChunkDataType> {
  dataType: D
  /** The chunk's actual extent `[x, y, z]` (edge chunks are smaller). */
  chunkShape: readonly [number, number, number]
  /** Channels (default 1). Arrays are Fortran order: x fastest, then y, z, channel. */
  numChannels?: number
  /** compressed_segmentation block size (the scale's `compressed_segmentation_block_size`). */
  blockSize?: readonly [number, number, number]
}

export interface ChunkCodec<D extends ChunkDataType = ChunkDataType> {
  readonly encoding: string
  readonly dataType: D
  /** Elements per chunk: x * y * z * channels. */
  readonly length: number
  encode(array: ChunkArrayTypes[D]): Uint8Array
  decode(bytes: Uint8Array): ChunkArrayTypes[D]
}

/** Builds a codec for validated options (dataType known, chunkShape checked, numChannels set). */
export type ChunkCodecFactory = (options: Required<Omit<ChunkCodecOptions, 'blockSize'>> & Pick<ChunkCodecOptions, 'blockSize'>) => ChunkCodec

/** A typed-array constructor of one data type (length, or buffer + offset + length). */
export type ChunkArrayConstructor = {
  new (length: number): ChunkArray
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): ChunkArray
  readonly BYTES_PER_ELEMENT: number
  readonly name: string
}

/** The typed array of each data type: the one table the codec and `@daf/volume` share. */
export const CHUNK_ARRAY_TYPES: Readonly<Record<ChunkDataType, ChunkArrayConstructor>> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
} as unknown as Record<ChunkDataType, ChunkArrayConstructor>

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

function checkArray(array: unknown, ctor: ChunkArrayConstructor, length: number, what: string): asserts array is ChunkArray {
  const tag = typedArrayTag(array)
  if (tag !== ctor.name) {
    throw new CodecError('invalid-argument', `${what}: expected a ${ctor.name}, got ${tag}`, { expected: ctor.name, found: tag })
  }
  if ((array as ChunkArray).length !== length) {
    throw new CodecError('invalid-length', `${what}: the chunk holds ${length} elements, the array has ${(array as ChunkArray).length}`, { expected: length, found: (array as ChunkArray).length })
  }
}

function checkBytes(bytes: unknown, what: string): asserts bytes is Uint8Array {
  if (!ArrayBuffer.isView(bytes) || typedArrayTag(bytes) !== 'Uint8Array') {
    throw new CodecError('invalid-argument', `${what}: expected a Uint8Array, got ${typedArrayTag(bytes)}`, { expected: 'Uint8Array', found: typedArrayTag(bytes) })
  }
}

const rawCodec: ChunkCodecFactory = ({ dataType, chunkShape, numChannels }) => {
  if (!LITTLE_ENDIAN) throw new CodecError('unsupported', 'raw chunks are little-endian; this host is big-endian')
  const ctor = CHUNK_ARRAY_TYPES[dataType]
  const length = geometry([...chunkShape, numChannels], [1, 1, 1]).total
  const byteLength = length * ctor.BYTES_PER_ELEMENT
  return {
    encoding: 'raw',
    dataType,
    length,
    encode(array) {
      checkArray(array, ctor, length, `raw encode (${dataType})`)
      return new Uint8Array(array.buffer, array.byteOffset, array.byteLength).slice()
    },
    decode(bytes) {
      checkBytes(bytes, `raw decode (${dataType})`)
      if (bytes.byteLength !== byteLength) {
        throw new CodecError('invalid-length', `raw decode (${dataType}): chunk ${chunkShape.join('x')}x${numChannels} needs ${byteLength} bytes, got ${bytes.byteLength}`, { expected: byteLength, found: bytes.byteLength })
      }
      return new ctor(bytes.slice().buffer)
    },
  }
}

const compressedSegmentationCodec: ChunkCodecFactory = ({ dataType, chunkShape, numChannels, blockSize }) => {
  if (dataType !== 'uint32' && dataType !== 'uint64') {
    throw new CodecError('unsupported', `compressed_segmentation supports uint32 and uint64, not ${dataType}`, { expected: "'uint32' | 'uint64'", found: dataType })
  }
  if (blockSize === undefined) {
    throw new CodecError('invalid-argument', 'compressed_segmentation needs blockSize (the scale\'s compressed_segmentation_block_size)')
  }
  const shape = [chunkShape[0], chunkShape[1], chunkShape[2], numChannels] as const
  const length = geometry(shape, blockSize).total
  const ctor = CHUNK_ARRAY_TYPES[dataType]
  return {
    encoding: 'compressed_segmentation',
    dataType,
    length,
    encode(array) {
      checkArray(array, ctor, length, `compressed_segmentation encode (${dataType})`)
      return encodeCompressedSegmentation(array as Uint32Array | BigUint64Array, shape, blockSize)
    },
    decode(bytes) {
      checkBytes(bytes, `compressed_segmentation decode (${dataType})`)
      return decodeCompressedSegmentation(bytes, shape, blockSize, dataType)
    },
  }
}

const registry = new Map<string, ChunkCodecFactory>([
  ['raw', rawCodec],
  ['compressed_segmentation', compressedSegmentationCodec],
])

/** Adds (or replaces) the codec for an encoding name. */
export function registerChunkCodec(encoding: string, factory: ChunkCodecFactory): void {
  registry.set(encoding, factory)
}

/** The registered encoding names. */
export function chunkEncodings(): string[] {
  return [...registry.keys()]
}

/**
 * A codec for one chunk layout. `raw` is little-endian Fortran order (x fastest, then y, z,
 * channel) and supports every data type; `compressed_segmentation` supports uint32 and uint64
 * and needs `init()` to have resolved before `encode`/`decode` are called.
 */
export function chunkCodec<D extends ChunkDataType>(encoding: string, options: ChunkCodecOptions<D>): ChunkCodec<D> {
  const factory = registry.get(encoding)
  if (!factory) {
    throw new CodecError('unknown-encoding', `unknown chunk encoding '${encoding}' (supported: ${chunkEncodings().join(', ')})`, { expected: chunkEncodings().join(' | '), found: encoding })
  }
  const { dataType, chunkShape, numChannels = 1, blockSize } = options ?? ({} as ChunkCodecOptions<D>)
  if (!Object.prototype.hasOwnProperty.call(CHUNK_ARRAY_TYPES, dataType)) {
    throw new CodecError('invalid-argument', `unknown data type '${String(dataType)}' (supported: ${Object.keys(CHUNK_ARRAY_TYPES).join(', ')})`, { found: String(dataType) })
  }
  if (!Array.isArray(chunkShape) || chunkShape.length !== 3) {
    throw new CodecError('invalid-argument', `chunkShape must be [x, y, z], got ${JSON.stringify(chunkShape)}`)
  }
  geometry([chunkShape[0], chunkShape[1], chunkShape[2], numChannels], [1, 1, 1])
  return factory({ dataType, chunkShape, numChannels, blockSize }) as unknown as ChunkCodec<D>
}
