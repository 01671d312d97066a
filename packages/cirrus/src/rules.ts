/**
 * The writing rules (volumes.md §8.1, cirrus-volume `rules.py`), stricter than upstream: `sources`
 * is a non-empty array of non-empty strings, `motivation` a non-empty string that can be stored as
 * a note (no `;`, no `" \n "`), `process` a `Process`. `undefined`/`null` is missing.
 */
import { type InvalidField, ProvenanceRequiredError, type RuleField } from './errors.js'
import { noteContentProblem } from './notes.js'
import { Process } from './process.js'

export interface WritingFields {
  sources: unknown
  motivation: unknown
  process: unknown
}

export interface CheckedFields {
  sources: string[]
  motivation: string
  process: Process
}

function sourcesProblem(sources: unknown): string | undefined {
  if (!Array.isArray(sources)) return 'must be an array of strings'
  if (sources.length === 0) return 'must not be empty: name at least one source (a layer path, "tracer annotation", …)'
  const bad = sources.findIndex((s) => typeof s !== 'string' || s.trim() === '')
  if (bad >= 0) return `entry ${bad} must be a non-empty string`
  return undefined
}

/** The problems with `fields`, without throwing. */
export function findProblems(fields: WritingFields): { missing: RuleField[]; invalid: InvalidField[] } {
  const missing: RuleField[] = []
  const invalid: InvalidField[] = []
  const check = (field: RuleField, value: unknown, problem: (v: unknown) => string | undefined): void => {
    if (value === undefined || value === null) missing.push(field)
    else {
      const reason = problem(value)
      if (reason) invalid.push({ field, value, reason })
    }
  }
  check('sources', fields.sources, sourcesProblem)
  check('motivation', fields.motivation, (v) => {
    const p = noteContentProblem(v)
    return p === undefined ? undefined : `${p === 'must be a string' ? 'must be a non-empty string' : p}`
  })
  check('process', fields.process, (v) => (Process.isProcess(v) ? undefined : 'must be a Process (new Process(description, parameters, codeEnvs))'))
  return { missing, invalid }
}

/** Throws `ProvenanceRequiredError` unless all three fields are valid; returns them typed. */
export function checkWritingRules(fields: WritingFields, operation: string, cloudpath: string): CheckedFields {
  const { missing, invalid } = findProblems(fields)
  if (missing.length > 0 || invalid.length > 0) throw new ProvenanceRequiredError({ missing, invalid, operation, cloudpath })
  return {
    sources: [...new Set(fields.sources as string[])],
    motivation: fields.motivation as string,
    process: fields.process as Process,
  }
}
