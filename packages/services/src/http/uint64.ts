/**
 * uint64 ids: validation, and the packed little-endian form PyChunkedGraph uses for `roots_binary`
 * and `minimal_covering_nodes?as_array=true` (spec §5.1).
 */
import { InvalidParameterError, ResponseFormatError } from './errors.js'

export const UINT64_MAX = (1n << 64n) - 1n

export type Uint64Like = bigint | number | string

/** `value` as a bigint after checking it is an integer in [0, 2^64). `name` goes into the message. */
export function toUint64(value: Uint64Like, name = 'id'): bigint {
  let v: bigint
  if (typeof value === 'bigint') v = value
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new InvalidParameterError(name, `${name} must be an integer, got ${value}`)
    if (!Number.isSafeInteger(value)) {
      throw new InvalidParameterError(name, `${name} ${value} is above 2^53 and already lost precision; pass a bigint or a decimal string`)
    }
    v = BigInt(value)
  } else if (typeof value === 'string') {
    if (!/^\d+$/.test(value.trim())) {
      throw new InvalidParameterError(name, `${name} must be a decimal uint64, got "${value}"`)
    }
    v = BigInt(value.trim())
  } else {
    throw new InvalidParameterError(name, `${name} must be a bigint, number or decimal string, got ${typeof value}`)
  }
  if (v < 0n) throw new InvalidParameterError(name, `${name} must not be negative, got ${v}`)
  if (v > UINT64_MAX) throw new InvalidParameterError(name, `${name} ${v} does not fit in 64 bits (max ${UINT64_MAX})`)
  return v
}

export function isUint64(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= UINT64_MAX
}

/** Validated ids as a `BigUint64Array`; the message names the bad element (`ids[3]`). */
export function toUint64Array(values: Iterable<Uint64Like>, name = 'ids'): BigUint64Array {
  if (values instanceof BigUint64Array) return values
  const out: bigint[] = []
  let i = 0
  for (const v of values) out.push(toUint64(v, `${name}[${i++}]`))
  return BigUint64Array.from(out)
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Packed little-endian bytes of `ids`, whatever the host's byte order. */
export function encodeUint64LE(ids: BigUint64Array | readonly Uint64Like[]): Uint8Array<ArrayBuffer> {
  const arr = ids instanceof BigUint64Array ? ids : toUint64Array(ids)
  const out = new Uint8Array(arr.length * 8)
  if (littleEndianHost) {
    out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength))
  } else {
    const view = new DataView(out.buffer)
    arr.forEach((v, i) => view.setBigUint64(i * 8, v, true))
  }
  return out
}

/**
 * A `BigUint64Array` from packed little-endian bytes. Views at an unaligned offset are copied (a
 * `BigUint64Array` needs 8-byte alignment); a length that is not a multiple of 8 is an error.
 */
export function decodeUint64LE(bytes: ArrayBuffer | ArrayBufferView): BigUint64Array {
  const view =
    bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.byteLength % 8 !== 0) {
    throw new ResponseFormatError(`uint64 data must be a multiple of 8 bytes long, got ${view.byteLength} bytes`)
  }
  const n = view.byteLength / 8
  if (!littleEndianHost) {
    const dv = new DataView(view.buffer, view.byteOffset, view.byteLength)
    const out = new BigUint64Array(n)
    for (let i = 0; i < n; i++) out[i] = dv.getBigUint64(i * 8, true)
    return out
  }
  if (view.byteOffset % 8 === 0 && view.buffer instanceof ArrayBuffer) {
    return new BigUint64Array(view.buffer, view.byteOffset, n)
  }
  return new BigUint64Array(view.slice().buffer, 0, n)
}
