/**
 * uint64-safe JSON for request and response bodies. CAVE ids are uint64 and travel as bare JSON
 * numbers; `JSON.parse` rounds them above 2^53. `parseJson` returns integers outside the safe range
 * as `bigint` (everything else exactly as `JSON.parse`), and `stringifyJson` writes `bigint` as bare
 * digits. All body parsing and serialisation in the server goes through these two functions.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }

export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`)
    this.name = 'JsonSyntaxError'
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const WS = /[ \t\n\r]*/y

/** Parses JSON text; unsafe integers become `bigint`. Throws `JsonSyntaxError`. */
export function parseJson(text: string): JsonValue {
  let pos = 0
  const skip = (): void => {
    WS.lastIndex = pos
    WS.exec(text)
    pos = WS.lastIndex
  }
  const fail = (what: string): never => {
    throw new JsonSyntaxError(pos >= text.length ? 'Unexpected end of JSON' : `${what}`, pos)
  }
  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length
      return value
    }
    return fail(`Unexpected token ${JSON.stringify(text[pos])}`)
  }
  const string = (): string => {
    // pos is at the opening quote; find the closing one, then let JSON.parse handle escapes.
    let end = pos + 1
    for (;;) {
      const c = text.charCodeAt(end)
      if (end >= text.length) {
        pos = end
        return fail('Unterminated string')
      }
      if (c === 0x22) break
      if (c === 0x5c) end += 2
      else if (c < 0x20) {
        pos = end
        return fail('Bad control character in string')
      } else end += 1
    }
    const raw = text.slice(pos, end + 1)
    let value: string
    try {
      value = JSON.parse(raw) as string
    } catch {
      return fail('Bad escape in string')
    }
    pos = end + 1
    return value
  }
  const value = (depth: number): JsonValue => {
    if (depth > 1000) fail('Nesting too deep')
    skip()
    const c = text[pos]
    switch (c) {
      case '{': {
        pos++
        const obj: Record<string, JsonValue> = {}
        skip()
        if (text[pos] === '}') {
          pos++
          return obj
        }
        for (;;) {
          skip()
          if (text[pos] !== '"') fail('Expected property name')
          const key = string()
          skip()
          if (text[pos] !== ':') fail("Expected ':'")
          pos++
          const v = value(depth + 1)
          // defineProperty: a "__proto__" key stays an own property, as with JSON.parse.
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true })
          skip()
          if (text[pos] === ',') {
            pos++
            continue
          }
          if (text[pos] === '}') {
            pos++
            return obj
          }
          fail("Expected ',' or '}'")
        }
      }
      case '[': {
        pos++
        const arr: JsonValue[] = []
        skip()
        if (text[pos] === ']') {
          pos++
          return arr
        }
        for (;;) {
          arr.push(value(depth + 1))
          skip()
          if (text[pos] === ',') {
            pos++
            continue
          }
          if (text[pos] === ']') {
            pos++
            return arr
          }
          fail("Expected ',' or ']'")
        }
      }
      case '"':
        return string()
      case 't':
        return literal('true', true)
      case 'f':
        return literal('false', false)
      case 'n':
        return literal('null', null)
      default: {
        NUMBER.lastIndex = pos
        const m = NUMBER.exec(text)
        if (!m) return fail(`Unexpected token ${JSON.stringify(c)}`)
        pos = NUMBER.lastIndex
        const n = Number(m[0])
        if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(m[0])
        return n
      }
    }
  }
  const result = value(0)
  skip()
  if (pos !== text.length) fail(`Unexpected token ${JSON.stringify(text[pos])}`)
  return result
}

/**
 * `JSON.stringify` that writes `bigint` as bare digits (no quotes). Follows `JSON.stringify` for
 * everything else: `toJSON`, `undefined`/functions dropped from objects and `null` in arrays,
 * non-finite numbers as `null`. No indentation option (responses are compact).
 */
export function stringifyJson(value: unknown): string {
  return write(value, '') ?? 'null'
}

function write(value: unknown, key: string): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  switch (typeof value) {
    case 'bigint':
      return value.toString()
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'
    case 'string':
      return JSON.stringify(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => write(v, String(i)) ?? 'null').join(',')}]`
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return write(value.valueOf(), key)
  }
  const parts: string[] = []
  for (const k of Object.keys(value as object)) {
    const v = write((value as Record<string, unknown>)[k], k)
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`)
  }
  return `{${parts.join(',')}}`
}
