// @daf/codec-wasm: neuroglancer compressed_segmentation (uint32/uint64) and raw chunk codecs,
// compiled from AssemblyScript to one WebAssembly binary for Node and browsers.
export { type InitOptions, init, isInitialized, wasmMemoryBytes } from './wasm.js'
export {
  type BlockSize,
  type DecodeOptions,
  type EncodeOptions,
  type RemapOptions,
  type SegmentationDataType,
  type VolumeShape,
  compressedSegmentationLabels,
  compressedSegmentationValueAt,
  decodeCompressedSegmentation,
  decodeCompressedSegmentationChunks,
  type ChunkToDecode,
  type ChunkDecodeError,
  encodeCompressedSegmentation,
  remapCompressedSegmentation,
} from './compressed-segmentation.js'
export {
  CHUNK_ARRAY_TYPES,
  type ChunkArray,
  type ChunkArrayConstructor,
  type ChunkArrayTypes,
  type ChunkCodec,
  type ChunkCodecFactory,
  type ChunkCodecOptions,
  type ChunkDataType,
  chunkCodec,
  chunkEncodings,
  registerChunkCodec,
} from './chunk-codec.js'
export { CodecError, type CodecErrorCode, type CodecErrorDetails, isCodecError } from './errors.js'
