/**
 * In Chromium: FrameworkClient against the local deployment — info, schema and state calls,
 * cross-origin with the Bearer header, and no token to another origin.
 */
import { FrameworkClient, isAuthError, isGlobalClientError } from '@daf/services'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_DATASTACK, DEMO_IMAGE_MIRROR, DEMO_VIEWER_PATH } from './constants.js'

const url = inject('devServerUrl')
const token = inject('devServerToken')
const quiet = { warn: () => {}, debug: () => {} }
const client = () => new FrameworkClient(DEMO_DATASTACK, { serverAddress: url, authToken: token, logger: quiet })

/** The dev server's request log after `since` (admin routes are not logged). */
async function requestsSince(since: number): Promise<Array<{ seq: number; path: string; hasAuth: boolean; status?: number }>> {
  return (await (await fetch(`${url}/__dev/requests?since=${since}`)).json()) as Array<{ seq: number; path: string; hasAuth: boolean }>
}
async function lastSeq(): Promise<number> {
  const all = await requestsSince(0)
  return all.at(-1)?.seq ?? 0
}

describe('browser: FrameworkClient against the local deployment', () => {
  it('loads without Node modules: no datastack map in browsers, nothing sent at construction', async () => {
    const before = await lastSeq()
    const c = new FrameworkClient(DEMO_DATASTACK, { logger: quiet })
    expect(c.serverAddress).toBe('https://global.daf-apis.com')
    expect(c.info).toBe(c.info)
    expect(await requestsSince(before)).toEqual([])
    let refused: unknown
    try {
      void new FrameworkClient({ serverAddress: url, logger: quiet }).annotation
    } catch (e) {
      refused = e
    }
    expect(isGlobalClientError(refused)).toBe(true)
  })

  it('reads datastack info and formatted sources', async () => {
    const c = client()
    const info = await c.info.getDatastackInfo()
    expect(info.local_server).toBe(url)
    expect(await c.info.segmentationSource({ formatFor: 'cave_explorer' })).toBe(`graphene://middleauth+${url}/segmentation/table/minnie_demo_seg`)
    expect(await c.info.imageSource({ imageMirror: DEMO_IMAGE_MIRROR })).toBe(`precomputed://${url}/volumes/${DEMO_DATASTACK}/em_mirror`)
    expect(await c.info.viewerResolution()).toEqual([4, 4, 40])
    expect(await c.context.localServer()).toBe(url)
  })

  it('reads schema names and definitions (including the body-less POST)', async () => {
    const c = client()
    expect(await c.schema.getSchemas()).toEqual(['bound_point', 'bound_tag', 'cell_type_local', 'synapse'])
    const def = await c.schema.schemaDefinition('synapse')
    expect(def.$ref).toBe('#/definitions/SynapseSchema')
    expect(Object.keys(await c.schema.schemaDefinitionMulti(['synapse', 'cell_type_local']))).toEqual(['synapse', 'cell_type_local'])
  })

  it('uploads a state, reads it back losslessly and links to it', async () => {
    const c = client()
    const state = { layers: [{ type: 'segmentation', segments: ['864691135000000001'] }], big: 2n ** 64n - 1n }
    const id = await c.state.uploadStateJson(state)
    expect(typeof id).toBe('bigint')
    expect(id > 2n ** 53n).toBe(true)
    expect(await c.state.getStateJson(id)).toEqual(state)
    const viewer = `${url}${DEMO_VIEWER_PATH}`
    expect(await c.state.buildNeuroglancerUrl(id, { nglUrl: viewer })).toBe(`${viewer}/#!middleauth+${url}/nglstate/api/v1/${id}`)
  })

  it('does not send the token to another origin (getStateJson with a URL)', async () => {
    const c = client()
    const id = await c.state.uploadStateJson({ layers: [] })
    const other = url.replace('127.0.0.1', 'localhost')
    const before = await lastSeq()
    const e = await c.state.getStateJson(`${other}/nglstate/api/v1/${id}`).catch((x: unknown) => x)
    expect(isAuthError(e) && e.status).toBe(401)
    const seen = await requestsSince(before)
    expect(seen.filter((r) => r.path === `/nglstate/api/v1/${id}`).map((r) => r.hasAuth)).toEqual([false])
    // The same URL on the deployment's own origin carries it.
    expect(await c.state.getStateJson(`${url}/nglstate/api/v1/${id}`)).toEqual({ layers: [] })
  })
})
