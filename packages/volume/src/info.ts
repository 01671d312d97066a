/**
 * The `info` file (volumes.md §1): types, validation, scale keys, mip selection, and the
 * CloudVolume helpers that build one (§6.6). Unknown fields (CloudVolume extensions, graphene
 * fields, anything else) are kept as they are and round-trip through `commitInfo` unchanged.
 */
import type { Vec3 } from './box.js'
import { type DataType, parseDataType } from './dtypes.js'
import { InvalidArgumentError, ScaleUnavailableError, SpecViolation } from './errors.js'
import { formatJson, pyFloat } from './json-format.js'

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

export interface ScaleInfo {
  key: string
  size: number[]
  resolution: number[]
  voxel_offset?: number[]
  chunk_sizes: number[][]
  encoding: string
  compressed_segmentation_block_size?: number[]
  sharding?: ShardingSpec
  hidden?: boolean
  locked?: boolean
  jpeg_quality?: number
  png_level?: number
  [extra: string]: unknown
}

export interface VolumeInfo {
  '@type'?: string
  type: 'image' | 'segmentation' | (string & {})
  data_type: string
  num_channels: number
  scales: ScaleInfo[]
  mesh?: string
  skeletons?: string
  segment_properties?: string
  redirect?: string
  [extra: string]: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function intVec(v: unknown, field: string, { min, length = 3 }: { min?: number; length?: number } = {}): number[] {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && (min === undefined || x >= min))) {
    throw new SpecViolation(`${field} must be ${length} integers${min !== undefined ? ` >= ${min}` : ''}, got ${JSON.stringify(v, bigintReplacer)}`, field)
  }
  return v as number[]
}

const bigintReplacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v)

/**
 * Checks an info object against the prose rules of §1 and returns it (the same object: nothing is
 * stripped or rewritten). Throws `SpecViolation` naming the field.
 */
export function validateInfo(info: unknown): VolumeInfo {
  if (!isObject(info)) throw new SpecViolation(`info must be a JSON object, got ${JSON.stringify(info, bigintReplacer)?.slice(0, 80)}`, 'info')
  if (info['@type'] !== undefined && info['@type'] !== 'neuroglancer_multiscale_volume') {
    throw new SpecViolation(`@type must be "neuroglancer_multiscale_volume", got ${JSON.stringify(info['@type'])}`, '@type')
  }
  if (typeof info.type !== 'string') throw new SpecViolation(`type must be "image" or "segmentation", got ${JSON.stringify(info.type)}`, 'type')
  const dataType = parseDataType(info.data_type)
  const nc = info.num_channels
  if (typeof nc !== 'number' || !Number.isSafeInteger(nc) || nc < 1) {
    throw new SpecViolation(`num_channels must be an integer >= 1, got ${JSON.stringify(nc, bigintReplacer)}`, 'num_channels')
  }
  if (info.type === 'segmentation' && nc !== 1) throw new SpecViolation(`num_channels must be 1 for a segmentation, got ${nc}`, 'num_channels')
  if (!Array.isArray(info.scales) || info.scales.length === 0) throw new SpecViolation('scales must be a non-empty array', 'scales')
  let prevRes: number[] | undefined
  info.scales.forEach((scale: unknown, i: number) => {
    const f = `scales[${i}]`
    if (!isObject(scale)) throw new SpecViolation(`${f} must be an object`, f)
    if (typeof scale.key !== 'string' || scale.key === '') throw new SpecViolation(`${f}.key must be a non-empty string`, `${f}.key`)
    scaleDirectory(scale.key, `${f}.key`)
    intVec(scale.size, `${f}.size`, { min: 1 })
    const res = scale.resolution
    if (!Array.isArray(res) || res.length !== 3 || !res.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) {
      throw new SpecViolation(`${f}.resolution must be 3 positive numbers, got ${JSON.stringify(res, bigintReplacer)}`, `${f}.resolution`)
    }
    if (prevRes && res.some((r: number, d: number) => r < prevRes![d]!)) {
      throw new SpecViolation(`${f}.resolution ${JSON.stringify(res)} decreases from the previous scale's ${JSON.stringify(prevRes)}`, `${f}.resolution`)
    }
    prevRes = res
    if (scale.voxel_offset !== undefined) intVec(scale.voxel_offset, `${f}.voxel_offset`)
    if (!Array.isArray(scale.chunk_sizes) || scale.chunk_sizes.length === 0) {
      throw new SpecViolation(`${f}.chunk_sizes must be a non-empty array of [x, y, z]`, `${f}.chunk_sizes`)
    }
    scale.chunk_sizes.forEach((c: unknown, j: number) => intVec(c, `${f}.chunk_sizes[${j}]`, { min: 1 }))
    if (typeof scale.encoding !== 'string') throw new SpecViolation(`${f}.encoding must be a string`, `${f}.encoding`)
    const enc = scale.encoding.toLowerCase()
    if (enc === 'compressed_segmentation') {
      if (scale.compressed_segmentation_block_size === undefined) {
        throw new SpecViolation(`${f}.compressed_segmentation_block_size is required for compressed_segmentation`, `${f}.compressed_segmentation_block_size`)
      }
      intVec(scale.compressed_segmentation_block_size, `${f}.compressed_segmentation_block_size`, { min: 1 })
      if (dataType !== 'uint32' && dataType !== 'uint64') {
        throw new SpecViolation(`${f}.encoding compressed_segmentation needs data_type uint32 or uint64, not ${dataType}`, `${f}.encoding`)
      }
    }
    if (scale.sharding !== undefined) {
      validateSharding(scale.sharding, `${f}.sharding`)
      if (scale.chunk_sizes.length !== 1) throw new SpecViolation(`${f}.chunk_sizes must hold exactly one entry when sharding is present`, `${f}.chunk_sizes`)
    }
  })
  return info as VolumeInfo
}

export function validateSharding(spec: unknown, field = 'sharding'): ShardingSpec {
  if (!isObject(spec)) throw new SpecViolation(`${field} must be an object`, field)
  if (spec['@type'] !== 'neuroglancer_uint64_sharded_v1') {
    throw new SpecViolation(`${field}.@type must be "neuroglancer_uint64_sharded_v1", got ${JSON.stringify(spec['@type'])}`, `${field}.@type`)
  }
  const bits = (name: string, max: number): number => {
    const v = spec[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
      throw new SpecViolation(`${field}.${name} must be an integer from 0 to ${max}, got ${JSON.stringify(v, bigintReplacer)}`, `${field}.${name}`)
    }
    return v
  }
  bits('preshift_bits', 63)
  const m = bits('minishard_bits', 64)
  const s = bits('shard_bits', 64)
  if (m + s > 64) throw new SpecViolation(`${field}: minishard_bits + shard_bits = ${m + s} > 64`, field)
  if (spec.hash !== 'identity' && spec.hash !== 'murmurhash3_x86_128') {
    throw new SpecViolation(`${field}.hash must be "identity" or "murmurhash3_x86_128", got ${JSON.stringify(spec.hash)}`, `${field}.hash`)
  }
  for (const name of ['minishard_index_encoding', 'data_encoding']) {
    const v = spec[name]
    if (v !== undefined && v !== 'raw' && v !== 'gzip') {
      throw new SpecViolation(`${field}.${name} must be "raw" or "gzip", got ${JSON.stringify(v)}`, `${field}.${name}`)
    }
  }
  return spec as ShardingSpec
}

/**
 * Normalises a scale key to a relative object-key prefix (`.`/`..` resolved; §1.4). Absolute keys,
 * keys with a protocol, and keys climbing above the layer's parent are rejected.
 */
export function scaleDirectory(key: string, field = 'key'): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key) || key.startsWith('/')) {
    throw new SpecViolation(`${field} ${JSON.stringify(key)} must be a relative path (no protocol, no leading /)`, field)
  }
  const out: string[] = []
  for (const part of key.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      // `..` may leave the layer directory (NG volume.md); it is kept as a leading `..`.
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop()
      else out.push('..')
    } else out.push(part)
  }
  if (out.length === 0) throw new SpecViolation(`${field} ${JSON.stringify(key)} names the layer directory itself`, field)
  return out.join('/')
}

/** CV's key for a new scale: resolution joined by `_` with Python `str()` (§1.4). */
export function scaleKeyOf(resolution: readonly number[]): string {
  if (resolution.every((r) => Number.isInteger(r))) return resolution.map((r) => String(r)).join('_')
  return resolution.map((r) => (Number.isInteger(r) ? `${r}.0` : pyFloat(r))).join('_')
}

/** A mip: an index into `scales` (negative counts from the end) or a resolution `[x, y, z]`. */
export type MipSelector = number | readonly [number, number, number] | readonly number[]

/** Resolves a mip selector to an index (§1.4). */
export function resolveMip(info: VolumeInfo, mip: MipSelector): number {
  const n = info.scales.length
  const available = (): string => info.scales.map((s, i) => `${i}: [${s.resolution.join(', ')}]`).join('; ')
  if (typeof mip === 'number') {
    if (!Number.isInteger(mip)) throw new InvalidArgumentError('mip', mip, 'an integer index or a resolution [x, y, z]')
    const i = mip < 0 ? n + mip : mip
    if (i < 0 || i >= n) throw new ScaleUnavailableError(`mip ${mip} is not available (the layer has ${n} scales: ${available()})`)
    return i
  }
  if (!Array.isArray(mip) || mip.length !== 3 || !mip.every((v) => typeof v === 'number')) {
    throw new InvalidArgumentError('mip', mip, 'an integer index or a resolution [x, y, z]')
  }
  const i = info.scales.findIndex((s) => s.resolution.every((r, d) => r === mip[d]))
  if (i < 0) throw new ScaleUnavailableError(`no scale has resolution [${mip.join(', ')}] (available: ${available()})`)
  return i
}

/** Parsed view of one scale, with defaults applied. */
export interface Scale {
  readonly mip: number
  readonly info: ScaleInfo
  readonly key: string
  /** `key` normalised (what object keys are built from). */
  readonly directory: string
  readonly size: Vec3
  readonly voxelOffset: Vec3
  readonly resolution: Vec3
  readonly chunkSize: Vec3
  readonly encoding: string
  readonly blockSize: Vec3 | undefined
  readonly sharding: ShardingSpec | undefined
  readonly locked: boolean
  readonly placeholder: boolean
}

export function scaleOf(info: VolumeInfo, mip: number): Scale {
  const s = info.scales[mip]
  if (!s) throw new ScaleUnavailableError(`mip ${mip} is not available (the layer has ${info.scales.length} scales)`)
  const v3 = (a: readonly number[] | undefined, dflt: Vec3): Vec3 => (a ? [a[0]!, a[1]!, a[2]!] : dflt)
  return {
    mip,
    info: s,
    key: s.key,
    directory: scaleDirectory(s.key, `scales[${mip}].key`),
    size: v3(s.size, [0, 0, 0]),
    voxelOffset: v3(s.voxel_offset, [0, 0, 0]),
    resolution: v3(s.resolution, [0, 0, 0]),
    chunkSize: v3(s.chunk_sizes[0], [0, 0, 0]),
    encoding: s.encoding.toLowerCase(),
    blockSize: s.compressed_segmentation_block_size ? v3(s.compressed_segmentation_block_size, [8, 8, 8]) : undefined,
    sharding: s.sharding,
    locked: s.locked === true,
    placeholder: /placeholder/i.test(s.key),
  }
}

export function dataTypeOf(info: VolumeInfo): DataType {
  return parseDataType(info.data_type)
}

// ---------------------------------------------------------------------------------------------
// createNewInfo / addScale (§6.6)

export interface NewInfoOptions {
  numChannels: number
  layerType: 'image' | 'segmentation' | (string & {})
  dataType: DataType | (string & {})
  encoding: string
  resolution: readonly number[]
  voxelOffset: readonly number[]
  volumeSize: readonly number[]
  /** `true` → `"mesh"`; a string is kept. */
  mesh?: boolean | string
  /** `true` → `"skeletons"`; a string is kept. */
  skeletons?: boolean | string
  /** Default [64, 64, 64]. */
  chunkSize?: readonly number[]
  /** Default [8, 8, 8] (compressed_segmentation only). */
  compressedSegmentationBlockSize?: readonly number[]
  /** Adds scales `factor ** m` for `m = 1..maxMip`. Default 0. */
  maxMip?: number
  /** Default [2, 2, 1]. */
  factor?: readonly number[]
  /** Kept (CV's public wrapper drops it; we do not). */
  redirect?: string
  /** jpeg_quality / png_level / jxl_quality / fpzip_precision, by encoding. */
  encodingLevel?: number
  encodingEffort?: number
}

/** CV `create_new_info` (§6.6). */
export function createNewInfo(options: NewInfoOptions): VolumeInfo {
  const dataType = parseDataType(options.dataType, 'dataType')
  const vec = (v: readonly number[] | undefined, field: string, min?: number): number[] => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number' && Number.isFinite(x) && (min === undefined || x >= min))) {
      throw new InvalidArgumentError(field, v, `3 numbers${min !== undefined ? ` >= ${min}` : ''}`)
    }
    return [...v]
  }
  const resolution = vec(options.resolution, 'resolution')
  if (resolution.some((r) => r <= 0)) throw new InvalidArgumentError('resolution', options.resolution, '3 positive numbers')
  const voxelOffset = vec(options.voxelOffset, 'voxelOffset')
  const size = vec(options.volumeSize, 'volumeSize', 1)
  const chunk = vec(options.chunkSize ?? [64, 64, 64], 'chunkSize', 1)
  if (![...voxelOffset, ...size, ...chunk].every(Number.isInteger)) {
    throw new InvalidArgumentError('volumeSize/voxelOffset/chunkSize', { voxelOffset, size, chunk }, 'integers')
  }
  if (!Number.isInteger(options.numChannels) || options.numChannels < 1) {
    throw new InvalidArgumentError('numChannels', options.numChannels, 'an integer >= 1')
  }
  const encoding = options.encoding.toLowerCase()
  const scale: ScaleInfo = {
    encoding,
    chunk_sizes: [chunk],
    key: scaleKeyOf(resolution),
    resolution,
    voxel_offset: voxelOffset,
    size,
  }
  if (encoding === 'compressed_segmentation') {
    scale.compressed_segmentation_block_size = vec(options.compressedSegmentationBlockSize ?? [8, 8, 8], 'compressedSegmentationBlockSize', 1)
  }
  applyEncodingLevel(scale, encoding, options.encodingLevel, options.encodingEffort)
  const info: VolumeInfo = {
    num_channels: options.numChannels,
    type: options.layerType,
    data_type: dataType,
    scales: [scale],
  }
  if (options.mesh) info.mesh = options.mesh === true ? 'mesh' : options.mesh
  if (options.skeletons) info.skeletons = options.skeletons === true ? 'skeletons' : options.skeletons
  if (options.redirect !== undefined) info.redirect = options.redirect
  const factor = options.factor ?? [2, 2, 1]
  for (let m = 1; m <= (options.maxMip ?? 0); m++) {
    addScale(info, factor.map((f) => f ** m))
  }
  return info
}

function applyEncodingLevel(scale: ScaleInfo, encoding: string, level: number | undefined, effort: number | undefined): void {
  if (level !== undefined) {
    if (encoding === 'jpeg') scale.jpeg_quality = level
    else if (encoding === 'png') scale.png_level = level
    else if (encoding === 'jxl') scale.jxl_quality = level
    else if (encoding === 'fpzip' || encoding === 'kempressed') scale.fpzip_precision = level
  }
  if (effort !== undefined && encoding === 'jxl') scale.jxl_effort = effort
}

export interface AddScaleOptions {
  encoding?: string
  chunkSize?: readonly number[]
  encodingLevel?: number
  encodingEffort?: number
  /** Called for a non-power-of-two factor (CV warns). Default `console.warn`. */
  warn?: (message: string) => void
}

/** The divisor of `n` closest to 64 (CV picks chunk sizes for new scales this way). */
function divisorClosestTo64(n: number): number {
  let best = 1
  for (let d = 1; d <= n; d++) if (n % d === 0 && Math.abs(d - 64) < Math.abs(best - 64)) best = d
  return best
}

/**
 * CV `add_scale` (§6.6): a scale `factor` times coarser than scale 0. Replaces an existing scale of
 * the same resolution instead of appending. Mutates and returns `info`'s new scale.
 */
export function addScale(info: VolumeInfo, factor: readonly number[], options: AddScaleOptions = {}): ScaleInfo {
  if (!Array.isArray(factor) || factor.length !== 3 || !factor.every((f) => typeof f === 'number' && f > 0 && Number.isFinite(f))) {
    throw new InvalidArgumentError('factor', factor, '3 positive numbers')
  }
  const base = info.scales[0]
  if (!base) throw new SpecViolation('info has no scale 0', 'scales')
  if (factor.some((f) => !Number.isInteger(Math.log2(f)))) {
    ;(options.warn ?? console.warn)(`add_scale: factor [${factor.join(', ')}] is not a power of two`)
  }
  const resolution = base.resolution.map((r, d) => r * factor[d]!)
  const offset = (base.voxel_offset ?? [0, 0, 0]).map((o, d) => Math.floor(o / factor[d]!))
  const size = base.size.map((s, d) => Math.ceil(s / factor[d]!))
  const baseChunk = base.chunk_sizes[0]!
  const chunk = options.chunkSize ? [...options.chunkSize] : baseChunk.map(divisorClosestTo64)
  const encoding = (options.encoding ?? base.encoding).toLowerCase()
  const scale: ScaleInfo = {
    chunk_sizes: [chunk],
    encoding,
    key: scaleKeyOf(resolution),
    resolution,
    size,
    voxel_offset: offset,
  }
  if (encoding === 'compressed_segmentation') {
    scale.compressed_segmentation_block_size = [...(base.compressed_segmentation_block_size ?? [8, 8, 8])]
  }
  applyEncodingLevel(scale, encoding, options.encodingLevel, options.encodingEffort)
  const existing = info.scales.findIndex((s) => s.resolution.every((r, d) => r === resolution[d]))
  if (existing >= 0) info.scales[existing] = scale
  else info.scales.push(scale)
  return scale
}

/**
 * `info` as CV's `commit_info` writes it (§6.7), after CV's checks: a compressed_segmentation
 * scale needs a block size and uint32/uint64.
 */
export function formatInfo(info: VolumeInfo): string {
  validateInfo(info)
  return formatJson(info)
}
