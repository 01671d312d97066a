/**
 * Processes and their `processing` entries (volumes.md §8.3, provenance-toolbox `process.py`):
 * `{"task": description, "parameters": {...}, "code_envfiles": [filename, ...]}`. An entry counts
 * as the same process when `task` and the JSON-normalised `parameters` are equal; code
 * environments do not take part. Entries without `task` (Igneous / CloudVolume
 * `{"by", "date", "method"}`) are skipped by every comparison and never modified.
 */
import type { Provenance } from '@daf/volume'
import { CirrusError, describeValue } from './errors.js'
import { type JsonObject, type JsonValue, jsonEqual, toJsonValue } from './json.js'

/**
 * A code environment: one JSON file beside `provenance`, named `filename`, holding `contents()`.
 * `GitRepoEnv`, `NodePackagesEnv` and `DockerEnv` implement it; so can your own classes.
 */
export interface CodeEnv {
  /** The file name below the layer (no `/`; not `info` or `provenance`). */
  readonly filename: string
  /** The file's JSON object (keys as provenance-toolbox spells them, e.g. `"CodeEnv type"`). */
  contents(): Record<string, unknown>
}

/** A `processing` entry as provenance-toolbox writes it. */
export interface ProcessingEntry {
  task: string
  parameters: JsonObject
  code_envfiles: string[]
  [extra: string]: unknown
}

const PROCESS_BRAND = Symbol.for('@daf/cirrus.process')
const RESERVED = new Set(['info', 'provenance', '.', '..'])

/** Throws unless `name` can be a code-environment file beside `provenance`. */
export function checkEnvFilename(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/') || name.includes('\\') || RESERVED.has(name) || /[\0-\x1f]/.test(name)) {
    throw new CirrusError(
      'INVALID_ARGUMENT',
      `code environment filename ${describeValue(name, 80)} cannot be used: it must be a non-empty name without "/", "\\" or control characters, and not "info" or "provenance"`,
    )
  }
  return name
}

/** A processing step: what was done (`description`), with which `parameters`, in which code environments. */
export class Process {
  /** The task description (the entry's `task`). */
  readonly description: string
  /** The parameters, JSON-normalised (a plain object). */
  readonly parameters: JsonObject
  readonly codeEnvs: readonly CodeEnv[]

  /**
   * @param description what the process does (non-empty)
   * @param parameters a plain JSON-serialisable object (tuples/typed arrays become lists)
   * @param codeEnvs the code environments, logged in this order
   */
  constructor(description: string, parameters: object = {}, codeEnvs: readonly CodeEnv[] = []) {
    if (typeof description !== 'string' || description.trim() === '') {
      throw new CirrusError('INVALID_ARGUMENT', `Process description must be a non-empty string (got ${describeValue(description, 80)})`)
    }
    const params = toJsonValue(parameters, 'parameters')
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new CirrusError('INVALID_ARGUMENT', `Process parameters must be a plain object (got ${describeValue(parameters, 80)})`)
    }
    if (!Array.isArray(codeEnvs)) {
      throw new CirrusError('INVALID_ARGUMENT', `Process code environments must be an array (got ${describeValue(codeEnvs, 80)})`)
    }
    for (const [i, env] of codeEnvs.entries()) {
      if (typeof env !== 'object' || env === null || typeof (env as CodeEnv).contents !== 'function') {
        throw new CirrusError('INVALID_ARGUMENT', `Process code environment ${i} is not a CodeEnv (got ${describeValue(env, 80)})`)
      }
      checkEnvFilename((env as CodeEnv).filename)
    }
    this.description = description
    this.parameters = params
    this.codeEnvs = Object.freeze([...codeEnvs])
    Object.defineProperty(this, PROCESS_BRAND, { value: true })
    Object.freeze(this)
  }

  /** The `processing` entry for this process. */
  entry(): ProcessingEntry {
    return { task: this.description, parameters: structuredClone(this.parameters), code_envfiles: this.codeEnvs.map((e) => e.filename) }
  }

  /** Each code environment's file name and JSON contents (normalised), in order. */
  envFiles(): Array<{ filename: string; contents: JsonValue }> {
    return this.codeEnvs.map((e) => ({ filename: checkEnvFilename(e.filename), contents: toJsonValue(e.contents(), `code environment ${e.filename}`) }))
  }

  /** True for a `Process` of any copy of this package. */
  static isProcess(value: unknown): value is Process {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PROCESS_BRAND] === true
  }

  toJSON(): ProcessingEntry {
    return this.entry()
  }
}

type Processing = Provenance['processing']

function asRecord(entry: unknown): Record<string, unknown> | undefined {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined
}

/**
 * provenance-toolbox `process_absent`: true unless an entry has `task === description` and
 * parameters equal after JSON normalisation. Entries without `task` or `parameters` are skipped.
 */
export function processAbsent(processing: Processing, process: Process): boolean {
  return !processing.some((entry) => {
    const e = asRecord(entry)
    return e !== undefined && 'task' in e && 'parameters' in e && e.task === process.description && jsonEqual(e.parameters, process.parameters)
  })
}

/** provenance-toolbox `codefile_absent`: true unless `filename` appears in some entry's `code_envfiles`. */
export function codefileAbsent(processing: Processing, filename: string): boolean {
  return !processing.some((entry) => {
    const files = asRecord(entry)?.code_envfiles
    return Array.isArray(files) && files.includes(filename)
  })
}
