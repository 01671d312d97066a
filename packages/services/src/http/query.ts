/**
 * Query strings the way CAVE servers read them (spec §5.2): booleans `true`/`false` (every server
 * accepts lowercase), lists comma-joined, `operation_ids` as JSON array text, ids as exact decimals.
 */
import { InvalidParameterError } from './errors.js'

export type QueryScalar = string | number | bigint | boolean

/** A value sent as literal JSON text, e.g. `operation_ids=[1, 2]`. Make one with `jsonArrayText`. */
export interface JsonText {
  readonly jsonText: string
}

export type QueryValue = QueryScalar | readonly QueryScalar[] | JsonText | null | undefined
export type Query = Readonly<Record<string, QueryValue>>

/** `[1, 2]` (Python `json.dumps` spacing); bigints written exactly, strings JSON-quoted. */
export function jsonArrayText(values: readonly (number | bigint | string | boolean)[]): JsonText {
  const items = values.map((v, i) => {
    if (typeof v === 'string') return JSON.stringify(v)
    return scalarText(`[${i}]`, v)
  })
  return { jsonText: `[${items.join(', ')}]` }
}

/** `a=1&b=true&ids=1,2` (no leading `?`); `undefined`/`null` entries are left out. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return ''
  const parts: string[] = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    parts.push(`${encode(key)}=${encode(valueText(key, value))}`)
  }
  return parts.join('&')
}

/** `url` with `query` appended (after any query it already has). */
export function appendQuery(url: string, query: Query | undefined): string {
  const q = encodeQuery(query)
  if (!q) return url
  return `${url}${url.includes('?') ? '&' : '?'}${q}`
}

function valueText(key: string, value: Exclude<QueryValue, null | undefined>): string {
  if (Array.isArray(value)) {
    return value.map((v: unknown, i) => scalarText(`${key}[${i}]`, v)).join(',')
  }
  if (typeof value === 'object' && value !== null && 'jsonText' in value) return (value as JsonText).jsonText
  return scalarText(key, value)
}

function scalarText(key: string, v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v
    case 'boolean':
      return v ? 'true' : 'false'
    case 'bigint':
      return v.toString()
    case 'number':
      if (!Number.isFinite(v)) throw new InvalidParameterError(key, `query parameter "${key}" is ${v}`)
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
        throw new InvalidParameterError(key, `query parameter "${key}" is an integer above 2^53 (precision lost); pass a bigint`)
      }
      return String(v)
    default: {
      const hint = v instanceof Date ? ' (convert dates explicitly, e.g. toEpochSeconds(date))' : ''
      throw new InvalidParameterError(key, `query parameter "${key}" has unsupported type ${describe(v)}${hint}`)
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (v instanceof Date) return 'Date'
  return Array.isArray(v) ? 'nested array' : typeof v
}

// Commas stay literal: servers split on them and logs stay readable.
const encode = (s: string) => encodeURIComponent(s).replace(/%2C/gi, ',')
