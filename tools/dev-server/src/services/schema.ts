/**
 * Schema service (services spec §4.2): EMAnnotationSchemas at `{G}/schema`, serving the
 * definitions of `src/data/schemas.ts`. Public, like the real service.
 *
 * | route | response |
 * |---|---|
 * | `GET /schema/versions` | `[1, 2]` (API-version probe) |
 * | `GET /schema/api/v2/type` · v1 `GET /schema/type` | schema names |
 * | `GET /schema/api/v2/type/{t}` · v1 `GET /schema/type/{t}` | one JSON Schema document; unknown → 404 |
 * | `POST /schema/api/v2/types?schema_names=a,b` (no body) | `{name: document}`; unknown name → 404, none → 400 |
 * | `GET /schema/api/v2/types_all` | `{name: document}` for every type |
 */
import { SCHEMAS, SCHEMA_NAMES } from '../data/schemas.js'
import { badRequest, json, notFound } from '../http.js'
import type { DevService } from '../router.js'

const S = '/schema/api/v2'

/** The schema API versions the emulated service speaks. */
export const SCHEMA_API_VERSIONS = [1, 2] as const

function definition(name: string) {
  const doc = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined
  if (!doc) throw notFound(`Schema type ${name} not found`)
  return doc
}

export function schemaService(): DevService {
  return {
    name: 'schema',
    routes: [
      { method: 'GET', path: '/schema/versions', auth: 'public', handler: () => json(SCHEMA_API_VERSIONS) },
      { method: 'GET', path: `${S}/type`, auth: 'public', handler: () => json(SCHEMA_NAMES) },
      { method: 'GET', path: `${S}/type/:type`, auth: 'public', handler: (ctx) => json(definition(ctx.params.type ?? '')) },
      {
        method: 'POST',
        path: `${S}/types`,
        auth: 'public',
        handler: (ctx) => {
          const raw = ctx.query.get('schema_names')
          if (raw === null || raw.trim() === '') throw badRequest('schema_names query parameter is required')
          const names = raw.split(',').map((n) => n.trim()).filter(Boolean)
          return json(Object.fromEntries(names.map((n) => [n, definition(n)])))
        },
      },
      { method: 'GET', path: `${S}/types_all`, auth: 'public', handler: () => json(SCHEMAS) },
      // v1 (EMAnnotationSchemas before the /api/v2 prefix).
      { method: 'GET', path: '/schema/type', auth: 'public', handler: () => json(SCHEMA_NAMES) },
      { method: 'GET', path: '/schema/type/:type', auth: 'public', handler: (ctx) => json(definition(ctx.params.type ?? '')) },
    ],
  }
}
