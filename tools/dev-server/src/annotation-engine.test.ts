/**
 * The emulated AnnotationEngine on the wire (plain fetch, no client): status codes, bodies and
 * headers the real engine sends, and the server-side validator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ALIGNED_VOLUME, DEV_TOKEN, SCHEMAS, parseJson, startDevServer, type DevServer } from './index.js'
import { pointFields, validateRow } from './services/annotation-validate.js'

let server: DevServer
let A: string
const auth = { Authorization: `Bearer ${DEV_TOKEN}` }

beforeAll(async () => {
  server = await startDevServer({ annotationFirstId: 2n ** 53n + 1n })
  A = `${server.url}/annotation/api/v2/aligned_volume/${DEMO_ALIGNED_VOLUME}`
})
afterAll(() => server.close())

const send = (method: string, path: string, body?: string) =>
  fetch(`${A}${path}`, { method, headers: { ...auth, 'Content-Type': 'application/json' }, ...(body !== undefined && { body }) })

const create = (name: string, metadata: Record<string, unknown> = {}) =>
  send(
    'POST',
    '/table',
    JSON.stringify({
      schema_type: 'synapse',
      table_name: name,
      metadata: { description: 'd', voxel_resolution_x: 4, voxel_resolution_y: 4, voxel_resolution_z: 40, ...metadata },
    }),
  )

const synapse = (i: number) => ({
  pre_pt: { position: [i, 0, 0] },
  ctr_pt: { position: [i, 1, 0] },
  post_pt: { position: [i, 2, 0] },
  size: i,
})

describe('annotation engine on the wire', () => {
  it('create answers text; metadata answers 201 with the notice as a Warning header', async () => {
    const r = await create('syn_wire', { notice_text: 'cite' })
    expect(r.status).toBe(200)
    expect(await r.text()).toBe('syn_wire')
    const md = await send('GET', '/table/syn_wire')
    expect(md.status).toBe(201)
    expect(md.headers.get('warning')).toBe('Table Owner Notice: cite')
    expect(await md.json()).toMatchObject({
      table_name: 'syn_wire',
      schema_type: 'synapse',
      voxel_resolution_x: 4,
      voxel_resolution_z: 40,
      read_permission: 'PUBLIC',
      write_permission: 'PRIVATE',
      user_id: '1',
      deleted: null,
    })
  })

  it('rows come back flat, with Python-style timestamps and exact ids above 2^53', async () => {
    const post = await send('POST', '/table/syn_wire/annotations', JSON.stringify({ annotations: [synapse(1), synapse(2)] }))
    expect(post.status).toBe(200)
    const ids = parseJson(await post.text()) as bigint[]
    expect(ids).toEqual([2n ** 53n + 1n, 2n ** 53n + 2n])
    const get = await send('GET', `/table/syn_wire/annotations?annotation_ids=${ids.join(',')}`)
    expect(get.headers.get('warning')).toBe('Table Owner Notice: cite')
    const rows = parseJson(await get.text()) as Array<Record<string, unknown>>
    expect(rows[0]).toMatchObject({
      id: 2n ** 53n + 1n,
      deleted: 'None',
      superceded_id: null,
      valid: true,
      pre_pt_position: [1, 0, 0],
      ctr_pt_position: [1, 1, 0],
      post_pt_position: [1, 2, 0],
      size: 1,
    })
    expect(rows[0]?.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/)
    const put = await send('PUT', '/table/syn_wire/annotations', `{"annotations":[{"id":${ids[0]},"pre_pt":{"position":[9,9,9]},"ctr_pt":{"position":[9,9,9]},"post_pt":{"position":[9,9,9]}}]}`)
    expect(await put.text()).toBe(`{"${ids[0]}":${2n ** 53n + 3n}}`)
  })

  it('422 carries marshmallow-style messages per row; 400/404/405 for bad requests', async () => {
    const bad = await send('POST', '/table/syn_wire/annotations', JSON.stringify({ annotations: [synapse(1), { pre_pt: { position: [1, 2] }, size: 'big' }] }))
    expect(bad.status).toBe(422)
    const body = (await bad.json()) as { message: string; errors: Record<string, unknown> }
    expect(body.errors).toEqual({
      '1': {
        ctr_pt: ['Missing data for required field.'],
        post_pt: ['Missing data for required field.'],
        pre_pt: { position: ['Length must be 3.'] },
        size: ['Not a valid number.'],
      },
    })
    expect((await create('Bad_Name')).status).toBe(400)
    expect((await create('syn_wire')).status).toBe(400)
    const noDescription = await create('syn_nodesc', { description: undefined })
    expect([noDescription.status, ((await noDescription.json()) as { message: string }).message]).toEqual([404, 'Table description required'])
    expect((await fetch(`${server.url}/annotation/api/v2/aligned_volume/nope/table`, { headers: auth })).status).toBe(400)
    expect((await send('GET', '/table/syn_wire/annotations')).status).toBe(400)
    expect((await send('GET', '/table/syn_wire/annotations?annotation_ids=1')).status).toBe(404)
    const del = await send('DELETE', '/table/syn_wire/annotations', JSON.stringify({ annotation_ids: [5] }))
    expect([del.status, await del.json()]).toEqual([404, 'annotation_id [5] not in table syn_wire'])
    expect((await send('PATCH', '/table')).status).toBe(405)
  })

  it('needs a token, and edit permission on the aligned volume to write', async () => {
    expect((await fetch(`${A}/table`, { headers: { 'X-Requested-With': 'x' } })).status).toBe(401)
    const viewer = '0badc0de0badc0de0badc0de0badc0de'
    server.tokens.add({ token: viewer, permissions: ['view'] })
    const headers = { Authorization: `Bearer ${viewer}`, 'Content-Type': 'application/json' }
    expect((await fetch(`${A}/table`, { headers })).status).toBe(200)
    const write = await fetch(`${A}/table/syn_wire/annotations`, { method: 'POST', headers, body: JSON.stringify({ annotations: [synapse(3)] }) })
    expect([write.status, await write.text()]).toEqual([403, `Missing permission: edit for dataset ${DEMO_ALIGNED_VOLUME}`])
  })
})

describe('server-side validator', () => {
  it('finds the point fields and accepts bigint ids', () => {
    const doc = SCHEMAS.bound_tag
    if (!doc) throw new Error('bound_tag missing')
    expect(pointFields(doc)).toEqual(['pt'])
    expect(pointFields(SCHEMAS.synapse ?? doc)).toEqual(['pre_pt', 'ctr_pt', 'post_pt'])
    expect(validateRow(doc, { tag: 'x', pt: { position: [1, 2, 3], root_id: 2n ** 60n } })).toBeUndefined()
    expect(validateRow(doc, { tag: 'x', pt: { position: [1, 2, 3], root_id: -1 } })).toEqual({
      pt: { root_id: ['Must be greater than or equal to 0.'] },
    })
    expect(validateRow(doc, 'nope')).toEqual({ _schema: ['Invalid input type.'] })
  })
})
