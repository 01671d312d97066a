/**
 * Annotation service (services spec §4.3): AnnotationEngine v2 on the local server,
 * `A = /annotation/api/v2/aligned_volume/{av}`. Permissions are checked on the aligned volume's
 * middle_auth group (`view` to read, `edit` to write), then the table's own read/write permission
 * (PRIVATE: owner only; GROUP: owner or a user sharing a group; PUBLIC: anyone).
 *
 * | route | response |
 * |---|---|
 * | `GET A/table[?timestamp=&filter_valid=]` | table names (valid ones by default; as of `timestamp`, naive UTC) |
 * | `POST A/table` `{schema_type, table_name, metadata}` | 200 text: the table name. Name not `^[a-z_]+[a-z0-9_]*$` → 400; exists → 400; no description → **404** `Table description required`; unknown schema → 400 |
 * | `PUT A/table` `{table_name, metadata}` | new metadata; owner only (403) |
 * | `GET A/table/{t}` | metadata with status **201** (as the real engine) |
 * | `DELETE A/table/{t}` | `true`; owner only; marks the table deleted |
 * | `GET A/table/{t}/count` | rows ever written (superseded and deleted ones included) |
 * | `GET A/table/{t}/annotations?annotation_ids=1,2` | rows, flat columns (`pt_position`), `created`/`deleted` as Python `str(datetime)` (`"None"`); none found → 404 |
 * | `POST A/table/{t}/annotations` `{annotations: […]}` | new ids in row order; > 10,000 rows → 413; invalid rows → **422** with marshmallow-style `errors` |
 * | `PUT A/table/{t}/annotations` `{annotations: [{id, …}]}` | `{"<old id>": <new id>}`; applied row by row: unknown id → 404, superseded → 409, invalid → 422 (earlier rows stay updated) |
 * | `DELETE A/table/{t}/annotations` `{annotation_ids: […]}` | ids marked deleted; none found → 404 (JSON string) |
 *
 * Table metadata and annotation reads carry `Warning: Table Owner Notice: <notice_text>` when the
 * table has a (non-empty) notice. Unknown aligned volume → 400 `aligned volume: X not valid`.
 * Differences from the real engine, on purpose: upper-case names are refused (the engine lower-cases
 * them with a warning), points keep posted `root_id`/`supervoxel_id` (the engine moves them to a
 * segmentation table), and no supervoxel lookup is triggered.
 */
import type { AuthRequirement, DevUser } from '../auth.js'
import type { RequestContext } from '../context.js'
import { SCHEMAS, type JsonSchemaDocument } from '../data/schemas.js'
import { HttpError, badRequest, json, jsonError, notFound, text, type HeaderValue, type Reply } from '../http.js'
import type { JsonValue } from '../json.js'
import type { DevService } from '../router.js'
import {
  AnnotationStore,
  isoNaive,
  strNaive,
  type AnnotationStoreOptions,
  type Permission,
  type StoredRow,
  type StoredTable,
  type TableMetadataRecord,
} from './annotation-store.js'
import { pointFields, validateRow, type FieldErrors } from './annotation-validate.js'

const A = '/annotation/api/v2/aligned_volume/:av'
export const TABLE_NAME_PATTERN = /^[a-z_]+[a-z0-9_]*$/
/** Rows per insert (`AnnotationInsertLimitExceeded`). */
export const ANNOTATION_INSERT_LIMIT = 10_000
const PERMISSIONS: readonly Permission[] = ['PRIVATE', 'GROUP', 'PUBLIC']
const UINT64_MAX = (1n << 64n) - 1n

export interface AnnotationServiceOptions extends AnnotationStoreOptions {
  /** Use this store (shared with a test) instead of making one from the options. */
  store?: AnnotationStore
}

type Obj = Record<string, JsonValue>

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function fail(status: number, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(jsonError(status, message, extra))
}

/** The middle_auth group guarding aligned volume `av` (its datastack's group, else its own name). */
function groupOf(ctx: RequestContext, av: string): string | undefined {
  if (!ctx.dataset.alignedVolumes.some((a) => a.name === av)) return undefined
  return ctx.dataset.datastacks.find((d) => d.info.aligned_volume.name === av)?.permissionGroup ?? av
}

const permission = (p: 'view' | 'edit'): AuthRequirement => ({ permission: p, dataset: (ctx) => groupOf(ctx, ctx.params.av ?? '') })

function alignedVolume(ctx: RequestContext): string {
  const av = ctx.params.av ?? ''
  if (groupOf(ctx, av) === undefined) throw badRequest(`aligned volume: ${av} not valid`)
  return av
}

function sharesGroup(ctx: RequestContext, user: DevUser, ownerId: string): boolean {
  const owner = /^\d+$/.test(ownerId) ? ctx.state.tokens.byId(Number(ownerId)) : undefined
  return owner !== undefined && owner.groups.some((g) => user.groups.includes(g))
}

function allowed(ctx: RequestContext, level: Permission, ownerId: string): boolean {
  const user = ctx.user
  if (!user) return false
  if (level === 'PUBLIC' || String(user.id) === ownerId || user.admin) return true
  return level === 'GROUP' && sharesGroup(ctx, user, ownerId)
}

function noticeHeaders(t: StoredTable): Record<string, HeaderValue> {
  const notice = t.metadata.notice_text
  return notice ? { Warning: `Table Owner Notice: ${notice}` } : {}
}

function parseIds(raw: unknown, what: string): bigint[] {
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw
  if (!Array.isArray(list) || list.length === 0) throw badRequest(`${what} must be a non-empty list of ids`)
  return list.map((v) => {
    const id = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : undefined
    if (id === undefined || id < 0n || id > UINT64_MAX) throw badRequest(`${what}: invalid id ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}`)
    return id
  })
}

/** Naive ISO (UTC) or with an offset, as flask-restx/`datetime.fromisoformat` read it. */
function parseTimestamp(raw: string): Date {
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw}Z`
  const d = new Date(zoned.replace(' ', 'T'))
  if (Number.isNaN(d.getTime())) throw badRequest(`timestamp: invalid datetime "${raw}"`)
  return d
}

function parseBool(raw: string | null, name: string, fallback: boolean): boolean {
  if (raw === null) return fallback
  if (/^(true|1|yes|on)$/i.test(raw)) return true
  if (/^(false|0|no|off)$/i.test(raw)) return false
  throw badRequest(`${name}: invalid boolean "${raw}"`)
}

/** A stored row the way the engine sends it back: flat point columns, Python-ish timestamps. */
function rowOut(row: StoredRow, points: readonly string[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {
    id: row.id,
    created: row.created,
    deleted: row.deleted ?? 'None',
    superceded_id: row.superceded_id,
    valid: row.valid,
  }
  for (const [k, v] of Object.entries(row.data)) {
    if (points.includes(k) && isObj(v)) {
      for (const [part, pv] of Object.entries(v)) out[`${k}_${part}`] = pv
    } else {
      out[k] = v
    }
  }
  return out
}

export function annotationService(options: AnnotationServiceOptions = {}): DevService {
  const store = options.store ?? new AnnotationStore(options)

  function schemaOf(t: StoredTable): JsonSchemaDocument {
    const doc = Object.hasOwn(SCHEMAS, t.metadata.schema_type) ? SCHEMAS[t.metadata.schema_type] : undefined
    if (!doc) throw fail(500, `schema ${t.metadata.schema_type} of table ${t.metadata.table_name} is unknown`)
    return doc
  }

  function tableOr404(ctx: RequestContext, av: string, name: string | undefined, allowDeleted = false): StoredTable {
    const t = store.table(av, name ?? '')
    if (!t) throw notFound(`Table ${name ?? ''} not found in aligned volume ${av}`)
    if (t.metadata.deleted !== null && !allowDeleted) throw notFound(`Table ${name ?? ''} has been deleted`)
    return t
  }

  function canRead(ctx: RequestContext, t: StoredTable): void {
    if (!allowed(ctx, t.metadata.read_permission, t.metadata.user_id)) {
      throw fail(403, `User ${ctx.user?.id ?? '?'} does not have permission to read table ${t.metadata.table_name} (read permission ${t.metadata.read_permission})`)
    }
  }

  function canWrite(ctx: RequestContext, t: StoredTable): void {
    if (!allowed(ctx, t.metadata.write_permission, t.metadata.user_id)) {
      throw fail(403, `User ${ctx.user?.id ?? '?'} does not have permission to write to table ${t.metadata.table_name} (write permission ${t.metadata.write_permission})`)
    }
  }

  function mustOwn(ctx: RequestContext, t: StoredTable): void {
    if (String(ctx.user?.id) !== t.metadata.user_id && !ctx.user?.admin) {
      throw fail(403, `User ${ctx.user?.id ?? '?'} is not the owner of table ${t.metadata.table_name}`)
    }
  }

  /** 422 with marshmallow-style messages when any row is invalid. */
  function validateRows(doc: JsonSchemaDocument, rows: JsonValue[], requireId: boolean): Obj[] {
    const errors: Record<string, FieldErrors> = {}
    rows.forEach((row, i) => {
      if (!isObj(row)) {
        errors[String(i)] = { _schema: ['Invalid input type.'] }
        return
      }
      const { id, ...data } = row
      const e = validateRow(doc, data) ?? {}
      if (requireId && (id === undefined || id === null)) e.id = ['Annotation requires an \'id\' to update targeted row']
      else if (id !== undefined && id !== null) {
        try {
          parseIds([id], 'id')
        } catch {
          e.id = ['Not a valid integer.']
        }
      }
      if (Object.keys(e).length > 0) errors[String(i)] = e
    })
    if (Object.keys(errors).length > 0) {
      const first = Object.entries(errors)[0] as [string, FieldErrors]
      throw fail(422, `Invalid annotation data: row ${first[0]}: ${JSON.stringify(first[1])}`, { errors })
    }
    return rows as Obj[]
  }

  async function annotationsBody(ctx: RequestContext): Promise<JsonValue[]> {
    const body = await ctx.json()
    if (!isObj(body) || !Array.isArray(body.annotations)) throw badRequest('Request body must be {"annotations": [ ... ]}')
    return body.annotations
  }

  function newRow(t: StoredTable, data: Obj, wanted?: bigint): StoredRow {
    const row: StoredRow = { id: store.takeId(t, wanted), created: strNaive(store.now()), deleted: null, superceded_id: null, valid: true, data }
    t.rows.set(row.id, row)
    return row
  }

  function metadataIn(raw: unknown): Obj {
    if (!isObj(raw)) throw badRequest('metadata must be an object')
    return raw
  }

  function textOrNull(v: JsonValue | undefined, name: string): string | null {
    if (v === undefined || v === null) return null
    if (typeof v !== 'string') throw badRequest(`metadata.${name}: Not a valid string.`)
    return v
  }

  function permissionIn(v: JsonValue | undefined, name: string, fallback: Permission): Permission {
    if (v === undefined || v === null) return fallback
    if (!PERMISSIONS.includes(v as Permission)) throw badRequest(`metadata.${name}: Must be one of: PRIVATE, GROUP, PUBLIC.`)
    return v as Permission
  }

  function userIdIn(v: JsonValue | undefined, ctx: RequestContext): string {
    if (v === undefined || v === null) return String(ctx.user?.id ?? '')
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') return String(v)
    throw badRequest('metadata.user_id: Not a valid string.')
  }

  return {
    name: 'annotation',
    routes: [
      {
        method: 'GET',
        path: `${A}/table`,
        auth: permission('view'),
        handler: (ctx) => {
          const av = alignedVolume(ctx)
          const ts = ctx.query.get('timestamp')
          const at = ts === null || ts === '' ? undefined : parseTimestamp(ts)
          const filterValid = parseBool(ctx.query.get('filter_valid'), 'filter_valid', true)
          const names: string[] = []
          for (const [name, t] of store.tables(av)) {
            const created = parseTimestamp(t.metadata.created)
            const deleted = t.metadata.deleted === null ? undefined : parseTimestamp(t.metadata.deleted)
            if (at) {
              if (created > at || (filterValid && deleted && deleted <= at)) continue
            } else if (filterValid && deleted) continue
            names.push(name)
          }
          return json(names)
        },
      },
      {
        method: 'POST',
        path: `${A}/table`,
        auth: permission('edit'),
        handler: async (ctx) => {
          const av = alignedVolume(ctx)
          const body = await ctx.json()
          if (!isObj(body)) throw badRequest('Request body must be {"schema_type", "table_name", "metadata"}')
          const name = body.table_name
          const schemaType = body.schema_type
          if (typeof name !== 'string') throw badRequest('table_name: Missing data for required field.')
          if (typeof schemaType !== 'string') throw badRequest('schema_type: Missing data for required field.')
          const md = metadataIn(body.metadata)
          if (md.description === undefined || md.description === null) throw notFound('Table description required')
          if (!TABLE_NAME_PATTERN.test(name)) throw badRequest(`Table name "${name}" must match ${TABLE_NAME_PATTERN.source}`)
          if (store.table(av, name)) throw badRequest(`Table ${name} already exists`)
          if (!Object.hasOwn(SCHEMAS, schemaType)) throw badRequest(`Schema type ${schemaType} is not a known schema`)
          const res: number[] = []
          for (const axis of ['x', 'y', 'z']) {
            const v = md[`voxel_resolution_${axis}`]
            if (typeof v !== 'number' || !(v > 0)) throw badRequest(`metadata.voxel_resolution_${axis}: Not a valid number.`)
            res.push(v)
          }
          const tm = md.table_metadata
          if (tm !== undefined && tm !== null && !isObj(tm)) throw badRequest('metadata.table_metadata must be an object')
          const notice = textOrNull(md.notice_text, 'notice_text')
          store.createTable(av, {
            table_name: name,
            schema_type: schemaType,
            description: textOrNull(md.description, 'description') ?? '',
            user_id: userIdIn(md.user_id, ctx),
            reference_table: isObj(tm) ? textOrNull(tm.reference_table, 'table_metadata.reference_table') : null,
            flat_segmentation_source: textOrNull(md.flat_segmentation_source, 'flat_segmentation_source'),
            notice_text: notice === '' ? null : notice,
            read_permission: permissionIn(md.read_permission, 'read_permission', 'PUBLIC'),
            write_permission: permissionIn(md.write_permission, 'write_permission', 'PRIVATE'),
            voxel_resolution_x: res[0] as number,
            voxel_resolution_y: res[1] as number,
            voxel_resolution_z: res[2] as number,
          })
          return text(name, 200, 'text/html; charset=utf-8')
        },
      },
      {
        method: 'PUT',
        path: `${A}/table`,
        auth: permission('edit'),
        handler: async (ctx) => {
          const av = alignedVolume(ctx)
          const body = await ctx.json()
          if (!isObj(body) || typeof body.table_name !== 'string') throw badRequest('Request body must be {"table_name", "metadata"}')
          const t = tableOr404(ctx, av, body.table_name)
          mustOwn(ctx, t)
          const md = metadataIn(body.metadata)
          const allowedKeys = ['description', 'flat_segmentation_source', 'read_permission', 'write_permission', 'user_id', 'notice_text']
          const unknown = Object.keys(md).filter((k) => !allowedKeys.includes(k))
          if (unknown.length > 0) throw badRequest(`metadata: Unknown field(s): ${unknown.join(', ')}`)
          const next: TableMetadataRecord = { ...t.metadata }
          if (md.description !== undefined) next.description = textOrNull(md.description, 'description') ?? ''
          if (md.flat_segmentation_source !== undefined) next.flat_segmentation_source = textOrNull(md.flat_segmentation_source, 'flat_segmentation_source')
          if (md.read_permission !== undefined) next.read_permission = permissionIn(md.read_permission, 'read_permission', next.read_permission)
          if (md.write_permission !== undefined) next.write_permission = permissionIn(md.write_permission, 'write_permission', next.write_permission)
          if (md.user_id !== undefined) next.user_id = userIdIn(md.user_id, ctx)
          if (md.notice_text !== undefined) {
            const n = textOrNull(md.notice_text, 'notice_text')
            next.notice_text = n === '' ? null : n
          }
          t.metadata = next
          store.touch(t)
          store.save()
          return json(t.metadata)
        },
      },
      {
        method: 'GET',
        path: `${A}/table/:table`,
        auth: permission('view'),
        handler: (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table, true)
          return json(t.metadata, 201, noticeHeaders(t))
        },
      },
      {
        method: 'DELETE',
        path: `${A}/table/:table`,
        auth: permission('edit'),
        handler: (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table)
          mustOwn(ctx, t)
          t.metadata.deleted = isoNaive(store.now())
          t.metadata.valid = false
          store.touch(t)
          store.save()
          return json(true)
        },
      },
      {
        method: 'GET',
        path: `${A}/table/:table/count`,
        auth: permission('view'),
        handler: (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table, true)
          canRead(ctx, t)
          return json(t.rows.size)
        },
      },
      {
        method: 'GET',
        path: `${A}/table/:table/annotations`,
        auth: permission('view'),
        handler: (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table, true)
          canRead(ctx, t)
          const raw = ctx.query.get('annotation_ids')
          if (raw === null || raw === '') throw badRequest('annotation_ids: Missing required parameter in the query string')
          const wanted = new Set(parseIds(raw, 'annotation_ids'))
          const points = pointFields(schemaOf(t))
          const rows = [...t.rows.values()].filter((r) => wanted.has(r.id)).map((r) => rowOut(r, points))
          if (rows.length === 0) throw notFound(`annotation_id [${[...wanted].join(', ')}] not in ${t.metadata.table_name}`)
          return json(rows, 200, noticeHeaders(t))
        },
      },
      {
        method: 'POST',
        path: `${A}/table/:table/annotations`,
        auth: permission('edit'),
        handler: async (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table)
          canWrite(ctx, t)
          const list = await annotationsBody(ctx)
          if (list.length > ANNOTATION_INSERT_LIMIT) {
            throw fail(413, `Annotation insert limit exceeded: ${list.length} annotations, limit is ${ANNOTATION_INSERT_LIMIT}`)
          }
          const rows = validateRows(schemaOf(t), list, false)
          const seen = new Set<bigint>()
          for (const r of rows) {
            if (r.id === undefined || r.id === null) continue
            const [id] = parseIds([r.id], 'id') as [bigint]
            if (t.rows.has(id) || seen.has(id)) throw fail(409, `Annotation id ${id} already exists in ${t.metadata.table_name}`)
            seen.add(id)
          }
          const ids = rows.map((r) => {
            const { id, ...data } = r
            return newRow(t, data, id === undefined || id === null ? undefined : (parseIds([id], 'id')[0] as bigint)).id
          })
          store.touch(t)
          store.save()
          return json(ids)
        },
      },
      {
        method: 'PUT',
        path: `${A}/table/:table/annotations`,
        auth: permission('edit'),
        handler: async (ctx) => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table)
          canWrite(ctx, t)
          const list = await annotationsBody(ctx)
          if (list.length > ANNOTATION_INSERT_LIMIT) {
            throw fail(413, `Annotation insert limit exceeded: ${list.length} annotations, limit is ${ANNOTATION_INSERT_LIMIT}`)
          }
          const doc = schemaOf(t)
          const mapping: Record<string, bigint> = {}
          try {
            // Row by row, like the engine: a failure leaves the earlier rows updated.
            for (const [i, raw] of list.entries()) {
              const [row] = validateRows(doc, [raw], true).map((r) => r) as [Obj]
              const { id, ...data } = row
              const oldId = parseIds([id as JsonValue], 'id')[0] as bigint
              const old = t.rows.get(oldId)
              if (!old) throw notFound(`No result found for annotation id ${oldId} in ${t.metadata.table_name} (row ${i})`)
              if (old.superceded_id !== null) {
                throw fail(409, `Annotation ${oldId} has already been superseded by ${old.superceded_id} (row ${i})`)
              }
              const fresh = newRow(t, data)
              old.superceded_id = fresh.id
              old.deleted = strNaive(store.now())
              old.valid = false
              mapping[String(oldId)] = fresh.id
            }
          } finally {
            if (Object.keys(mapping).length > 0) {
              store.touch(t)
              store.save()
            }
          }
          return json(mapping)
        },
      },
      {
        method: 'DELETE',
        path: `${A}/table/:table/annotations`,
        auth: permission('edit'),
        handler: async (ctx): Promise<Reply> => {
          const t = tableOr404(ctx, alignedVolume(ctx), ctx.params.table)
          canWrite(ctx, t)
          const body = await ctx.json()
          if (!isObj(body)) throw badRequest('Request body must be {"annotation_ids": [ ... ]}')
          const ids = parseIds(body.annotation_ids, 'annotation_ids')
          const deleted: bigint[] = []
          const when = strNaive(store.now())
          for (const id of ids) {
            const row = t.rows.get(id)
            if (!row) continue
            row.deleted = when
            row.valid = false
            deleted.push(id)
          }
          if (deleted.length === 0) return json(`annotation_id [${ids.join(', ')}] not in table ${t.metadata.table_name}`, 404)
          store.touch(t)
          store.save()
          return json(deleted)
        },
      },
    ],
  }
}
