/**
 * JSON that keeps uint64 ids exact (spec §5.1): integers beyond 2^53 become `bigint`, everything
 * else stays `number`; `bigint` is written back as a bare JSON integer.
 */
import { parse, stringify } from 'lossless-json'

function parseNumber(text: string): number | bigint {
  // Only plain integers can be bigints; fractions and exponents are floats by nature.
  if (/^-?\d+$/.test(text)) {
    const n = Number(text)
    return Number.isSafeInteger(n) ? n : BigInt(text)
  }
  return Number(text)
}

// 2^53 has 16 digits: text without a 16-digit run cannot hold an unsafe integer.
const MAYBE_UNSAFE = /\d{16}/

/** `JSON.parse` with integers above `Number.MAX_SAFE_INTEGER` (or below its negative) as `bigint`. */
export function parseJson(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text)
  return parse(text, null, parseNumber)
}

/**
 * `JSON.stringify` that writes `bigint` (and typed-array elements) as bare integers. Unlike
 * `JSON.stringify`, `undefined` top-level input is an error, not `undefined`.
 */
export function stringifyJson(value: unknown, space?: number | string): string {
  const out = stringify(value, typedArraysAsLists, space)
  if (out === undefined) throw new TypeError('stringifyJson: value is not serialisable as JSON')
  return out
}

function typedArraysAsLists(this: unknown, _key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>)
  }
  return value
}
