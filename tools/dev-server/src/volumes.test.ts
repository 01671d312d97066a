/**
 * The generated precomputed volumes served under `/volumes/<datastack>/`: static-host behaviour
 * (public, gzip as stored, byte ranges, 404) and their contents read back with CloudVolume over
 * loopback HTTP: supervoxel ids equal the chunkedgraph model's, at every supervoxel's position.
 */
import { CloudVolume, isEmptyVolumeException, type Cutout } from '@daf/volume'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_DATASTACK, DEMO_TABLE_ID, DEV_TOKEN, startDevServer, type DevServer } from './index.js'
import { chunkedGraphModelFor } from './services/chunkedgraph.js'
import { parseRange } from './services/volumes.js'
import { SEG_MIP1_SHARDING, generatedVolumes, wsInfo } from './volumes/generate.js'

let server: DevServer
let base: string

beforeAll(async () => {
  server = await startDevServer()
  base = `${server.url}/volumes/${DEMO_DATASTACK}`
  await generatedVolumes(server.dataset.seed)
}, 60_000)

afterAll(() => server.close())

const at = (c: Cutout, x: number, y: number, z: number): number | bigint => {
  const [sx, sy] = c.shape
  return c.data[x - c.bounds[0][0] + sx * (y - c.bounds[1][0] + sy * (z - c.bounds[2][0]))]!
}

describe('static hosting of the generated volumes', () => {
  it('serves info files publicly (no token), matching the datastack image source', async () => {
    const res = await fetch(`${base}/em/info`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const info = (await res.json()) as { scales: Array<{ encoding: string; key: string }> }
    expect(info.scales.map((s) => s.encoding)).toEqual(['raw', 'jpeg'])
    const ds = await fetch(`${server.url}/info/api/v2/datastack/full/${DEMO_DATASTACK}`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } })
    const { aligned_volume } = (await ds.json()) as { aligned_volume: { image_source: string } }
    expect(aligned_volume.image_source).toBe(`precomputed://${base}/em`)
    expect((await fetch(`${base}/em_mirror/info`)).status).toBe(200)
  })

  it('sends gzip objects as stored to gzip clients and decoded to the others; never gzips on the fly', async () => {
    const vols = await generatedVolumes(server.dataset.seed)
    const key = [...vols.objects.keys()].find((k) => k.startsWith('ws/8_8_40/'))!
    const stored = vols.objects.get(key)!
    expect(stored.contentEncoding).toBe('gzip')
    const http = await import('node:http')
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        http.get(`${base}/${key}`, { headers }, (res) => {
          const parts: Buffer[] = []
          res.on('data', (b: Buffer) => parts.push(b))
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }))
        }).on('error', reject)
      })
    const gz = await raw({ 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gz.headers['content-type']).toBe('image/x.compressed_segmentation')
    expect(Buffer.compare(gz.body, Buffer.from(stored.body))).toBe(0)
    const plain = await raw({})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(Buffer.compare(plain.body, gunzipSync(stored.body))).toBe(0)
    const shard = [...vols.objects.keys()].find((k) => k.endsWith('.shard'))!
    const sh = await raw({ 'accept-encoding': 'gzip' })
    expect(sh.status).toBe(200)
    const whole = await raw({})
    expect(whole.body.length).toBeGreaterThan(0)
    const shardRes = await fetch(`${base}/${shard}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(shardRes.headers.get('content-encoding')).toBeNull()
    expect(shardRes.headers.get('accept-ranges')).toBe('bytes')
  })

  it('answers byte ranges of shard files with 206 and Content-Range; 416 when unsatisfiable', async () => {
    const vols = await generatedVolumes(server.dataset.seed)
    const shard = [...vols.objects.keys()].find((k) => k.endsWith('.shard'))!
    const body = vols.objects.get(shard)!.body
    const res = await fetch(`${base}/${shard}`, { headers: { Range: 'bytes=16-31' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes 16-31/${body.byteLength}`)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body.subarray(16, 32))
    const tail = await fetch(`${base}/${shard}`, { headers: { Range: 'bytes=-4' } })
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(body.subarray(body.byteLength - 4))
    const bad = await fetch(`${base}/${shard}`, { headers: { Range: `bytes=${body.byteLength}-` } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe(`bytes */${body.byteLength}`)
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined()
    expect(parseRange('bytes=5-100', 10)).toEqual([5, 9])
  })

  it('404s for missing objects and unknown datastacks', async () => {
    expect((await fetch(`${base}/em/8_8_40/0-1_0-1_0-1`)).status).toBe(404)
    expect((await fetch(`${server.url}/volumes/nope/em/info`)).status).toBe(404)
  })
})

describe('the generated volumes through CloudVolume over HTTP', () => {
  it('ws: every supervoxel position holds its chunkedgraph id, at mip 0 (unsharded) and in the sharded mip 1', async () => {
    const ws = await CloudVolume.open(`precomputed://${base}/ws`)
    expect(ws.info.scales).toEqual(wsInfo().scales)
    expect(ws.isSharded(1)).toBe(true)
    expect(ws.scale(1).sharding).toEqual(SEG_MIP1_SHARDING)
    const model = chunkedGraphModelFor(server.dataset)
    const all = await ws.read(ws.bounds(0))
    expect(all.shape).toEqual([...ws.volumeSize(0), 1])
    for (const sv of model.supervoxels) expect(at(all, sv.position[0]!, sv.position[1]!, sv.position[2]!)).toBe(sv.id)
    const ids = new Set(all.data as BigUint64Array)
    ids.delete(0n)
    expect([...ids].every((id) => model.hasSupervoxel(id))).toBe(true)
    const mip1 = await ws.read(ws.bounds(1), { mip: 1 })
    for (let z = 0; z < mip1.shape[2]; z += 7)
      for (let y = 0; y < mip1.shape[1]; y += 5)
        for (let x = 0; x < mip1.shape[0]; x += 3) expect(at(mip1, x, y, z)).toBe(at(all, 2 * x, 2 * y, z))
  })

  it('em: raw mip 0 and jpeg mip 1; membranes dark where the segmentation is 0', async () => {
    const em = await CloudVolume.open(`precomputed://${base}/em`)
    const ws = await CloudVolume.open(`precomputed://${base}/ws`)
    const box = [[100, 228], [64, 192], [10, 12]]
    const img = await em.read(box)
    const seg = await ws.read(box)
    let dark = 0
    let bright = 0
    for (let i = 0; i < img.data.length; i++) {
      if (seg.data[i] === 0n) dark += Number(img.data[i]! < 100)
      else bright += Number(img.data[i]! > 120)
    }
    const zeros = (seg.data as BigUint64Array).filter((v) => v === 0n).length
    expect(dark).toBe(zeros)
    expect(bright).toBe(img.data.length - zeros)
    const small = await em.read([[50, 114], [32, 96], [10, 12]], { mip: 1 })
    const big = await em.read([[100, 228], [64, 192], [10, 12]], { mip: 0 })
    let err = 0
    for (let z = 10; z < 12; z++)
      for (let y = 32; y < 96; y++)
        for (let x = 50; x < 114; x++) {
          const mean = ([0, 1] as const).flatMap((dy) => [0, 1].map((dx) => Number(at(big, 2 * x + dx, 2 * y + dy, z)))).reduce((a, b) => a + b) / 4
          err = Math.max(err, Math.abs(Number(at(small, x, y, z)) - mean))
        }
    expect(err).toBeLessThan(40) // jpeg q85 of the 2x2 means
  })

  it('missing objects behave like missing chunks (fillMissing), and the graphene info points at ws', async () => {
    const em = await CloudVolume.open(`precomputed://${base}/em`)
    const vols = await generatedVolumes(server.dataset.seed)
    const key = 'em/8_8_40/0-128_0-128_0-32'
    const saved = vols.objects.get(key)!
    vols.objects.delete(key)
    try {
      expect(isEmptyVolumeException(await em.read([[0, 1], [0, 1], [0, 1]]).catch((e: unknown) => e))).toBe(true)
      expect((await em.read([[0, 1], [0, 1], [0, 1]], { fillMissing: true })).data[0]).toBe(0)
    } finally {
      vols.objects.set(key, saved)
    }
    const res = await fetch(`${server.url}/segmentation/table/${DEMO_TABLE_ID}/info`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } })
    const info = (await res.json()) as { data_dir: string }
    expect(info.data_dir.replace(/^precomputed:\/\//, '')).toBe(`${base}/ws`)
  })
})

describe('graphene:// against the local chunkedgraph', () => {
  it('agglomerates supervoxels to the chunkedgraph roots (now and at a past timestamp); the token reaches the chunkedgraph only', async () => {
    const { AuthClient } = await import('@daf/auth')
    const auth = new AuthClient({ serverAddress: server.url, token: DEV_TOKEN })
    const vol = await CloudVolume.open(`graphene://${server.url}/segmentation/table/${DEMO_TABLE_ID}`, { auth })
    const model = chunkedGraphModelFor(server.dataset)
    expect(vol.info.scales).toEqual(wsInfo().scales.map((s) => ({ ...s, locked: true })))
    server.requests.length = 0
    const box = [[0, 256], [0, 256], [0, 32]]
    const latest = await vol.read(box, { agglomerate: true })
    const first = model.operations[0]!
    const before = await vol.read(box, { agglomerate: true, timestamp: Math.floor(first.timestamp) - 1 })
    const inside = model.supervoxels.filter((s) => s.position.every((p, d) => p >= box[d]![0]! && p < box[d]![1]!))
    expect(inside.length).toBeGreaterThan(20)
    for (const s of inside) {
      const [x, y, z] = s.position as [number, number, number]
      expect(at(latest, x, y, z)).toBe(model.rootAt(s.id))
      expect(at(before, x, y, z)).toBe(model.rootAt(s.id, Math.floor(first.timestamp) - 1))
    }
    const cg = server.requests.filter((r) => r.path.startsWith('/segmentation/'))
    const storage = server.requests.filter((r) => r.path.startsWith('/volumes/'))
    expect(cg.some((r) => r.path.endsWith('/roots_binary'))).toBe(true)
    expect(cg.every((r) => r.hasAuth)).toBe(true)
    expect(storage.length).toBeGreaterThan(0)
    expect(storage.every((r) => !r.hasAuth && r.tokenSource === null)).toBe(true)

    // segids: one root's voxels keep it, the rest is 0.
    const target = model.rootAt(inside[0]!.id)
    const masked = await vol.read(box, { segids: [target] })
    const values = new Set(masked.data as BigUint64Array)
    expect([...values].sort()).toEqual([0n, target].sort())
    expect(at(masked, ...(inside[0]!.position as [number, number, number]))).toBe(target)
  })
})
