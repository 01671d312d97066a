/**
 * JSON text exactly as CloudVolume writes `info` and `provenance` (volumes.md §6.7): Python's
 * `json.dumps(obj, indent=2, sort_keys=True)`: keys sorted recursively (by code point), two-space
 * indent, `,` and `: ` separators, non-ASCII escaped as `\uXXXX`, `NaN`/`Infinity` spelled as
 * Python does, and non-integral floats in Python's `repr` form (`1e-05`, `1e+16`). Integral floats
 * cannot be told from integers in JavaScript and print without `.0` (documented difference).
 * `bigint` values print as bare integers.
 */

export function formatJson(value: unknown, indent = 2): string {
  return write(value, '', indent)
}

function write(value: unknown, pad: string, indent: number): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'number':
      return pyFloat(value)
    case 'string':
      return pyString(value)
    case 'object':
      break
    default:
      return 'null'
  }
  const inner = pad + ' '.repeat(indent)
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>)
    if (items.length === 0) return '[]'
    return `[\n${items.map((v) => inner + write(v, inner, indent)).join(',\n')}\n${pad}]`
  }
  const obj = (typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value) as Record<string, unknown>
  if (obj === null || typeof obj !== 'object') return write(obj, pad, indent)
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function')
    .sort(compareCodePoints)
  if (keys.length === 0) return '{}'
  return `{\n${keys.map((k) => `${inner}${pyString(k)}: ${write(obj[k], inner, indent)}`).join(',\n')}\n${pad}}`
}

function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]()
  const ib = b[Symbol.iterator]()
  for (;;) {
    const x = ia.next()
    const y = ib.next()
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1
    const cx = x.value.codePointAt(0)!
    const cy = y.value.codePointAt(0)!
    if (cx !== cy) return cx - cy
  }
}

/** Python `json` string escaping with `ensure_ascii=True`. */
export function pyString(s: string): string {
  let out = '"'
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c === 0x08) out += '\\b'
    else if (c === 0x0c) out += '\\f'
    else if (c < 0x20 || c > 0x7e) out += c === 0x7f ? '\x7f' : `\\u${c.toString(16).padStart(4, '0')}`
    else out += s[i]
  }
  return `${out}"`
}

/** Python `float.__repr__` / `int` text for a JS number. */
export function pyFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Infinity) return 'Infinity'
  if (n === -Infinity) return '-Infinity'
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return Object.is(n, -0) ? '-0.0' : String(n)
  // Shortest round-trip digits (same in JS and Python), re-laid out by Python's rule:
  // scientific when the decimal exponent is < -4 or >= 16, exponent with at least two digits.
  const [mantissa, expText] = n.toExponential().split('e') as [string, string]
  const exp = Number(expText)
  const neg = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  let body: string
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    body = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  } else if (exp < 0) {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`
  } else if (digits.length <= exp + 1) {
    body = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  }
  return neg ? `-${body}` : body
}
