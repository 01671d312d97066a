/**
 * graphene:// against a scripted chunkedgraph (fetch) with the supervoxels in mem:// storage:
 * info and data_dir, agglomeration through roots_binary (distinct labels looked up once, batches,
 * timestamp rounded up, stop layer), segids masks through leaves, token only to the chunkedgraph.
 */
import { describe, expect, it } from 'vitest'
import { CloudVolume } from './cloudvolume.js'
import { isInvalidArgumentError, isReadOnlyException, isUnsupportedGrapheneAPIVersionError } from './errors.js'
import { GrapheneVolume, parseGraphenePath } from './graphene.js'
import { createNewInfo } from './info.js'
import { arrayOf } from './test-support/volumes.js'

const CG = 'https://cg.example.org'
const TOKEN = 'a'.repeat(32)
const layer = (l: number, seg: number): bigint => (BigInt(l) << 56n) | BigInt(seg)
const root = (sv: bigint): bigint => layer(12, 1000 + Number(sv & 0xffn) % 3)

interface Seen {
  url: string
  method: string
  auth: string | null
  body?: bigint[]
}

async function setup(name: string, encoding: 'compressed_segmentation' | 'raw' = 'compressed_segmentation') {
  const dataDir = `mem://graphene-${name}/ws`
  const info = createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint64', encoding, resolution: [8, 8, 40], voxelOffset: [0, 0, 0], volumeSize: [64, 64, 16], chunkSize: [32, 32, 16] })
  const ws = await CloudVolume.open(dataDir, { info })
  await ws.commitInfo()
  // Supervoxel (layer 1) ids, plus a few voxels already holding a root id, and zeros.
  const sv = (x: number, y: number): bigint => (x < 4 ? 0n : x >= 60 ? layer(12, 1001) : layer(1, 1 + (x >> 3) + 8 * (y >> 4)))
  await ws.write(ws.bounds(), arrayOf('uint64', ws.bounds(), 1, sv))
  const seen: Seen[] = []
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    const headers = new Headers(init?.headers)
    const method = init?.method ?? 'GET'
    const entry: Seen = { url: url.pathname + url.search, method, auth: headers.get('authorization') }
    seen.push(entry)
    const json = (v: unknown) => new Response(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)), { headers: { 'content-type': 'application/json' } })
    if (url.pathname === '/segmentation/api/versions') return json([0, 1])
    if (url.pathname === '/segmentation/api/version') return json('2.18.0')
    if (url.pathname === `/segmentation/table/${name}/info`) {
      return json({ ...info, data_dir: dataDir, app: { supported_api_versions: [0, 1] }, graph: { chunk_size: [32, 32, 16], n_layers: 12, n_bits_for_layer_id: 8, spatial_bit_masks: {} } })
    }
    if (url.pathname.endsWith('/roots_binary')) {
      const body = new BigUint64Array(new Uint8Array(init!.body as ArrayBuffer).slice().buffer)
      entry.body = [...body]
      return new Response(BigUint64Array.from(body, root).buffer as ArrayBuffer)
    }
    const leaves = /\/node\/(\d+)\/leaves$/.exec(url.pathname)
    if (leaves) {
      const r = BigInt(leaves[1]!)
      const ids = [...new Set(arrayOf('uint64', ws.bounds(), 1, sv) as BigUint64Array)].filter((id) => id !== 0n && root(id) === r)
      return new Response(`{"leaf_ids": [${ids.join(',')}]}`, { headers: { 'content-type': 'application/json' } })
    }
    return new Response('{"message": "not found"}', { status: 404, headers: { 'content-type': 'application/json' } })
  }
  const auth = {
    authorizes: (u: string | URL) => new URL(String(u)).origin === CG,
    headersFor: (u: string | URL): Record<string, string> => (new URL(String(u)).origin === CG ? { Authorization: `Bearer ${TOKEN}` } : {}),
    redact: (t: string) => t.replaceAll(TOKEN, '[redacted]'),
  }
  return { ws, sv, seen, fetch, auth, path: `graphene://${CG}/segmentation/table/${name}` }
}

describe('graphene:// (§7)', () => {
  it('parses graphene paths', () => {
    expect(parseGraphenePath('graphene://middleauth+https://h.org/pre/segmentation/table/t1')).toEqual({ server: 'https://h.org/pre', tableId: 't1', api: 'table' })
    expect(parseGraphenePath('graphene://https://h.org/segmentation/api/v1/t2/')).toMatchObject({ tableId: 't2', api: 'v1' })
    expect(() => parseGraphenePath('graphene://https://h.org/nothing')).toThrow(/segmentation\/table/)
  })

  it('reads supervoxels from data_dir, and root ids with agglomerate: distinct labels looked up once, roots kept', async () => {
    const { sv, seen, fetch, auth, path } = await setup('agg')
    const vol = await CloudVolume.open(path, { fetch, auth })
    expect(vol).toBeInstanceOf(GrapheneVolume)
    expect(vol.readOnly).toBe(true)
    const box = [[0, 64], [0, 64], [0, 16]]
    const svs = await vol.read(box)
    expect(svs.data).toEqual(arrayOf('uint64', box, 1, sv))
    seen.length = 0
    const roots = await vol.read(box, { agglomerate: true, timestamp: 1700000000.2 })
    expect(roots.data).toEqual(arrayOf('uint64', box, 1, (x, y) => { const s = sv(x, y); return s === 0n || s >> 56n === 12n ? s : root(s) }))
    const posts = seen.filter((s) => s.url.includes('roots_binary'))
    expect(posts).toHaveLength(1)
    expect(posts[0]!.url).toContain('timestamp=1700000001')
    const sent = posts[0]!.body!
    expect(new Set(sent).size).toBe(sent.length) // each distinct label once
    expect(sent.every((id) => id >> 56n === 1n)).toBe(true) // no 0, no ids already at the root layer
    expect(sent).toHaveLength(8 * 4)
    // The token went to the chunkedgraph only; data_dir is mem:// here and never sees it.
    expect(seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true)
  })

  it('segids keep the given roots through their leaves; other voxels 0 or the maximum with preserveZeros', async () => {
    const { sv, fetch, auth, path } = await setup('segids')
    const vol = (await CloudVolume.open(path, { fetch, auth })) as GrapheneVolume
    const box = [[8, 40], [0, 32], [0, 16]]
    const want = layer(12, 1001)
    const masked = await vol.read(box, { segids: [want] })
    expect(masked.data).toEqual(arrayOf('uint64', box, 1, (x, y) => (root(sv(x, y)) === want && sv(x, y) !== 0n ? want : 0n)))
    const kept = await vol.read(box, { segids: [want], preserveZeros: true })
    expect((kept.data as BigUint64Array).filter((v) => v !== want).every((v) => v === 0xffffffffffffffffn)).toBe(true)
  })

  it('agglomerates raw-encoded supervoxels after assembly too, and validates stopLayer and timestamps', async () => {
    const { sv, fetch, auth, path } = await setup('raw', 'raw')
    const vol = (await CloudVolume.open(path, { fetch, auth, agglomerate: true })) as GrapheneVolume
    const box = [[0, 64], [0, 8], [3, 4]]
    expect((await vol.read(box)).data).toEqual(arrayOf('uint64', box, 1, (x, y) => { const s = sv(x, y); return s === 0n || s >> 56n === 12n ? s : root(s) }))
    expect(isInvalidArgumentError(await vol.read(box, { stopLayer: 13 }).catch((e: unknown) => e))).toBe(true)
    expect(isInvalidArgumentError(await vol.read(box, { timestamp: 'not a time' }).catch((e: unknown) => e))).toBe(true)
    expect(isReadOnlyException(await vol.write(box, 0n).catch((e: unknown) => e))).toBe(true)
  })

  it('refuses the legacy 1.0 API', async () => {
    const e = await CloudVolume.open('graphene://https://h.org/segmentation/1.0/x').catch((x: unknown) => x)
    expect(isUnsupportedGrapheneAPIVersionError(e)).toBe(true)
  })
})
