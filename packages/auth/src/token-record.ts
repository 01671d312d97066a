/**
 * The stored form of tokens, shared by secret files and browser storage: a JSON object mapping keys
 * to tokens (`{"token": "…"}`), possibly holding other keys that must be kept.
 */
export type TokenRecord = Readonly<Record<string, unknown>>

/**
 * Parses a stored record; undefined when `text` is not a JSON object. Parse errors are swallowed on
 * purpose: their messages quote the input, which may contain a token.
 */
export function parseTokenRecord(text: string): TokenRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as TokenRecord) : undefined
}

/** The non-empty string stored under `key` (an own property), else undefined. */
export function tokenFromRecord(record: TokenRecord | undefined, key: string): string | undefined {
  if (record === undefined || !Object.hasOwn(record, key)) return undefined
  const value = record[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export type TokenRecordUpdate =
  | { readonly kind: 'write'; readonly record: TokenRecord }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'conflict' }

/**
 * How storing `token` under `key` changes `existing`: `unchanged` when it already holds that token,
 * `conflict` when it holds something else and `overwrite` is false, otherwise the new record with
 * every other key kept.
 */
export function updateTokenRecord(
  existing: TokenRecord | undefined,
  key: string,
  token: string,
  overwrite: boolean,
): TokenRecordUpdate {
  if (existing !== undefined && Object.hasOwn(existing, key)) {
    if (existing[key] === token) return { kind: 'unchanged' }
    if (!overwrite) return { kind: 'conflict' }
  }
  // A computed key defines an own property even for "__proto__".
  return { kind: 'write', record: { ...existing, [key]: token } }
}

/** The text written for a record. */
export function serializeTokenRecord(record: TokenRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`
}
