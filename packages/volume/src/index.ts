// --- storage (backends, cloudpaths, transport compression) ---
export type { ByteRange, Storage, StorageCallOptions, StorageSetOptions } from './storage/storage.js'
export { MemStorage, clearMemoryStore } from './storage/mem.js'
export { FileStorage, resolveFilePath, type FileStorageOptions } from '#file-storage'
export { storageFor, type StorageOptions } from './storage/factory.js'
export {
  HttpStorage,
  STORAGE_RETRY,
  storageHttpClient,
  type HttpStorageOptions,
} from './storage/http.js'
export { GcsStorage, GCS_ENDPOINT, bearerForOrigin, type GcsStorageOptions } from './storage/gcs.js'
export { S3Storage, S3_ENDPOINT, parseListObjectsV2, type S3StorageOptions } from './storage/s3.js'
export type { S3Credentials } from './storage/secrets-types.js'
export {
  FORMATS,
  OFFICIAL_ALIASES,
  PROTOCOLS,
  formatCloudPath,
  parseCloudPath,
  toHttpsPath,
  type CloudFormat,
  type CloudPath,
  type CloudProtocol,
  type ParseCloudPathOptions,
} from './storage/paths.js'
export { COMPRESSION_SUFFIXES, normalizeKey, normalizePrefix } from './storage/keys.js'
export {
  canonicalEncoding,
  compress,
  decompress,
  gunzip,
  gzip,
  isGzip,
  type CompressionOptions,
  type TransportEncoding,
  type TransportWriteEncoding,
} from './compression/index.js'

// --- CloudVolume (info, cutouts, writes, encodings, provenance, graphene) ---
export {
  CloudVolume,
  type CallOptions,
  type CloudVolumeOptions,
  type Cutout,
  type ProgressCallback,
  type ProgressEvent,
  type ReadOptions,
  type ReadTarget,
  type StoredChunk,
  type VolumeInit,
  type WriteData,
} from './cloudvolume.js'
export { GrapheneVolume, ROOTS_BATCH_SIZE, parseGraphenePath, type GrapheneGraph, type GraphenePath, type GrapheneReadOptions } from './graphene.js'
export {
  AlignmentError,
  AuthenticationError,
  CyclicRedirect,
  DecodeError,
  EmptyFileException,
  EmptyRequestException,
  EmptyVolumeError,
  EmptyVolumeException,
  InfoUnavailableError,
  InvalidArgumentError,
  OutOfBoundsError,
  ReadOnlyException,
  ScaleUnavailableError,
  SpecViolation,
  TooManyRedirects,
  UnsupportedEncodingError,
  UnsupportedGrapheneAPIVersionError,
  UnsupportedProtocolError,
  VolumeError,
  isAlignmentError,
  isAuthenticationError,
  isCyclicRedirect,
  isDecodeError,
  isEmptyRequestException,
  isEmptyVolumeException,
  isInfoUnavailableError,
  isInvalidArgumentError,
  isOutOfBoundsError,
  isReadOnlyException,
  isScaleUnavailableError,
  isSpecViolation,
  isTooManyRedirects,
  isUnsupportedEncodingError,
  isUnsupportedGrapheneAPIVersionError,
  isUnsupportedProtocolError,
  isVolumeError,
  type BoxTuple,
  type VolumeErrorKind,
} from './errors.js'
export {
  addScale,
  createNewInfo,
  formatInfo,
  resolveMip,
  scaleKeyOf,
  scaleOf,
  validateInfo,
  validateSharding,
  type AddScaleOptions,
  type MipSelector,
  type NewInfoOptions,
  type Scale,
  type ScaleInfo,
  type ShardingSpec,
  type VolumeInfo,
} from './info.js'
export { ChunkGrid, chunkName, parseChunkName, type Box, type BoxLike, type Vec3 } from './box.js'
export { DATA_TYPES, bytesPerElement, viewAs, type DataType, type DataTypeArrays, type Scalar, type VolumeArray } from './dtypes.js'
export {
  SUPPORTED_ENCODINGS,
  checkFormat,
  contentTypeOf,
  decodeChunkBytes,
  defaultCompression,
  encodeChunk,
  type ChunkFormat,
} from './encodings.js'
export { formatJson } from './json-format.js'
export { defaultProvenance, formatProvenance, normalizeProvenance, parseProvenance, type Provenance } from './provenance.js'
// --- sharded format (volumes.md §4) ---
export {
  compressedMortonCode,
  decodeCompressedMortonCode,
  mortonBits,
  murmurHash3X86_128,
  murmurHash64,
  hashChunkId,
  parseShardingSpec,
  shardFileName,
  shardLocation,
  decodeMinishardIndex,
  decodeShardIndexEntry,
  encodeMinishardIndex,
  findInMinishard,
  coalesceRanges,
  ShardReader,
  synthesizeShardFile,
  synthesizeShardFiles,
  type Bundle,
  type ChunkLocation,
  type MinishardIndex,
  type ShardLocation,
  type ShardingParams,
  type ShardReaderOptions,
  type ShardReaderStats,
  type SynthesizeOptions,
} from './sharding/index.js'
