import { describe, expect, it } from 'vitest'
import { createSchemaClient } from './client.js'
import { isHttpError, isInvalidParameterError } from '../http/errors.js'
import { GLOBAL } from '../test-support/fake-auth.js'
import { fakeContext, jsonResponse, routedFetch } from '../test-support/routed-fetch.js'

const S = `${GLOBAL}/schema/api/v2`
const def = (name: string) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  definitions: { [name]: { type: 'object', properties: {} } },
  $ref: `#/definitions/${name}`,
})

function setup(probe: Response | (() => Response) = jsonResponse([1, 2]), pinned?: number) {
  const f = routedFetch({
    [`GET ${GLOBAL}/schema/versions`]: typeof probe === 'function' ? probe : probe,
    [`GET ${S}/type`]: jsonResponse(['synapse', 'cell_type_local']),
    [`GET ${S}/type/synapse`]: jsonResponse(def('SynapseSchema')),
    [`POST ${S}/types`]: (req) => {
      const names = (req.url.searchParams.get('schema_names') ?? '').split(',')
      return jsonResponse(Object.fromEntries(names.map((n) => [n, def(n)])))
    },
    [`GET ${S}/types_all`]: jsonResponse({ synapse: def('SynapseSchema') }),
    [`GET ${GLOBAL}/schema/type`]: jsonResponse(['synapse']),
    [`GET ${GLOBAL}/schema/type/synapse`]: jsonResponse(def('V1Synapse')),
    [`GET ${GLOBAL}/schema/type/cell_type_local`]: jsonResponse(def('V1Cell')),
  })
  const { ctx, logger } = fakeContext({ fetch: f.fetch, ...(pinned !== undefined && { pinnedVersions: { schema: pinned } }) })
  return { f, schema: createSchemaClient(ctx), logger }
}

describe('schema client', () => {
  it('negotiates v2 once and reads names and definitions', async () => {
    const { f, schema, logger } = setup()
    expect(await schema.getSchemas()).toEqual(['synapse', 'cell_type_local'])
    expect(await schema.schema()).toEqual(['synapse', 'cell_type_local'])
    expect((await schema.schemaDefinition('synapse')).$ref).toBe('#/definitions/SynapseSchema')
    expect(Object.keys(await schema.schemaDefinitionAll())).toEqual(['synapse'])
    expect(await schema.getApiVersion()).toBe(2)
    expect(f.callsTo('GET /schema/versions')).toHaveLength(1)
    expect(logger.warnings).toEqual([])
  })

  it('sends schemaDefinitionMulti as a body-less POST with schema_names=a,b, retried like a GET', async () => {
    const { f, schema } = setup()
    let failures = 1
    f.on(`POST ${S}/types`, (req) => {
      if (failures-- > 0) return jsonResponse({ message: 'busy' }, 503)
      const names = (req.url.searchParams.get('schema_names') ?? '').split(',')
      return jsonResponse(Object.fromEntries(names.map((n) => [n, def(n)])))
    })
    const defs = await schema.schemaDefinitionMulti(['synapse', 'cell_type_local', 'synapse'])
    expect(Object.keys(defs)).toEqual(['synapse', 'cell_type_local'])
    const posts = f.callsTo('POST /schema/api/v2/types')
    expect(posts).toHaveLength(2)
    for (const p of posts) {
      expect(p.url.search).toBe('?schema_names=synapse,cell_type_local')
      expect(p.body).toBeUndefined()
      expect(p.headers.get('content-type')).toBeNull()
    }
    expect(await schema.schemaDefinitionMulti([])).toEqual({})
    await expect(schema.schemaDefinitionMulti(['a,b'])).rejects.toSatisfy(isInvalidParameterError)
    await expect(schema.schemaDefinition('')).rejects.toSatisfy(isInvalidParameterError)
  })

  it('falls back to v2 with a warning when the probe fails', async () => {
    const { schema, logger } = setup(() => jsonResponse({ message: 'down' }, 404))
    expect(await schema.getApiVersion()).toBe(2)
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(/^schema API version probe .*\/schema\/versions failed .*using v2$/)
  })

  it('uses the v1 routes when the server speaks only v1, emulating multi and all', async () => {
    const { f, schema } = setup(jsonResponse([1]))
    expect(await schema.getSchemas()).toEqual(['synapse'])
    expect((await schema.schemaDefinition('synapse')).$ref).toBe('#/definitions/V1Synapse')
    const multi = await schema.schemaDefinitionMulti(['synapse', 'cell_type_local'])
    expect(Object.keys(multi)).toEqual(['synapse', 'cell_type_local'])
    expect(Object.keys(await schema.schemaDefinitionAll())).toEqual(['synapse'])
    expect(f.calls.some((c) => c.url.pathname.includes('/api/v2/'))).toBe(false)
  })

  it('sends no probe when pinned, and rejects unknown pins', async () => {
    const { f, schema } = setup(jsonResponse([1, 2]), 1)
    expect(await schema.getApiVersion()).toBe(1)
    expect(f.callsTo('GET /schema/versions')).toHaveLength(0)
    expect(() => setup(jsonResponse([1, 2]), 5)).toThrow(/schema API v5 is not supported/)
  })

  it('throws HTTP errors (Python returns None with a warning)', async () => {
    const { f, schema } = setup()
    f.on(`GET ${S}/types_all`, jsonResponse({ message: 'boom' }, 400))
    await expect(schema.schemaDefinitionAll()).rejects.toSatisfy(isHttpError)
    await expect(schema.schemaDefinition('unknown')).rejects.toSatisfy((e) => isHttpError(e) && e.status === 404)
  })
})
