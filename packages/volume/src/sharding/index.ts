/** The sharded format (volumes.md §4): spec, Morton codes, hashing, shard numbering, reader, writer. */
export { compressedMortonCode, decodeCompressedMortonCode, mortonBits } from './morton.js'
export { murmurHash3X86_128, murmurHash64 } from './murmur.js'
export {
  hashChunkId,
  parseShardingSpec,
  shardFileName,
  shardLocation,
  type ShardLocation,
  type ShardingParams,
  type ShardingSpec,
} from './spec.js'
export { decodeMinishardIndex, decodeShardIndexEntry, encodeMinishardIndex, findInMinishard, type MinishardIndex } from './indices.js'
export { coalesceRanges, type Bundle } from './ranges.js'
export { ShardReader, type ChunkLocation, type ShardReaderOptions, type ShardReaderStats } from './reader.js'
export { synthesizeShardFile, synthesizeShardFiles, type SynthesizeOptions } from './writer.js'
