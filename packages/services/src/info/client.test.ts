import { describe, expect, it } from 'vitest'
import { createInfoClient } from './client.js'
import {
  isGlobalClientError,
  isHttpError,
  isInvalidParameterError,
  isServerIncompatibilityError,
} from '../http/errors.js'
import { GLOBAL, LOCAL } from '../test-support/fake-auth.js'
import { demoRecord, fakeContext, jsonResponse, routedFetch } from '../test-support/routed-fetch.js'
import type { DatastackInfo } from './types.js'

const I = `${GLOBAL}/info/api/v2`
const mirrorAv = { name: 'av1_mirror', id: 8, image_source: 'precomputed://https://mirror.test/em', description: 'mirror' }

function setup(
  options: { datastack?: string; version?: string | 404; pinned?: number; infoCache?: Map<string, DatastackInfo> } = {},
) {
  const record = demoRecord()
  const f = routedFetch({
    [`GET ${GLOBAL}/info/version`]: () =>
      options.version === 404 ? jsonResponse({ message: 'nope' }, 404) : jsonResponse(options.version ?? '4.3.1'),
    [`GET ${I}/datastacks`]: () => jsonResponse(['ds1', 'ds2']),
    [`GET ${I}/datastack/full/ds1`]: (req) =>
      jsonResponse(req.url.searchParams.get('image_source_name') === 'av1_mirror' ? { ...record, aligned_volume: mirrorAv } : record),
    [`GET ${I}/datastack/ds1/image_sources`]: () => jsonResponse([record.aligned_volume, mirrorAv]),
    [`GET ${I}/aligned_volume`]: () => jsonResponse([record.aligned_volume]),
    [`GET ${I}/aligned_volume/av1`]: () => jsonResponse(record.aligned_volume),
    [`GET ${I}/aligned_volume/id/7`]: () => jsonResponse(record.aligned_volume),
    [`GET ${I}/aligned_volume/av1/datastacks`]: () => jsonResponse(['ds1']),
  })
  const { ctx, logger } = fakeContext({
    fetch: f.fetch,
    ...(options.datastack !== undefined ? { datastack: options.datastack } : { datastack: 'ds1' }),
    ...(options.pinned !== undefined && { pinnedVersions: { info: options.pinned } }),
  })
  const loaded: string[] = []
  const info = createInfoClient(ctx, {
    ...(options.infoCache && { infoCache: options.infoCache }),
    onDatastackInfo: (ds) => loaded.push(ds),
  })
  return { f, info, logger, record, loaded }
}

describe('info client', () => {
  it('reads the datastack record once, keeps unknown keys and derives values from it', async () => {
    const { f, info, record, loaded } = setup()
    const got = await info.getDatastackInfo()
    expect(got).toEqual(record)
    expect(got.deployment_extra).toEqual({ kept: true })
    expect(await info.localServer()).toBe(LOCAL)
    expect(await info.annotationEndpoint()).toBe(`${LOCAL}/annotation`)
    expect(await info.viewerSite()).toBe('https://viewer.test/')
    expect(await info.viewerResolution()).toEqual([4, 4, 40])
    expect(await info.segmentationSource()).toBe(record.segmentation_source)
    expect(await info.segmentationSource({ formatFor: 'cave_explorer' })).toBe(`graphene://middleauth+${LOCAL}/segmentation/table/t1`)
    expect(await info.imageSource({ formatFor: 'cloudvolume' })).toBe('precomputed://gs://bucket/em')
    expect(await info.synapseSegmentationSource({ formatFor: 'neuroglancer' })).toBeNull()
    expect((await info.getAlignedVolumeInfo()).name).toBe('av1')
    expect(f.callsTo('GET /info/api/v2/datastack/full/ds1')).toHaveLength(1)
    expect(loaded).toEqual(['ds1'])
    // No version request without a gated call.
    expect(f.callsTo('GET /info/version')).toHaveLength(0)
  })

  it('caches by (datastack, mirror): a mirror never replaces the datastack record (Python #15)', async () => {
    const { f, info, record, loaded } = setup()
    expect((await info.getDatastackInfo({ imageMirror: 'av1_mirror' })).aligned_volume).toEqual(mirrorAv)
    expect(await info.imageSource({ imageMirror: 'av1_mirror' })).toBe(mirrorAv.image_source)
    expect((await info.getDatastackInfo()).aligned_volume).toEqual(record.aligned_volume)
    expect(await info.imageSource()).toBe(record.aligned_volume.image_source)
    const full = f.callsTo('GET /info/api/v2/datastack/full/ds1')
    expect(full.map((c) => c.url.search)).toEqual(['?image_source_name=av1_mirror', ''])
    expect(loaded).toEqual(['ds1']) // only the plain record counts as "fetched the datastack"
  })

  it('shares one request between concurrent callers and refetches with useStored: false', async () => {
    const { f, info } = setup()
    await Promise.all([info.getDatastackInfo(), info.getDatastackInfo(), info.localServer()])
    expect(f.callsTo('GET /info/api/v2/datastack/full/ds1')).toHaveLength(1)
    await info.getDatastackInfo({ useStored: false })
    expect(f.callsTo('GET /info/api/v2/datastack/full/ds1')).toHaveLength(2)
    await info.getDatastackInfo({ imageMirror: 'av1_mirror' })
    await info.refreshStoredData()
    expect(f.callsTo('GET /info/api/v2/datastack/full/ds1')).toHaveLength(5)
  })

  it('does not cache a failure', async () => {
    const { f, info, record } = setup()
    f.on(`GET ${I}/datastack/full/ds1`, jsonResponse({ message: 'boom' }, 500))
    await expect(info.getDatastackInfo()).rejects.toSatisfy(isHttpError)
    f.on(`GET ${I}/datastack/full/ds1`, jsonResponse(record))
    expect(await info.getDatastackInfo()).toEqual(record)
  })

  it('uses and fills a shared infoCache Map', async () => {
    const shared = new Map<string, DatastackInfo>([['ds1', demoRecord({ description: 'from the cache' })]])
    const a = setup({ infoCache: shared })
    expect((await a.info.getDatastackInfo()).description).toBe('from the cache')
    expect(a.f.calls).toHaveLength(0)
    const b = setup({ datastack: 'ds1', infoCache: new Map() })
    const fresh = await b.info.getDatastackInfo()
    expect(fresh.description).toBe('demo')
    const c = setup({ infoCache: shared })
    await c.info.getDatastackInfo({ useStored: false })
    expect(shared.get('ds1')?.description).toBe('demo')
  })

  it('gates image mirrors on info ≥ 4.3.1 before sending, and lets an unknown version through with a warning', async () => {
    const old = setup({ version: '4.2.0' })
    const e = await old.info.getImageMirrors().catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e)).toBe(true)
    expect((e as Error).message).toContain('>=4.3.1')
    await expect(old.info.getDatastackInfo({ imageMirror: 'av1_mirror' })).rejects.toSatisfy(isServerIncompatibilityError)
    expect(old.f.callsTo('GET /info/api/v2/datastack/ds1/image_sources')).toHaveLength(0)
    expect(old.f.callsTo('GET /info/api/v2/datastack/full/ds1')).toHaveLength(0)

    const unknown = setup({ version: 404 })
    expect(await unknown.info.getImageMirrorNames()).toEqual(['av1', 'av1_mirror'])
    expect(unknown.logger.warnings.join('\n')).toMatch(/requires info server >=4\.3\.1; the server reported no version, so trying anyway/)
    expect(await unknown.info.getServerVersion()).toBeUndefined()
    expect(unknown.f.callsTo('GET /info/version')).toHaveLength(1) // cached
  })

  it('lists datastacks and aligned volumes', async () => {
    const { info } = setup()
    expect(await info.getDatastacks()).toEqual(['ds1', 'ds2'])
    expect((await info.getAlignedVolumes()).map((a) => a.name)).toEqual(['av1'])
    expect((await info.getAlignedVolumeInfo('av1')).id).toBe(7)
    expect((await info.getAlignedVolumeInfoById(7)).name).toBe('av1')
    expect(await info.getDatastacksByAlignedVolume()).toEqual(['ds1'])
    await expect(info.getAlignedVolumeInfoById(-1)).rejects.toSatisfy(isInvalidParameterError)
  })

  it('rejects an unknown formatFor before any request', async () => {
    const { f, info } = setup()
    await expect(info.segmentationSource({ formatFor: 'graphene' as never })).rejects.toSatisfy(isInvalidParameterError)
    await expect(info.imageSource({ formatFor: 'x' as never })).rejects.toSatisfy(isInvalidParameterError)
    expect(f.calls).toHaveLength(0)
  })

  it('needs a datastack for datastack calls on a global-only client', async () => {
    const { f, info } = setup({ datastack: '' })
    const e = await info.getDatastackInfo().catch((x: unknown) => x)
    expect(isGlobalClientError(e)).toBe(true)
    expect((e as Error).message).toMatch(/no datastack was set.*datastack: 'my_datastack'/s)
    expect((await info.getDatastackInfo({ datastack: 'ds1' })).description).toBe('demo')
    expect(await info.getDatastacks()).toEqual(['ds1', 'ds2'])
    expect(f.calls).toHaveLength(2)
  })
})

describe('info client: legacy v1', () => {
  const legacy = {
    name: 'av1',
    id: 7,
    image_source: 'precomputed://gs://bucket/em',
    annotation_engine_endpoint: `${LOCAL}/annotation`,
    pychunkgraph_endpoint: `${LOCAL}/segmentation`,
    graphene_source: `graphene://${LOCAL}/segmentation/table/t1`,
    synapse_segmentation_source: null,
    description: 'legacy',
  }
  const v1Routes = (f: ReturnType<typeof routedFetch>) => {
    f.on(`GET ${GLOBAL}/info/api/datasets`, jsonResponse(['av1']))
    f.on(`GET ${GLOBAL}/info/api/dataset/av1`, jsonResponse(legacy))
  }

  it('uses the dataset routes when pinned to v1 and maps the record onto the v2 shape', async () => {
    const { f, info } = setup({ pinned: 1, datastack: 'av1' })
    v1Routes(f)
    expect(info.apiVersion).toBe(1)
    expect(await info.getDatastacks()).toEqual(['av1'])
    const rec = await info.getDatastackInfo()
    expect(rec.aligned_volume).toEqual({ name: 'av1', id: 7, image_source: legacy.image_source, description: 'legacy' })
    expect(rec.annotation_engine_endpoint).toBe(legacy.annotation_engine_endpoint)
    expect(await info.localServer()).toBe(LOCAL)
    expect(await info.segmentationSource()).toBe(legacy.graphene_source)
    await expect(info.getImageMirrors()).rejects.toSatisfy(isServerIncompatibilityError)
    expect(f.calls.every((c) => !c.url.pathname.includes('/v2/'))).toBe(true)
  })

  it('falls back to v1 only when the v2 API itself is missing (404 on I/datastacks too)', async () => {
    const { f, info, logger } = setup({ datastack: 'av1' })
    f.on(`GET ${I}/datastacks`, jsonResponse({ message: 'Not found' }, 404))
    v1Routes(f)
    expect((await info.getDatastackInfo()).aligned_volume.name).toBe('av1')
    expect(info.apiVersion).toBe(1)
    expect(logger.warnings.join('\n')).toMatch(/no v2 API \(404\); using the legacy v1 dataset routes/)
    expect(await info.getDatastacks()).toEqual(['av1'])
  })

  it('keeps a 404 for an unknown datastack on a v2 server', async () => {
    const { info } = setup({ datastack: 'nope' })
    const e = await info.getDatastackInfo().catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(404)
    expect(info.apiVersion).toBe(2)
  })

  it('rejects a pinned version it does not know', () => {
    expect(() => setup({ pinned: 3 })).toThrow(/info API v3 is not supported/)
  })
})
