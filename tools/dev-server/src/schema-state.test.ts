/** The emulated schema and state services over real HTTP (no client library). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO_VIEWER_PATH,
  DEV_TOKEN,
  SCHEMAS,
  SCHEMA_NAMES,
  STATE_SERVICE_VERSION,
  parseJson,
  startDevServer,
  type DevServer,
} from './index.js'

let server: DevServer
const auth = { Authorization: `Bearer ${DEV_TOKEN}` }
const ADMIN_TOKEN = 'ad01ad01ad01ad01ad01ad01ad01ad01'

beforeAll(async () => {
  server = await startDevServer()
  server.tokens.add({ token: ADMIN_TOKEN, admin: true, name: 'Admin' })
})
afterAll(async () => {
  await server.close()
})

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${server.url}${path}`, { headers })
const post = (path: string, body?: string, headers: Record<string, string> = auth) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers, ...(body !== undefined && { body }) })

describe('schema service', () => {
  it('answers the version probe and lists the schema types (v2 and v1), publicly', async () => {
    expect(await (await get('/schema/versions', {})).json()).toEqual([1, 2])
    expect(await (await get('/schema/api/v2/type', {})).json()).toEqual(['bound_point', 'bound_tag', 'cell_type_local', 'synapse'])
    expect(await (await get('/schema/type', {})).json()).toEqual(SCHEMA_NAMES)
  })

  it('serves draft-07 documents with a $ref into definitions and a BoundSpatialPoint', async () => {
    for (const name of SCHEMA_NAMES) {
      const doc = (await (await get(`/schema/api/v2/type/${name}`)).json()) as {
        $schema: string
        $ref: string
        definitions: Record<string, { required?: string[]; properties: Record<string, unknown> }>
      }
      expect(doc).toEqual(SCHEMAS[name])
      expect(doc.$schema).toBe('http://json-schema.org/draft-07/schema#')
      const main = doc.$ref.replace('#/definitions/', '')
      expect(doc.definitions[main]).toBeDefined()
      const point = doc.definitions.BoundSpatialPoint
      expect(point?.required).toEqual(['position'])
      expect(Object.keys(point?.properties ?? {})).toEqual(['position', 'root_id', 'supervoxel_id'])
    }
    expect(await (await get('/schema/type/synapse')).json()).toEqual(SCHEMAS.synapse)
    const missing = await get('/schema/api/v2/type/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ message: 'Schema type nope not found' })
  })

  it('POST types?schema_names=a,b (no body) and types_all', async () => {
    const res = await post('/schema/api/v2/types?schema_names=synapse,bound_tag')
    expect(res.status).toBe(200)
    expect(Object.keys((await res.json()) as object)).toEqual(['synapse', 'bound_tag'])
    expect((await post('/schema/api/v2/types')).status).toBe(400)
    expect((await post('/schema/api/v2/types?schema_names=synapse,nope')).status).toBe(404)
    expect(await (await get('/schema/api/v2/types_all')).json()).toEqual(SCHEMAS)
  })
})

describe('state service', () => {
  it('reports its version and index publicly', async () => {
    expect(await (await get('/nglstate/api/v1/version', {})).json()).toBe(STATE_SERVICE_VERSION)
    expect(await (await get('/nglstate/api/v1/', {})).text()).toBe(`NeuroglancerJsonServer - v${STATE_SERVICE_VERSION}`)
  })

  it('stores the posted text as is under an id above 2^53, and re-serialises it losslessly', async () => {
    const body = '{"layers": [], "segment": 18446744073709551615, "f": 0.5}'
    const res = await post('/nglstate/api/v1/post', body)
    expect(res.status).toBe(200)
    const answer = (await res.json()) as string
    expect(answer).toMatch(new RegExp(`^${server.url}/nglstate/api/v1/\\d+$`))
    const id = BigInt(/(\d+)$/.exec(answer)?.[1] ?? '0')
    expect(id > 2n ** 53n && id < 2n ** 63n).toBe(true)
    expect(await (await get(`/nglstate/api/v1/raw/${id}`)).text()).toBe(body)
    const decoded = await (await get(`/nglstate/api/v1/${id}`)).text()
    expect(parseJson(decoded)).toEqual({ layers: [], segment: 18446744073709551615n, f: 0.5 })
    // Two uploads, two ids.
    const second = (await (await post('/nglstate/api/v1/post', '{}')).json()) as string
    expect(second).not.toBe(answer)
  })

  it('needs a token, valid JSON, a uint64 id, a known id and (for chosen ids) an admin', async () => {
    expect((await post('/nglstate/api/v1/post', '{}', { 'X-Requested-With': 'test' })).status).toBe(401)
    const bad = await post('/nglstate/api/v1/post', '{nope')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toMatch(/not valid JSON/)
    expect((await get('/nglstate/api/v1/abc')).status).toBe(400)
    expect((await get('/nglstate/api/v1/123')).status).toBe(404)
    const denied = await post('/nglstate/api/v1/post/77', '{}')
    expect(denied.status).toBe(403)
    expect(await denied.text()).toBe('Requires superadmin privilege.')
    const chosen = await post('/nglstate/api/v1/post/18446744073709551615', '{"a":1}', { Authorization: `Bearer ${ADMIN_TOKEN}` })
    expect(await chosen.json()).toBe(`${server.url}/nglstate/api/v1/18446744073709551615`)
    expect(await (await get('/nglstate/api/v1/18446744073709551615')).json()).toEqual({ a: 1 })
  })

  it('refuses bodies above 8 MiB with 413', async () => {
    const res = await post('/nglstate/api/v1/post', JSON.stringify({ s: 'x'.repeat(8 * 1024 * 1024) }))
    expect(res.status).toBe(413)
  })

  it('stores property files separately', async () => {
    const answer = (await (await post('/nglstate/api/v1/property/post', '{"@type":"neuroglancer_segment_properties"}')).json()) as string
    expect(answer).toMatch(/\/nglstate\/api\/v1\/property\/\d+$/)
    const id = /(\d+)$/.exec(answer)?.[1]
    expect(await (await get(`/nglstate/api/v1/property/${id}/info`)).json()).toEqual({ '@type': 'neuroglancer_segment_properties' })
    expect(await (await get(`/nglstate/api/v1/property/raw/${id}`)).text()).toBe('{"@type":"neuroglancer_segment_properties"}')
    expect((await get(`/nglstate/api/v1/${id}`)).status).toBe(404)
  })

  it('speaks the legacy v0 routes', async () => {
    const answer = (await (await post('/nglstate/post', '{"v":0}')).json()) as string
    expect(answer).toMatch(new RegExp(`^${server.url}/nglstate/\\d+$`))
    const id = /(\d+)$/.exec(answer)?.[1]
    expect(await (await get(`/nglstate/${id}`)).json()).toEqual({ v: 0 })
    expect(await (await get(`/nglstate/raw/${id}`)).text()).toBe('{"v":0}')
  })

  it('hosts a spelunker-flavoured neuroglancer stand-in (version.json) and nothing for other builds', async () => {
    expect(await (await get(`${DEMO_VIEWER_PATH}/version.json`, {})).json()).toMatchObject({ flavor: 'spelunker' })
    expect((await get('/neuroglancer/seunglab/version.json', {})).status).toBe(404)
  })
})
