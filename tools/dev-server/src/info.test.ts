import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEMO_ALIGNED_VOLUME,
  DEMO_DATASTACK,
  DEMO_IMAGE_MIRROR,
  DEMO_PERMISSION_GROUP,
  DEMO_TABLE_ID,
  DEV_TOKEN,
  INFO_SERVICE_VERSION,
  createDataset,
  startDevServer,
  tableIdOf,
  type AlignedVolumeRecord,
  type DatastackInfo,
  type DevServer,
} from './index.js'

let server: DevServer
const auth = { Authorization: `Bearer ${DEV_TOKEN}` }

async function get(path: string, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers })
}

async function getJson<T = unknown>(path: string): Promise<T> {
  const res = await get(path)
  expect(res.status, path).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/json')
  return (await res.json()) as T
}

function expectAlignedVolume(av: AlignedVolumeRecord): void {
  expect(Object.keys(av).sort()).toEqual(['description', 'id', 'image_source', 'name'])
  expect(typeof av.name).toBe('string')
  expect(Number.isInteger(av.id)).toBe(true)
  expect(av.image_source).toMatch(new RegExp(`^precomputed://${server.url}/`))
  expect(typeof av.description).toBe('string')
}

beforeAll(async () => {
  server = await startDevServer()
})
afterAll(async () => {
  await server.close()
})

describe('startDevServer', () => {
  it('listens on loopback with an ephemeral port', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)
    expect(server.token).toBe(DEV_TOKEN)
    expect(DEV_TOKEN).toMatch(/^[a-f0-9]{32}$/)
  })
})

describe('info service', () => {
  it('GET /info/version is a bare JSON string and public', async () => {
    const res = await fetch(`${server.url}/info/version`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(`"${INFO_SERVICE_VERSION}"`)
  })

  it('GET datastacks lists the demo datastack', async () => {
    expect(await getJson('/info/api/v2/datastacks')).toEqual([DEMO_DATASTACK])
  })

  it('GET datastack/full has the §1.3 info record', async () => {
    const info = await getJson<DatastackInfo>(`/info/api/v2/datastack/full/${DEMO_DATASTACK}`)
    expectAlignedVolume(info.aligned_volume)
    expect(info.aligned_volume.name).toBe(DEMO_ALIGNED_VOLUME)
    expect(info.local_server).toBe(server.url)
    expect(info.segmentation_source).toBe(`graphene://${server.url}/segmentation/table/${DEMO_TABLE_ID}`)
    expect(tableIdOf(info)).toBe(DEMO_TABLE_ID)
    expect(typeof info.synapse_table).toBe('string')
    expect(typeof info.soma_table).toBe('string')
    expect(info).toHaveProperty('skeleton_source')
    expect(info.analysis_database).toBeNull()
    expect(typeof info.description).toBe('string')
    expect(info.viewer_site).toMatch(/^https:\/\//)
    for (const k of ['viewer_resolution_x', 'viewer_resolution_y', 'viewer_resolution_z'] as const) {
      expect(typeof info[k]).toBe('number')
    }
    expect(info).toEqual(server.dataset.datastacks[0]?.info)
  })

  it('image_source_name=<mirror> replaces aligned_volume with the mirror entry', async () => {
    const plain = await getJson<DatastackInfo>(`/info/api/v2/datastack/full/${DEMO_DATASTACK}`)
    const mirrored = await getJson<DatastackInfo>(
      `/info/api/v2/datastack/full/${DEMO_DATASTACK}?image_source_name=${DEMO_IMAGE_MIRROR}`,
    )
    expectAlignedVolume(mirrored.aligned_volume)
    expect(mirrored.aligned_volume.name).toBe(DEMO_IMAGE_MIRROR)
    expect(mirrored.aligned_volume.image_source).not.toBe(plain.aligned_volume.image_source)
    expect({ ...mirrored, aligned_volume: plain.aligned_volume }).toEqual(plain)
    const res = await get(`/info/api/v2/datastack/full/${DEMO_DATASTACK}?image_source_name=nope`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ message: expect.stringContaining('nope') })
  })

  it('GET datastack/{ds}/image_sources lists the aligned volume and its mirrors', async () => {
    const sources = await getJson<AlignedVolumeRecord[]>(`/info/api/v2/datastack/${DEMO_DATASTACK}/image_sources`)
    expect(sources.map((s) => s.name)).toEqual([DEMO_ALIGNED_VOLUME, DEMO_IMAGE_MIRROR])
    sources.forEach(expectAlignedVolume)
  })

  it('GET aligned_volume, by name, by id, and its datastacks', async () => {
    const list = await getJson<AlignedVolumeRecord[]>('/info/api/v2/aligned_volume')
    expect(list).toHaveLength(1)
    const av = list[0] as AlignedVolumeRecord
    expectAlignedVolume(av)
    expect(await getJson(`/info/api/v2/aligned_volume/${DEMO_ALIGNED_VOLUME}`)).toEqual(av)
    expect(await getJson(`/info/api/v2/aligned_volume/id/${av.id}`)).toEqual(av)
    expect(await getJson(`/info/api/v2/aligned_volume/${DEMO_ALIGNED_VOLUME}/datastacks`)).toEqual([DEMO_DATASTACK])
  })

  it('GET tablemapping permission_group', async () => {
    expect(
      await getJson(`/info/api/v2/tablemapping/service/pcg/table/${DEMO_TABLE_ID}/permission_group`),
    ).toBe(DEMO_PERMISSION_GROUP)
  })

  it('legacy v1 datasets and dataset record', async () => {
    expect(await getJson('/info/api/datasets')).toEqual([DEMO_ALIGNED_VOLUME])
    const record = await getJson<Record<string, unknown>>(`/info/api/dataset/${DEMO_ALIGNED_VOLUME}`)
    expect(record).toMatchObject({
      name: DEMO_ALIGNED_VOLUME,
      annotation_engine_endpoint: `${server.url}/annotation`,
      graphene_source: `graphene://${server.url}/segmentation/table/${DEMO_TABLE_ID}`,
    })
  })

  it.each([
    '/info/api/v2/datastack/full/no_such_stack',
    '/info/api/v2/datastack/no_such_stack/image_sources',
    '/info/api/v2/aligned_volume/no_such_volume',
    '/info/api/v2/aligned_volume/id/999999',
    '/info/api/v2/aligned_volume/id/abc',
    '/info/api/dataset/no_such_dataset',
  ])('unknown name → 404 {"message"}: %s', async (path) => {
    const res = await get(path)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/json')
    const body = (await res.json()) as { message: string }
    expect(Object.keys(body)).toEqual(['message'])
    expect(body.message).toMatch(/not found/)
  })

  it('unknown route → 404, wrong method → 405 with Allow', async () => {
    const res = await get('/no/such/route')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ message: 'Not found: GET /no/such/route' })
    const post = await fetch(`${server.url}/info/api/v2/datastacks`, { method: 'POST', headers: auth })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toContain('GET')
  })

  it('HEAD answers like GET without a body', async () => {
    const res = await fetch(`${server.url}/info/api/v2/datastacks`, { method: 'HEAD', headers: auth })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(JSON.stringify([DEMO_DATASTACK]).length))
    expect(await res.text()).toBe('')
  })
})

describe('generated dataset', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const a = createDataset({ seed: 7, globalUrl: 'http://x.test' })
    const b = createDataset({ seed: 7, globalUrl: 'http://x.test/' })
    expect(b).toEqual(a)
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
    const c = createDataset({ seed: 8, globalUrl: 'http://x.test' })
    expect(c).not.toEqual(a)
    expect(createDataset({ seed: 'seven', globalUrl: 'http://x.test' })).toEqual(
      createDataset({ seed: 'seven', globalUrl: 'http://x.test' }),
    )
  })

  it('two servers with the same seed serve the same records (modulo their url)', async () => {
    const [s1, s2] = await Promise.all([startDevServer({ seed: 42 }), startDevServer({ seed: 42 })])
    try {
      const fetchInfo = async (s: DevServer): Promise<string> => {
        const res = await fetch(`${s.url}/info/api/v2/datastack/full/${DEMO_DATASTACK}`, { headers: auth })
        return (await res.text()).replaceAll(s.url, '<url>')
      }
      expect(await fetchInfo(s1)).toBe(await fetchInfo(s2))
      expect(s1.dataset.seed).toBe(42)
    } finally {
      await Promise.all([s1.close(), s2.close()])
    }
  })

  it('local_server can differ from the global server', () => {
    const d = createDataset({ globalUrl: 'http://g.test', localUrl: 'http://l.test' })
    expect(d.datastacks[0]?.info.local_server).toBe('http://l.test')
    expect(d.datastacks[0]?.info.segmentation_source).toMatch(/^graphene:\/\/http:\/\/l\.test\//)
    expect(d.globalUrl).toBe('http://g.test')
  })
})
