/**
 * The sharding spec (`scale.sharding`, volumes.md §4.1) and where a chunk id lives (§4.4): hashed
 * id, shard and minishard numbers, shard file name.
 */
import { SpecViolation } from '../errors.js'
import { murmurHash64 } from './murmur.js'

export interface ShardingSpec {
  '@type': 'neuroglancer_uint64_sharded_v1'
  preshift_bits: number
  hash: 'identity' | 'murmurhash3_x86_128'
  minishard_bits: number
  shard_bits: number
  minishard_index_encoding?: 'raw' | 'gzip'
  data_encoding?: 'raw' | 'gzip'
  [extra: string]: unknown
}

/** A validated spec with the numbers a reader and writer need. */
export interface ShardingParams {
  readonly spec: ShardingSpec
  readonly preshiftBits: number
  readonly hash: 'identity' | 'murmurhash3_x86_128'
  readonly minishardBits: number
  readonly shardBits: number
  readonly minishardIndexEncoding: 'raw' | 'gzip'
  readonly dataEncoding: 'raw' | 'gzip'
  /** Bytes of the shard index: `2**minishard_bits * 16`. */
  readonly indexLength: number
  /** Hex digits of a shard file name: `ceil(shard_bits / 4)` (at least 1). */
  readonly shardDigits: number
}

/** Largest minishard_bits whose shard index (`2**bits * 16` bytes) has exact `number` offsets. */
const MAX_ADDRESSABLE_MINISHARD_BITS = 48

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Validates `spec` (a parsed `scale.sharding`); `SpecViolation` names the field and the value. */
export function parseShardingSpec(spec: unknown, field = 'sharding'): ShardingParams {
  if (isObject(spec) && isParams(spec)) return spec as unknown as ShardingParams
  if (!isObject(spec)) throw new SpecViolation(`${field} must be an object, got ${JSON.stringify(spec)}`, field)
  if (spec['@type'] !== 'neuroglancer_uint64_sharded_v1') {
    throw new SpecViolation(
      `${field}.@type must be "neuroglancer_uint64_sharded_v1", got ${JSON.stringify(spec['@type'])}`,
      `${field}.@type`,
    )
  }
  const bits = (name: string, max: number): number => {
    const v = spec[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw new SpecViolation(`${field}.${name} must be an integer from 0 to ${max}, got ${JSON.stringify(String(v))}`, `${field}.${name}`)
    }
    return v
  }
  const preshiftBits = bits('preshift_bits', 63)
  const minishardBits = bits('minishard_bits', 64)
  const shardBits = bits('shard_bits', 64)
  if (minishardBits + shardBits > 64) {
    throw new SpecViolation(`${field}: minishard_bits + shard_bits = ${minishardBits + shardBits}, more than 64`, field)
  }
  if (minishardBits > MAX_ADDRESSABLE_MINISHARD_BITS) {
    throw new SpecViolation(
      `${field}.minishard_bits = ${minishardBits} gives a shard index of 2^${minishardBits + 4} bytes; at most ${MAX_ADDRESSABLE_MINISHARD_BITS} is supported`,
      `${field}.minishard_bits`,
    )
  }
  const hash = spec['hash']
  if (hash !== 'identity' && hash !== 'murmurhash3_x86_128') {
    throw new SpecViolation(`${field}.hash must be "identity" or "murmurhash3_x86_128", got ${JSON.stringify(hash)}`, `${field}.hash`)
  }
  const encoding = (name: string): 'raw' | 'gzip' => {
    const v = spec[name]
    if (v === undefined) return 'raw'
    if (v !== 'raw' && v !== 'gzip') {
      throw new SpecViolation(`${field}.${name} must be "raw" or "gzip", got ${JSON.stringify(v)}`, `${field}.${name}`)
    }
    return v
  }
  const params: ShardingParams = {
    spec: spec as ShardingSpec,
    preshiftBits,
    hash,
    minishardBits,
    shardBits,
    minishardIndexEncoding: encoding('minishard_index_encoding'),
    dataEncoding: encoding('data_encoding'),
    indexLength: 2 ** minishardBits * 16,
    shardDigits: Math.max(1, Math.ceil(shardBits / 4)),
  }
  Object.defineProperty(params, PARAMS, { value: true })
  return Object.freeze(params)
}

const PARAMS = Symbol('ShardingParams')
const isParams = (v: object) => (v as Record<symbol, unknown>)[PARAMS] === true

export interface ShardLocation {
  /** `hash(chunkId >> preshift_bits)`. */
  hashed: bigint
  shard: bigint
  minishard: bigint
  /** `<shard hex>.shard`, relative to the scale directory. */
  file: string
}

const MASK64 = (1n << 64n) - 1n
const mask = (bits: number) => (1n << BigInt(bits)) - 1n

/** The hashed id of `chunkId` (identity or murmurhash3_x86_128 after the preshift). */
export function hashChunkId(params: ShardingParams, chunkId: bigint): bigint {
  if (typeof chunkId !== 'bigint' || chunkId < 0n || chunkId > MASK64) {
    throw new SpecViolation(`chunk id must be a uint64 bigint, got ${String(chunkId)}`, 'chunkId')
  }
  const shifted = chunkId >> BigInt(params.preshiftBits)
  return params.hash === 'identity' ? shifted : murmurHash64(shifted)
}

/** Shard file name for shard number `shard`: lowercase hex, zero-padded to `ceil(shard_bits/4)` digits. */
export function shardFileName(params: ShardingParams, shard: bigint): string {
  return `${shard.toString(16).padStart(params.shardDigits, '0')}.shard`
}

/** Where `chunkId` lives: hashed id, shard, minishard and the shard's file name. */
export function shardLocation(params: ShardingParams, chunkId: bigint): ShardLocation {
  const hashed = hashChunkId(params, chunkId)
  const minishard = hashed & mask(params.minishardBits)
  const shard = (hashed >> BigInt(params.minishardBits)) & mask(params.shardBits)
  return { hashed, shard, minishard, file: shardFileName(params, shard) }
}
