/** FrameworkClient in Node against the local deployment: info, schema and state end to end. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuthClient } from '@daf/auth'
import { DATASTACK_MAP_FILE, FrameworkClient, isAuthError, isPayloadTooLargeError } from '@daf/services'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  DEMO_ALIGNED_VOLUME,
  DEMO_DATASTACK,
  DEMO_IMAGE_MIRROR,
  DEMO_VIEWER_PATH,
  DEV_TOKEN,
  SCHEMAS,
  SCHEMA_NAMES,
  startDevServer,
  type DevServer,
} from './index.js'

let server: DevServer
let foreign: DevServer
let secretsDir: string
const quiet = { warn: () => {}, debug: () => {} }

beforeAll(async () => {
  server = await startDevServer()
  foreign = await startDevServer()
  secretsDir = await mkdtemp(join(tmpdir(), 'daf-fw-int-'))
})
afterAll(async () => {
  await Promise.all([server.close(), foreign.close()])
  await rm(secretsDir, { recursive: true, force: true })
})

function client(extra: ConstructorParameters<typeof FrameworkClient>[1] = {}) {
  return new FrameworkClient(DEMO_DATASTACK, { serverAddress: server.url, secretsDir, logger: quiet, ...extra })
}

describe('FrameworkClient against the local deployment (Node)', () => {
  it('finds a saved token by itself and records the datastack’s server after the first info fetch', async () => {
    await new AuthClient({ serverAddress: server.url, secretsDir }).saveToken(DEV_TOKEN)
    const c = client()
    expect(c.auth.tokenInfo.source).toBe('server-file')
    const info = await c.info.getDatastackInfo()
    expect(info.local_server).toBe(server.url)
    expect(info.dev_server).toMatchObject({ generated: true })
    await vi.waitFor(async () =>
      expect(JSON.parse(await readFile(join(secretsDir, DATASTACK_MAP_FILE), 'utf8'))).toEqual({ [DEMO_DATASTACK]: server.url }),
    )
    // A later client given only the datastack goes to the same server.
    expect(new FrameworkClient(DEMO_DATASTACK, { secretsDir, logger: quiet }).serverAddress).toBe(server.url)
  })

  it('derives sources in every format, mirrors and aligned volumes', async () => {
    const c = client({ authToken: DEV_TOKEN })
    const seg = `graphene://${server.url}/segmentation/table/minnie_demo_seg`
    expect(await c.info.segmentationSource()).toBe(seg)
    expect(await c.info.segmentationSource({ formatFor: 'cloudvolume' })).toBe(seg)
    expect(await c.info.segmentationSource({ formatFor: 'neuroglancer' })).toBe(seg)
    expect(await c.info.segmentationSource({ formatFor: 'cave_explorer' })).toBe(seg.replace('graphene://', 'graphene://middleauth+'))
    const em = `precomputed://${server.url}/volumes/${DEMO_DATASTACK}/em`
    for (const f of ['raw', 'cloudvolume', 'neuroglancer', 'cave_explorer'] as const) expect(await c.info.imageSource({ formatFor: f })).toBe(em)
    expect(await c.info.imageSource({ imageMirror: DEMO_IMAGE_MIRROR })).toBe(`${em}_mirror`)
    expect(await c.info.imageSource()).toBe(em)
    expect(await c.info.getImageMirrorNames()).toEqual([DEMO_ALIGNED_VOLUME, DEMO_IMAGE_MIRROR])
    expect(await c.info.getDatastacksByAlignedVolume()).toEqual([DEMO_DATASTACK])
    expect(await c.info.viewerResolution()).toEqual([4, 4, 40])
    expect(await c.info.getServerVersion()).toBe('4.3.1')
    expect(await c.context.localServer()).toBe(server.url)
  })

  it('falls back to the legacy v1 dataset routes when the v2 info API answers 404', async () => {
    const fault = server.faults.add({ path: '/info/api/v2/', status: 404, body: { message: 'Not found' } })
    try {
      const warnings: string[] = []
      const c = new FrameworkClient(DEMO_ALIGNED_VOLUME, {
        serverAddress: server.url,
        authToken: DEV_TOKEN,
        secretsDir,
        writeServerCache: false,
        logger: { warn: (m) => warnings.push(m) },
      })
      const info = await c.info.getDatastackInfo()
      expect(c.info.apiVersion).toBe(1)
      expect(info.aligned_volume.name).toBe(DEMO_ALIGNED_VOLUME)
      expect(await c.info.localServer()).toBe(server.url)
      expect(warnings.join('\n')).toContain('using the legacy v1 dataset routes')
    } finally {
      server.faults.remove(fault.id)
    }
  })

  it('reads schema types and definitions', async () => {
    const c = client({ authToken: DEV_TOKEN })
    expect(await c.schema.getApiVersion()).toBe(2)
    expect(await c.schema.getSchemas()).toEqual([...SCHEMA_NAMES])
    expect(await c.schema.schemaDefinition('cell_type_local')).toEqual(SCHEMAS.cell_type_local)
    expect(await c.schema.schemaDefinitionMulti(['synapse', 'bound_tag'])).toEqual({ synapse: SCHEMAS.synapse, bound_tag: SCHEMAS.bound_tag })
    expect(await c.schema.schemaDefinitionAll()).toEqual(SCHEMAS)
    const v1 = client({ authToken: DEV_TOKEN, pinnedVersions: { schema: 1 } })
    expect(await v1.schema.schemaDefinitionAll()).toEqual(SCHEMAS)
  })

  it('uploads a state and reads it back exactly, big integers included', async () => {
    const c = client({ authToken: DEV_TOKEN })
    const state = { layers: [{ type: 'segmentation', segments: ['864691135000000001'] }], max: 18446744073709551615n, pos: [1.5, 2, 3] }
    const id = await c.state.uploadStateJson(state)
    expect(typeof id).toBe('bigint')
    expect(id > 2n ** 53n).toBe(true)
    expect(await c.state.getStateJson(id)).toEqual(state)
    // The deployment's own URL gets the token; a foreign host does not.
    expect(await c.state.getStateJson(`${server.url}/nglstate/api/v1/${id}`)).toEqual(state)
    expect(server.requests.at(-1)?.hasAuth).toBe(true)
    const foreignUrl = `${foreign.url}/nglstate/api/v1/${id}`
    const e = await c.state.getStateJson(foreignUrl).catch((x: unknown) => x)
    expect(isAuthError(e)).toBe(true) // the foreign server wants a token it never got
    expect(foreign.requests.at(-1)?.hasAuth).toBe(false)
    expect(foreign.requests.at(-1)?.tokenSource).toBeNull()
  })

  it('builds viewer links, asking the viewer’s version.json without the token', async () => {
    const c = client({ authToken: DEV_TOKEN })
    const id = await c.state.uploadStateJson({ layers: [] })
    const J = `${server.url}/nglstate/api/v1`
    const viewer = `${foreign.url}${DEMO_VIEWER_PATH}`
    expect(await c.state.buildNeuroglancerUrl(id, { nglUrl: viewer })).toBe(`${viewer}/#!middleauth+${J}/${id}`)
    expect(foreign.requests.at(-1)?.path).toBe(`${DEMO_VIEWER_PATH}/version.json`)
    expect(foreign.requests.at(-1)?.hasAuth).toBe(false)
    expect(await c.state.buildNeuroglancerUrl(id, { nglUrl: `${foreign.url}/neuroglancer/seunglab/` })).toBe(
      `${foreign.url}/neuroglancer/seunglab/?json_url=${J}/${id}`,
    )
    expect(await c.state.buildNeuroglancerUrl(id, { targetSite: 'spelunker' })).toBe(`https://neuroglancer-demo.appspot.com/#!middleauth+${J}/${id}`)
  })

  it('uploads and reads a segment-property file, and refuses oversized uploads before sending', async () => {
    const c = client({ authToken: DEV_TOKEN })
    const prop = { '@type': 'neuroglancer_segment_properties', inline: { ids: ['1', '2'], properties: [] } }
    const id = await c.state.uploadPropertyJson(prop)
    expect(await c.state.getPropertyJson(id)).toEqual(prop)
    expect(await c.state.buildNeuroglancerUrl(id, { formatProperties: true })).toBe(`precomputed://middleauth+${server.url}/nglstate/api/v1/property/${id}`)
    const before = server.requests.length
    await expect(c.state.uploadStateJson({ s: 'x'.repeat(3_000_000) })).rejects.toSatisfy(isPayloadTooLargeError)
    expect(server.requests.length).toBe(before)
  })
})
