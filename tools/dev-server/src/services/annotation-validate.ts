/**
 * Server-side validation of annotation rows against the EMAnnotationSchemas documents of
 * `src/data/schemas.ts`, with marshmallow-style messages (`{"pt": {"position": ["Missing data for
 * required field."]}}`), as AnnotationEngine's 422 answers carry them. A small JSON-Schema subset:
 * `$ref` to `#/definitions/…`, `type`, `properties`, `required`, `items`, `minItems`/`maxItems`,
 * `minimum`/`maximum`, `enum`. Independent of the client's validator on purpose.
 */
import type { JsonSchemaDocument } from '../data/schemas.js'

/** Field → messages, nested like the row (marshmallow's `ValidationError.messages`). */
export interface FieldErrors {
  [field: string]: string[] | FieldErrors
}

type Schema = Record<string, unknown>

const TYPE_MESSAGES: Record<string, string> = {
  string: 'Not a valid string.',
  number: 'Not a valid number.',
  integer: 'Not a valid integer.',
  boolean: 'Not a valid boolean.',
  object: 'Invalid input type.',
  array: 'Not a valid list.',
  null: 'Field may not be null.',
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint'
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint'
    case 'boolean':
      return typeof value === 'boolean'
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
    case 'null':
      return value === null
    default:
      return true
  }
}

function resolve(doc: JsonSchemaDocument, schema: Schema): Schema {
  let s = schema
  for (let depth = 0; typeof s.$ref === 'string' && depth < 20; depth++) {
    const name = s.$ref.replace(/^#\/definitions\//, '')
    const target = doc.definitions[name] as Schema | undefined
    if (!target) return {}
    // Siblings of `$ref` (type, description) add nothing the target does not say.
    s = target
  }
  return s
}

/** Messages for one value, or undefined when it is valid. */
function check(doc: JsonSchemaDocument, schema: Schema, value: unknown): string[] | FieldErrors | undefined {
  const s = resolve(doc, schema)
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]
  if (value === null) return types.includes('null') ? undefined : ['Field may not be null.']
  if (types.length > 0 && !types.some((t) => isType(value, t))) return [TYPE_MESSAGES[types[0] as string] ?? 'Invalid value.']
  const messages: string[] = []
  if (Array.isArray(s.enum) && !s.enum.some((e) => e === value)) messages.push(`Must be one of: ${s.enum.join(', ')}.`)
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof s.minimum === 'number' && value < s.minimum) messages.push(`Must be greater than or equal to ${s.minimum}.`)
    if (typeof s.maximum === 'number' && value > s.maximum) messages.push(`Must be less than or equal to ${s.maximum}.`)
  }
  if (Array.isArray(value)) {
    const min = typeof s.minItems === 'number' ? s.minItems : undefined
    const max = typeof s.maxItems === 'number' ? s.maxItems : undefined
    if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) {
      messages.push(min === max ? `Length must be ${min}.` : `Length must be between ${min ?? 0} and ${max ?? 'any'}.`)
    }
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) {
      const items: FieldErrors = {}
      value.forEach((v, i) => {
        const e = check(doc, s.items as Schema, v)
        if (e) items[String(i)] = e
      })
      if (Object.keys(items).length > 0) return items
    }
  }
  if (messages.length > 0) return messages
  if (isType(value, 'object') && (s.properties || s.required)) return checkObject(doc, s, value as Record<string, unknown>)
  return undefined
}

function checkObject(doc: JsonSchemaDocument, s: Schema, value: Record<string, unknown>): FieldErrors | undefined {
  const errors: FieldErrors = {}
  for (const name of (s.required as string[] | undefined) ?? []) {
    if (value[name] === undefined) errors[name] = ['Missing data for required field.']
  }
  for (const [name, sub] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) {
    if (value[name] === undefined || errors[name]) continue
    const e = check(doc, sub, value[name])
    if (e) errors[name] = e
  }
  return Object.keys(errors).length > 0 ? errors : undefined
}

/** Marshmallow-style messages for `row`, or undefined when it is valid. Unknown fields are allowed. */
export function validateRow(doc: JsonSchemaDocument, row: unknown): FieldErrors | undefined {
  const e = check(doc, { $ref: doc.$ref }, row)
  if (e === undefined) return undefined
  return Array.isArray(e) ? { _schema: e } : e
}

/** The top-level fields of a schema that are spatial points (a `$ref` to a definition with `position`). */
export function pointFields(doc: JsonSchemaDocument): string[] {
  const top = resolve(doc, { $ref: doc.$ref })
  const out: string[] = []
  for (const [name, sub] of Object.entries((top.properties as Record<string, Schema> | undefined) ?? {})) {
    const target = resolve(doc, sub)
    if (sub.$ref !== undefined && (target.properties as Record<string, unknown> | undefined)?.position !== undefined) out.push(name)
  }
  return out
}
