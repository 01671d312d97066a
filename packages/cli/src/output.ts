/**
 * Output: human text or JSON on stdout, warnings and progress on stderr. In JSON every `bigint`
 * (ids) is written as a decimal string, so no id is ever rounded by a JSON reader; typed arrays
 * become arrays, Maps objects, Dates ISO strings.
 */
export interface Output {
  readonly json: boolean
  readonly quiet: boolean
  /** A line of human output (ignored with --json). */
  line(text?: string): void
  /** The command's result as JSON (only with --json). */
  result(value: unknown): void
  /** A note on stderr (suppressed by --quiet). */
  note(text: string): void
  /** A warning on stderr (suppressed by --quiet). */
  warn(text: string): void
}

export interface Streams {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

export function createOutput(options: { json?: boolean; quiet?: boolean }, streams: Streams = process): Output {
  const json = options.json === true
  const quiet = options.quiet === true
  return {
    json,
    quiet,
    line(text = '') {
      if (!json) streams.stdout.write(`${text}\n`)
    },
    result(value) {
      if (json) streams.stdout.write(`${toJsonText(value)}\n`)
    },
    note(text) {
      if (!quiet) streams.stderr.write(`${text}\n`)
    },
    warn(text) {
      if (!quiet) streams.stderr.write(`daf: warning: ${text}\n`)
    },
  }
}

/** JSON-ready form of `value`: bigint → string, typed arrays → arrays, Map → object. */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString()
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>, toJsonValue)
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (value instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value) out[String(k)] = toJsonValue(v)
    return out
  }
  if (value instanceof Set) return [...value].map(toJsonValue)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v)
  return out
}

export function toJsonText(value: unknown, indent = 2): string {
  return JSON.stringify(toJsonValue(value), null, indent)
}

/** Rows as aligned columns (the first row is the header). */
export function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
}

/** A token shown without revealing it: its length and last four characters. */
export function maskToken(token: string | undefined): string {
  if (!token) return '(none)'
  if (token.length <= 8) return '*'.repeat(token.length)
  return `${'*'.repeat(token.length - 4)}${token.slice(-4)}`
}
