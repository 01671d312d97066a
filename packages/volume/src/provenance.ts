/**
 * The layer `provenance` file (volumes.md §6.8): `{description, owners, processing, sources}` plus
 * any other keys, which are preserved. Read strictly as JSON first, then leniently as JSON5;
 * missing/null fields normalise to `""`/`[]`; then validated. Written like `info` (§6.7).
 */
import JSON5 from 'json5'
import { InvalidArgumentError, SpecViolation } from './errors.js'
import { formatJson } from './json-format.js'
import { parseJson } from '@daf/services'

export interface Provenance {
  description: string
  /** Unique. */
  owners: string[]
  /** Free-form entries (Igneous `{by, date, method}`, provenance-toolbox `{task, parameters, code_envfiles}`, …). */
  processing: unknown[]
  /** Unique. */
  sources: string[]
  [extra: string]: unknown
}

export function defaultProvenance(): Provenance {
  return { description: '', owners: [], processing: [], sources: [] }
}

/** Parses provenance text (strict JSON, then JSON5). Throws `SpecViolation` when neither parses or the schema fails. */
export function parseProvenance(text: string): Provenance {
  let value: unknown
  try {
    value = parseJson(text)
  } catch {
    try {
      value = JSON5.parse(text)
    } catch (error) {
      throw new SpecViolation(`provenance is neither JSON nor JSON5: ${(error as Error).message}`, 'provenance', { cause: error })
    }
  }
  return normalizeProvenance(value)
}

/** Applies defaults and validates (an object or a JSON string, as CV's `provenance` option). */
export function normalizeProvenance(value: unknown): Provenance {
  if (typeof value === 'string') return parseProvenance(value)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SpecViolation(`provenance must be a JSON object, got ${Array.isArray(value) ? 'an array' : String(value)}`, 'provenance')
  }
  const p = { ...(value as Record<string, unknown>) }
  const empty = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
  if (empty(p.description)) p.description = ''
  for (const k of ['owners', 'processing', 'sources']) if (empty(p[k])) p[k] = []
  if (typeof p.description !== 'string') throw new SpecViolation(`provenance.description must be a string, got ${JSON.stringify(p.description)}`, 'provenance.description')
  for (const k of ['owners', 'sources'] as const) {
    const list = p[k]
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
      throw new SpecViolation(`provenance.${k} must be a list of strings, got ${JSON.stringify(list)}`, `provenance.${k}`)
    }
    if (new Set(list).size !== list.length) throw new SpecViolation(`provenance.${k} must hold unique strings`, `provenance.${k}`)
  }
  if (!Array.isArray(p.processing) || !p.processing.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) {
    throw new SpecViolation(`provenance.processing must be a list of objects`, 'provenance.processing')
  }
  return p as Provenance
}

/** The file text, formatted exactly like `info` (sorted keys, indent 2, `\uXXXX` escapes). */
export function formatProvenance(provenance: Provenance): string {
  const p = normalizeProvenance(provenance)
  if (p === undefined) throw new InvalidArgumentError('provenance', provenance, 'an object')
  return formatJson(p)
}
