/**
 * The schema service client (`client.schema`; services spec §4.2): EMAnnotationSchemas' schema
 * types and their JSON Schema (draft-07) definitions, from `{G}/schema`.
 *
 * API version: negotiated once with `GET {G}/schema/versions` (highest common of v1, v2; a failed
 * probe falls back to v2 with a logged warning), or `pinnedVersions.schema`. v1 has only
 * `schema/type` and `schema/type/{t}`; there `schemaDefinitionMulti` fetches each type separately
 * and `schemaDefinitionAll` lists then fetches them. Unlike Python, HTTP errors are thrown (Python
 * returns None with a warning for the multi/all forms).
 */
import { lazyAsync, type CallOptions, type ServiceContext } from '../framework/context.js'
import { requestEndpoint } from '../http/endpoints.js'
import { InvalidParameterError } from '../http/errors.js'
import { negotiateApiVersion } from '../versions/negotiate.js'
import { schemaService, schemaV1, schemaV2 } from './endpoints.js'
import type { SchemaDefinition } from './types.js'

export interface SchemaClient {
  /** `{G}`. */
  readonly serverAddress: string
  /** The API version in use: pinned, or negotiated on first call (cached). */
  getApiVersion(options?: CallOptions): Promise<1 | 2>
  /** Names of every schema type (`S/type`). */
  getSchemas(options?: CallOptions): Promise<string[]>
  /** Alias of `getSchemas` (Python's `schema()`). */
  schema(options?: CallOptions): Promise<string[]>
  /** One type's JSON Schema (`S/type/{type}`). */
  schemaDefinition(schemaType: string, options?: CallOptions): Promise<SchemaDefinition>
  /** Several types at once (`POST S/types?schema_names=a,b`, no body): `{name: definition}`. */
  schemaDefinitionMulti(schemaTypes: readonly string[], options?: CallOptions): Promise<Record<string, SchemaDefinition>>
  /** Every type (`S/types_all`): `{name: definition}`. */
  schemaDefinitionAll(options?: CallOptions): Promise<Record<string, SchemaDefinition>>
}

const CLIENT_VERSIONS = [1, 2] as const

export function createSchemaClient(ctx: ServiceContext): SchemaClient {
  const { http, logger } = ctx
  const baseUrl = ctx.serverAddress
  const pinned = ctx.pinnedVersions?.schema
  if (pinned !== undefined && !(CLIENT_VERSIONS as readonly number[]).includes(pinned)) {
    throw new InvalidParameterError('pinnedVersions.schema', `schema API v${pinned} is not supported; this client knows v1, v2`)
  }
  const probeUrl = `${baseUrl}${schemaService.apiVersionProbe.route.slice('GET '.length)}`
  const apiVersion = lazyAsync(async (signal) => {
    const r = await negotiateApiVersion({
      probeUrl,
      clientVersions: CLIENT_VERSIONS,
      fallback: schemaService.fallbackApiVersion,
      ...(pinned !== undefined && { pinned }),
      service: 'schema',
      http,
      logger,
      signal,
    })
    return r.version as 1 | 2
  })
  const sig = (o: CallOptions | undefined) => (o?.signal ? { signal: o.signal } : {})

  function checkType(t: unknown, parameter = 'schemaType'): string {
    if (typeof t !== 'string' || t.trim() === '') {
      throw new InvalidParameterError(parameter, `${parameter} must be a non-empty string, got ${JSON.stringify(t)}`)
    }
    return t
  }

  async function getSchemas(o: CallOptions = {}): Promise<string[]> {
    const v = await apiVersion(o)
    return requestEndpoint(http, v === 1 ? schemaV1.schemas : schemaV2.schemas, { baseUrl, ...sig(o) })
  }

  async function schemaDefinition(schemaType: string, o: CallOptions = {}): Promise<SchemaDefinition> {
    const t = checkType(schemaType)
    const v = await apiVersion(o)
    const ep = v === 1 ? schemaV1.schemaDefinition : schemaV2.schemaDefinition
    return requestEndpoint(http, ep, { baseUrl, params: { schema_type: t }, ...sig(o) })
  }

  async function schemaDefinitionMulti(
    schemaTypes: readonly string[],
    o: CallOptions = {},
  ): Promise<Record<string, SchemaDefinition>> {
    if (!Array.isArray(schemaTypes)) throw new InvalidParameterError('schemaTypes', 'schemaTypes must be an array of names')
    const types = [...new Set(schemaTypes.map((t, i) => checkType(t, `schemaTypes[${i}]`)))]
    for (const [i, t] of types.entries()) {
      if (t.includes(',')) throw new InvalidParameterError(`schemaTypes[${i}]`, `schema type "${t}" contains a comma`)
    }
    if (types.length === 0) return {}
    const v = await apiVersion(o)
    if (v === 1) {
      const defs = await Promise.all(types.map((t) => schemaDefinition(t, o)))
      return Object.fromEntries(types.map((t, i) => [t, defs[i] as SchemaDefinition]))
    }
    return requestEndpoint(http, schemaV2.schemaDefinitionMulti, {
      baseUrl,
      query: { schema_names: types },
      ...sig(o),
    })
  }

  return {
    serverAddress: baseUrl,
    getApiVersion: (o) => apiVersion(o),
    getSchemas,
    schema: getSchemas,
    schemaDefinition,
    schemaDefinitionMulti,
    async schemaDefinitionAll(o = {}) {
      const v = await apiVersion(o)
      if (v === 1) return schemaDefinitionMulti(await getSchemas(o), o)
      return requestEndpoint(http, schemaV2.schemaDefinitionAll, { baseUrl, ...sig(o) })
    },
  }
}
