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
