/**
 * JSON normalisation and comparison for process parameters (volumes.md §8.3): provenance-toolbox
 * compares logged parameters with `json.loads(json.dumps(parameters))`, so tuples become lists and
 * the comparison is deep and key-order-insensitive. Here the same happens to JavaScript values:
 * typed arrays become lists, `undefined` members are dropped (as `JSON.stringify` does), `toJSON`
 * is honoured (dates become strings), safe `bigint`s become numbers. Anything JSON cannot hold
 * (functions, symbols, Maps, class instances, NaN, cycles) is refused with the path of the value.
 */
import { CirrusError, describeValue } from './errors.js'

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export function toJsonValue(value: unknown, path: string, seen: Set<object> = new Set()): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (!Number.isFinite(value)) throw invalid(path, value, 'NaN and infinities are not JSON')
      return value
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value
    case 'object':
      break
    default:
      throw invalid(path, value, 'not a JSON value')
  }
  if (value === null) return null
  if (seen.has(value)) throw invalid(path, '[cycle]', 'the value refers to itself')
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return toJsonValue((value as { toJSON(): unknown }).toJSON(), path, seen)
  }
  seen.add(value)
  try {
    if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
      return Array.from(value as ArrayLike<unknown>, (v, i) => (v === undefined ? null : toJsonValue(v, `${path}[${i}]`, seen)))
    }
    const proto = Object.getPrototypeOf(value) as unknown
    if (proto !== Object.prototype && proto !== null) {
      throw invalid(path, value, 'only plain objects, arrays and JSON scalars can be logged')
    }
    const out: JsonObject = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue
      out[k] = toJsonValue(v, `${path}.${k}`, seen)
    }
    return out
  } finally {
    seen.delete(value)
  }
}

function invalid(path: string, value: unknown, why: string): CirrusError {
  return new CirrusError('INVALID_ARGUMENT', `${path}: ${why} (got ${describeValue(value, 80)})`)
}

/** Deep, key-order-insensitive equality of JSON values (numbers and bigints compare by value). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'number' && !Number.isInteger(a)) return false
    if (typeof b === 'number' && !Number.isInteger(b)) return false
    return BigInt(a) === BigInt(b)
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined)
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined)
  return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]))
}
