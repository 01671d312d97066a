/**
 * Data types of precomputed volumes and the typed arrays that hold them. 64-bit integer types are
 * `BigUint64Array` / `BigInt64Array`: labels never go through `number`.
 */
import { InvalidArgumentError, SpecViolation } from './errors.js'

// The element types and their typed arrays are the codec's: one definition for both packages.
import { CHUNK_ARRAY_TYPES, type ChunkArrayConstructor, type ChunkArrayTypes, type ChunkDataType } from '@daf/codec-wasm'

export type DataType = ChunkDataType
export type DataTypeArrays = ChunkArrayTypes

export type VolumeArray = DataTypeArrays[DataType]

type ArrayConstructor = ChunkArrayConstructor

/** The codec's table: the same constructors serve chunk codecs and cutouts. */
export const ARRAY_CONSTRUCTORS: Readonly<Record<DataType, ArrayConstructor>> = CHUNK_ARRAY_TYPES

export const DATA_TYPES = Object.keys(ARRAY_CONSTRUCTORS) as DataType[]

/** `data_type` compared case-insensitively (volumes.md §1.1). */
export function parseDataType(value: unknown, field = 'data_type'): DataType {
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined
  if (lower === undefined || !(DATA_TYPES as string[]).includes(lower)) {
    throw new SpecViolation(`${field}: ${JSON.stringify(value)} is not a supported data type (expected one of ${DATA_TYPES.join(', ')})`, field)
  }
  return lower as DataType
}

export function bytesPerElement(dataType: DataType): number {
  return ARRAY_CONSTRUCTORS[dataType].BYTES_PER_ELEMENT
}

export function isBigIntType(dataType: DataType): dataType is 'uint64' | 'int64' {
  return dataType === 'uint64' || dataType === 'int64'
}

export function allocate<D extends DataType>(dataType: D, length: number): DataTypeArrays[D] {
  return new ARRAY_CONSTRUCTORS[dataType](length) as DataTypeArrays[D]
}

/** A typed-array view of `bytes` (copied only when the offset is misaligned for the type). */
export function viewAs<D extends DataType>(dataType: D, bytes: Uint8Array): DataTypeArrays[D] {
  const ctor = ARRAY_CONSTRUCTORS[dataType]
  const size = ctor.BYTES_PER_ELEMENT
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / size) as DataTypeArrays[D]
  return new ctor(bytes.slice().buffer) as DataTypeArrays[D]
}

/** The bytes of a typed array (no copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
}

/** The `DataType` a typed array holds, or undefined for anything else. */
export function dataTypeOfArray(array: unknown): DataType | undefined {
  if (!ArrayBuffer.isView(array)) return undefined
  const tag = Object.prototype.toString.call(array).slice(8, -1)
  for (const dt of DATA_TYPES) if (ARRAY_CONSTRUCTORS[dt].name === tag) return dt
  return undefined
}

/** A scalar of the data type: a bigint for 64-bit integer types, a number otherwise. */
export type Scalar = number | bigint

/** Converts a fill value (background colour) to the element type; throws if it does not fit. */
export function toElement(dataType: DataType, value: Scalar, field = 'backgroundColor'): number | bigint {
  if (isBigIntType(dataType)) {
    let v: bigint
    if (typeof value === 'bigint') v = value
    else if (Number.isSafeInteger(value)) v = BigInt(value)
    else throw new InvalidArgumentError(field, value, `an integer (bigint or safe integer) for ${dataType}`)
    const [lo, hi] = dataType === 'uint64' ? [0n, 2n ** 64n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n]
    if (v < lo || v > hi) throw new InvalidArgumentError(field, value, `a ${dataType} value in [${lo}, ${hi}]`)
    return v
  }
  const n = typeof value === 'bigint' ? Number(value) : value
  if (typeof value === 'bigint' && BigInt(n) !== value) throw new InvalidArgumentError(field, value, `a ${dataType} value`)
  if (dataType === 'float32' || dataType === 'float64') return n
  if (!Number.isInteger(n)) throw new InvalidArgumentError(field, value, `an integer for ${dataType}`)
  const bits = bytesPerElement(dataType) * 8
  const signed = dataType.startsWith('int')
  const lo = signed ? -(2 ** (bits - 1)) : 0
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1
  if (n < lo || n > hi) throw new InvalidArgumentError(field, value, `a ${dataType} value in [${lo}, ${hi}]`)
  return n
}

/** Fills a whole array with one value of its type. */
export function fillArray(array: VolumeArray, value: number | bigint): void {
  ;(array as { fill(v: number | bigint): unknown }).fill(value)
}

/** True when every element equals `value` (NaN equals NaN, as for CV's all-background test). */
export function allEqual(array: VolumeArray, value: number | bigint): boolean {
  if (typeof value === 'number' && Number.isNaN(value)) {
    for (let i = 0; i < array.length; i++) if (!Number.isNaN(array[i] as number)) return false
    return true
  }
  if ((value === 0 || value === 0n) && !(array instanceof Float32Array || array instanceof Float64Array)) {
    // Fast path on whole words: all-zero bytes (not for floats, where -0 is background too).
    const bytes = bytesOf(array)
    const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) : undefined
    if (words) {
      for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false
      for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i] !== 0) return false
      return true
    }
  }
  for (let i = 0; i < array.length; i++) if (array[i] !== value) return false
  return true
}
