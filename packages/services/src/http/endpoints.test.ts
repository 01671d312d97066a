import { describe, expect, it } from 'vitest'
import { createHttpClient } from './client.js'
import { requestEndpoint } from './endpoints.js'
import { isServerIncompatibilityError } from './errors.js'
import { infoService, infoV1, infoV2 } from '../info/endpoints.js'
import { GLOBAL, recordingLogger } from '../test-support/fake-auth.js'
import { json, scriptedFetch } from '../test-support/scripted-fetch.js'

function setup(reply: unknown) {
  const { fetch, calls } = scriptedFetch([json(reply)])
  const logger = recordingLogger()
  return { client: createHttpClient({ fetch, logger }), calls, logger }
}

describe('info endpoint table', () => {
  it('builds every route the spec lists', () => {
    const client = createHttpClient()
    const urls = [
      client.url(infoService.serverVersion.route, { baseUrl: GLOBAL }),
      client.url(infoV2.datastacks.route, { baseUrl: GLOBAL }),
      client.url(infoV2.datastackInfo.route, { baseUrl: GLOBAL, params: { datastack: 'minnie65_public' } }),
      client.url(infoV2.alignedVolumes.route, { baseUrl: GLOBAL }),
      client.url(infoV2.alignedVolume.route, { baseUrl: GLOBAL, params: { aligned_volume: 'minnie65' } }),
      client.url(infoV2.alignedVolumeById.route, { baseUrl: GLOBAL, params: { id: 1 } }),
      client.url(infoV2.datastacksByAlignedVolume.route, { baseUrl: GLOBAL, params: { aligned_volume: 'minnie65' } }),
      client.url(infoV2.imageSources.route, { baseUrl: GLOBAL, params: { datastack: 'd' } }),
      client.url(infoV1.datasets.route, { baseUrl: GLOBAL }),
      client.url(infoV1.dataset.route, { baseUrl: GLOBAL, params: { dataset: 'pinky100' } }),
    ].map((u) => `${u.method} ${u.url.slice(GLOBAL.length)}`)
    expect(urls).toEqual([
      'GET /info/version',
      'GET /info/api/v2/datastacks',
      'GET /info/api/v2/datastack/full/minnie65_public',
      'GET /info/api/v2/aligned_volume',
      'GET /info/api/v2/aligned_volume/minnie65',
      'GET /info/api/v2/aligned_volume/id/1',
      'GET /info/api/v2/aligned_volume/minnie65/datastacks',
      'GET /info/api/v2/datastack/d/image_sources',
      'GET /info/api/datasets',
      'GET /info/api/dataset/pinky100',
    ])
    expect(infoService.fallbackApiVersion).toBe(2)
    expect(infoService.apiVersions[2]).toBe(infoV2)
  })
})

describe('requestEndpoint', () => {
  it('sends the entry with its params and returns the typed body', async () => {
    const { client, calls } = setup({ local_server: 'https://local.test', aligned_volume: { name: 'av', id: 1 } })
    const info = await requestEndpoint(client, infoV2.datastackInfo, { baseUrl: GLOBAL, params: { datastack: 'ds' } })
    expect(info.local_server).toBe('https://local.test')
    expect(calls[0]?.url).toBe(`${GLOBAL}/info/api/v2/datastack/full/ds`)
  })

  it('fails a known-too-old server before any request', async () => {
    const { client, calls } = setup([])
    const p = requestEndpoint(client, infoV2.imageSources, { baseUrl: GLOBAL, params: { datastack: 'ds' }, serverVersion: '4.2.0', service: 'info' })
    await expect(p).rejects.toSatisfy(isServerIncompatibilityError)
    await expect(p).rejects.toThrow('GET /info/api/v2/datastack/{datastack}/image_sources requires info server >=4.3.1, but the server reports 4.2.0')
    const q = requestEndpoint(client, infoV2.datastackInfo, { baseUrl: GLOBAL, params: { datastack: 'ds' }, query: { image_source_name: 'aws' }, serverVersion: '4.0.0' })
    await expect(q).rejects.toSatisfy(isServerIncompatibilityError)
    expect(calls).toHaveLength(0)
  })

  it('lets an unknown server version through with a warning', async () => {
    const { client, calls, logger } = setup([{ name: 'mirror' }])
    const out = await requestEndpoint(client, infoV2.imageSources, { baseUrl: GLOBAL, params: { datastack: 'ds' }, serverVersion: null })
    expect(out).toEqual([{ name: 'mirror' }])
    expect(calls).toHaveLength(1)
    expect(logger.warnings).toEqual(['GET /info/api/v2/datastack/{datastack}/image_sources requires server >=4.3.1; the server reported no version, so trying anyway'])
  })

  it('checks a query gate only when that parameter is passed', async () => {
    const { client, calls, logger } = setup({})
    await requestEndpoint(client, infoV2.datastackInfo, { baseUrl: GLOBAL, params: { datastack: 'ds' }, serverVersion: '4.0.0' })
    expect(calls).toHaveLength(1)
    expect(logger.warnings).toEqual([])
  })
})
