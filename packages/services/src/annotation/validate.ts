/**
 * Client-side validation of annotation rows against the table's EMAnnotationSchemas definition
 * (JSON Schema draft-07, `S/type/{schema_type}`), with ajv. Every problem of every row is
 * collected, so one run tells the caller everything to fix.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ResponseFormatError } from '../http/errors.js'
import { forValidation, type WireRow } from './rows.js'
import type { RowProblem } from './types.js'

/** The parts of a schema document the client reads; everything else is passed to ajv as is. */
export interface AnnotationSchemaDocument {
  $schema?: string
  definitions: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }>
  $ref: string
  [key: string]: unknown
}

export interface CompiledSchema {
  /** The top-level definition's name (`BoundTagAnnotation`, …). */
  name: string
  /** Top-level fields that are spatial points (`pt`, `pre_pt`, …). */
  pointFields: ReadonlySet<string>
  validate(row: WireRow): Array<Omit<RowProblem, 'row'>>
}

const POINT_CLASSES = new Set(['SpatialPoint', 'BoundSpatialPoint'])

function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined
}

export function isSchemaDocument(v: unknown): v is AnnotationSchemaDocument {
  if (v === null || typeof v !== 'object') return false
  const d = v as Record<string, unknown>
  const name = refName(d.$ref)
  return name !== undefined && d.definitions !== null && typeof d.definitions === 'object' && name in (d.definitions as object)
}

export interface SchemaCompiler {
  get(schemaType: string): CompiledSchema | undefined
  compile(schemaType: string, doc: unknown): CompiledSchema
}

/** A validator factory: one ajv instance, validators compiled once per schema type (success only). */
export function createSchemaCompiler(): SchemaCompiler {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false })
  const cache = new Map<string, CompiledSchema>()
  const get = (schemaType: string) => cache.get(schemaType)
  const compile = (schemaType: string, doc: unknown): CompiledSchema => {
    const hit = cache.get(schemaType)
    if (hit) return hit
    if (!isSchemaDocument(doc)) {
      throw new ResponseFormatError(
        `schema "${schemaType}": expected a JSON Schema document {"definitions": …, "$ref": "#/definitions/<Name>"}`,
      )
    }
    const name = refName(doc.$ref) as string
    const top = doc.definitions[name] ?? {}
    const pointFields = new Set<string>()
    for (const [field, spec] of Object.entries(top.properties ?? {})) {
      const target = refName(spec.$ref)
      const def = target === undefined ? undefined : doc.definitions[target]
      if (target !== undefined && (POINT_CLASSES.has(target) || (def?.properties && 'position' in def.properties))) {
        pointFields.add(field)
      }
    }
    let check: ValidateFunction
    try {
      // A copy without `$schema`: ajv knows draft-07 as its default and would reject other URIs.
      const { $schema: _ignored, ...body } = doc
      check = ajv.compile(body)
    } catch (e) {
      throw new ResponseFormatError(`schema "${schemaType}" is not a usable JSON Schema: ${(e as Error).message}`)
    }
    const compiled: CompiledSchema = {
      name,
      pointFields,
      validate(row) {
        if (check(forValidation(row))) return []
        return (check.errors ?? []).map(describe)
      },
    }
    cache.set(schemaType, compiled)
    return compiled
  }
  return { get, compile }
}

/** An ajv error as field + problem, e.g. `pt.position` / `must NOT have fewer than 3 items`. */
function describe(e: ErrorObject): Omit<RowProblem, 'row'> {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty?: string }).missingProperty ?? '')
    return { field: [...path, missing].join('.'), problem: 'is required but missing' }
  }
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty?: string }).additionalProperty ?? '')
    return { field: [...path, extra].join('.'), problem: 'is not a field of this schema' }
  }
  const field = path.map((s) => (/^\d+$/.test(s) ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[')
  let problem = e.message ?? e.keyword
  if (e.keyword === 'enum') problem += `: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`
  return { field, problem }
}
