/**
 * The package's errors: one base class, `CirrusError`, with a `code`; `ProvenanceRequiredError`
 * for refused mutations. Guards check a `Symbol.for` brand (plus the code), so an error thrown by
 * one copy of the package is recognised by another copy (bundles, workspaces).
 */

const BRAND = Symbol.for('@daf/cirrus.error')

export type CirrusErrorCode =
  /** A mutating call without valid sources, motivation and process (`ProvenanceRequiredError`). */
  | 'PROVENANCE_REQUIRED'
  /** An argument with an unusable value (note text with `;`, parameters that are not JSON, …). */
  | 'INVALID_ARGUMENT'
  /** A code environment could not be captured (not a git repository, no lockfile, no docker, browser). */
  | 'CODE_ENV'
  /** The data was written but the provenance file could not be updated (retry with `document()`). */
  | 'PROVENANCE_WRITE'
  /** The provenance file kept changing under us (another process) and our entries did not stick. */
  | 'PROVENANCE_CONFLICT'

export class CirrusError extends Error {
  readonly code: CirrusErrorCode
  override name = 'CirrusError'

  constructor(code: CirrusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** The three things a CirrusVolume needs before it mutates anything. */
export type RuleField = 'sources' | 'motivation' | 'process'

export interface InvalidField {
  field: RuleField
  /** The offending value as given. */
  value: unknown
  /** What was wrong, e.g. `must be a non-empty array of non-empty strings`. */
  reason: string
}

const HEADER = 'Need to define sources, motivation and process in order to write to this volume.'

/**
 * A mutating call on a CirrusVolume whose `sources`, `motivation` or `process` is missing or
 * invalid. Thrown before anything is written. The first two lines of the message are the Python
 * cirrus-volume's (`DEFINED: sources: True, motivation: False, process: False`); then one line per
 * offending field with its value, then the refused operation.
 */
export class ProvenanceRequiredError extends CirrusError {
  override name = 'ProvenanceRequiredError'
  /** Fields that are `undefined` or `null`. */
  readonly missing: readonly RuleField[]
  /** Fields that are set but unusable, with their values. */
  readonly invalid: readonly InvalidField[]
  /** What was refused, e.g. `write`, `delete`, `commitInfo`, `transferTo`. */
  readonly operation: string
  /** The volume's path. */
  readonly cloudpath: string

  constructor(init: { missing: readonly RuleField[]; invalid: readonly InvalidField[]; operation: string; cloudpath: string }) {
    const defined = (f: RuleField): string => (init.missing.includes(f) ? 'False' : 'True')
    const lines = [HEADER, `DEFINED: sources: ${defined('sources')}, motivation: ${defined('motivation')}, process: ${defined('process')}`]
    for (const f of init.missing) lines.push(`${f}: missing (${EXPECTED[f]})`)
    for (const i of init.invalid) lines.push(`${i.field}: invalid, got ${describeValue(i.value)}: ${i.reason}`)
    lines.push(`Refused: ${init.operation} on ${init.cloudpath}; nothing was written.`)
    super('PROVENANCE_REQUIRED', lines.join('\n'))
    this.missing = [...init.missing]
    this.invalid = init.invalid.map((i) => ({ ...i }))
    this.operation = init.operation
    this.cloudpath = init.cloudpath
  }
}

export const EXPECTED: Record<RuleField, string> = {
  sources: 'a non-empty array of non-empty strings: other layers, "tracer annotation", …',
  motivation: 'a non-empty string: why this data is written',
  process: 'a Process: task description, parameters and code environments',
}

/** True for any error of this package (any copy of it); with `code`, only for that kind. */
export function isCirrusError(error: unknown, code?: CirrusErrorCode): error is CirrusError {
  if (typeof error !== 'object' || error === null) return false
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false
  return code === undefined || (error as { code?: unknown }).code === code
}

export function isProvenanceRequiredError(error: unknown): error is ProvenanceRequiredError {
  return isCirrusError(error, 'PROVENANCE_REQUIRED')
}

/** A short, printable description of any value (JSON where possible, truncated). */
export function describeValue(value: unknown, max = 200): string {
  let text: string
  if (value === undefined) text = 'undefined'
  else if (typeof value === 'function') text = `a function${value.name ? ` ${value.name}` : ''}`
  else if (typeof value === 'symbol') text = value.toString()
  else if (typeof value === 'bigint') text = `${value}n`
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value)
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value)
    } catch {
      text = Object.prototype.toString.call(value)
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const ctor = (value as { constructor?: { name?: string } }).constructor?.name
      if (ctor && ctor !== 'Object') text = `${ctor} ${text}`
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
