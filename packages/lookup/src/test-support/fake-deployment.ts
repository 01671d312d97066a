/**
 * A small fake deployment for unit tests: msw answers the info service and a chunkedgraph; the
 * volumes live in mem:// stores written with CloudVolume. Two datastacks: `graphene_ds` (uint64
 * compressed_segmentation supervoxels + chunkedgraph) and `flat_ds` (uint32 raw segmentation, no
 * chunkedgraph); both share a two-mip uint8 image.
 */
import { FrameworkClient, decodeUint64LE, encodeUint64LE } from '@daf/services'
import { CloudVolume, addScale, clearMemoryStore, type VolumeInfo } from '@daf/volume'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'

export const GLOBAL = 'https://global.lookup.test'
export const LOCAL = 'https://local.lookup.test'
export const TOKEN = 'abcdef0123456789abcdef0123456789'
export const TABLE = 'fake_seg'
export const SIZE: [number, number, number] = [64, 48, 16]
export const CHUNK: [number, number, number] = [16, 16, 8]
export const RES: [number, number, number] = [8, 8, 40]
/** Seconds: roots before this time are "old", after it "new" (a merge of every pair 2k, 2k+1). */
export const MERGE_TIME = 1_700_000_000

/** Supervoxel at a voxel (mip 0): blocks of 4 × 8 × 4, with a zero plane at x % 16 == 15. */
export function supervoxelAt(x: number, y: number, z: number): bigint {
  if (x % 16 === 15) return 0n
  return 72057594037927936n + BigInt((x >> 2) + 100 * (y >> 3) + 10_000 * (z >> 2))
}

/** The fake chunkedgraph: before MERGE_TIME each supervoxel's root is 2^59 + sv; after, pairs merged. */
export function rootOf(sv: bigint, seconds: number): bigint {
  if (sv === 0n) return 0n
  const base = 1n << 59n
  return seconds < MERGE_TIME ? base + sv : base + (sv & ~1n)
}

export function imageAt(x: number, y: number, z: number): number {
  return (x * 3 + y * 5 + z * 7) % 256
}

function segInfo(dataType: 'uint64' | 'uint32', encoding: string): VolumeInfo {
  const info = CloudVolume.createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType, encoding, resolution: RES, voxelOffset: [0, 0, 0], volumeSize: SIZE, chunkSize: CHUNK })
  return info
}

export interface Seen {
  method: string
  url: URL
  body: Uint8Array
}

export interface FakeDeployment {
  seen: Seen[]
  /** Requests whose path includes `part`. */
  count(part: string): number
  client(datastack: 'graphene_ds' | 'flat_ds', options?: { logger?: { warn(m: string): void; debug?(m: string): void } }): FrameworkClient
  close(): void
}

let volumesWritten: Promise<void> | undefined

/** Writes the mem:// volumes once per process. */
export function writeVolumes(): Promise<void> {
  volumesWritten ??= (async () => {
    for (const name of ['lookup-unit']) clearMemoryStore(name)
    const fill = (box: number[][], f: (x: number, y: number, z: number) => number | bigint, make: (n: number) => { [i: number]: number | bigint }) => {
      const [[x0, x1], [y0, y1], [z0, z1]] = box as [[number, number], [number, number], [number, number]]
      const a = make((x1 - x0) * (y1 - y0) * (z1 - z0))
      let i = 0
      for (let z = z0; z < z1; z++) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) a[i++] = f(x, y, z)
      return a
    }
    const wsInfo = segInfo('uint64', 'compressed_segmentation')
    const ws = await CloudVolume.open('mem://lookup-unit/ws', { info: wsInfo })
    await ws.commitInfo()
    await ws.write(ws.bounds(), fill(ws.bounds(), supervoxelAt, (n) => new BigUint64Array(n)) as BigUint64Array)
    const flat = await CloudVolume.open('mem://lookup-unit/flat', { info: segInfo('uint32', 'raw') })
    await flat.commitInfo()
    await flat.write(flat.bounds(), fill(flat.bounds(), (x, y, z) => Number(supervoxelAt(x, y, z) & 0xffffffn), (n) => new Uint32Array(n)) as Uint32Array)
    const imgInfo = CloudVolume.createNewInfo({ numChannels: 1, layerType: 'image', dataType: 'uint8', encoding: 'raw', resolution: RES, voxelOffset: [0, 0, 0], volumeSize: SIZE, chunkSize: [32, 32, 8] })
    addScale(imgInfo, [2, 2, 1], { chunkSize: [16, 16, 8] })
    const img = await CloudVolume.open('mem://lookup-unit/img', { info: imgInfo })
    await img.commitInfo()
    await img.write(img.bounds(0), fill(img.bounds(0), imageAt, (n) => new Uint8Array(n)) as Uint8Array, { mip: 0 })
    // Mip 1: the value at (2x, 2y, z) (so resampling tests know exactly what to expect).
    await img.write(img.bounds(1), fill(img.bounds(1), (x, y, z) => imageAt(2 * x, 2 * y, z), (n) => new Uint8Array(n)) as Uint8Array, { mip: 1 })
  })()
  return volumesWritten
}

function record(datastack: string): Record<string, unknown> {
  return {
    aligned_volume: { name: 'fake_av', id: 1, image_source: 'precomputed://mem://lookup-unit/img', description: '' },
    local_server: LOCAL,
    segmentation_source: datastack === 'flat_ds' ? 'precomputed://mem://lookup-unit/flat' : `graphene://${LOCAL}/segmentation/table/${TABLE}`,
    synapse_table: null,
    soma_table: null,
    analysis_database: null,
    viewer_site: 'https://viewer.lookup.test',
    description: datastack,
    viewer_resolution_x: 4,
    viewer_resolution_y: 4,
    viewer_resolution_z: 40,
  }
}

export function startFakeDeployment(): FakeDeployment {
  const seen: Seen[] = []
  const server = setupServer(
    http.all(/.*/, async ({ request }) => {
      const url = new URL(request.url)
      seen.push({ method: request.method, url, body: new Uint8Array(await request.clone().arrayBuffer()) })
      const path = url.pathname
      if (path === '/info/version') return HttpResponse.json('4.3.1')
      const ds = /^\/info\/api\/v2\/datastack\/full\/([^/]+)$/.exec(path)
      if (ds) return HttpResponse.json(record(ds[1]!))
      if (path === '/segmentation/api/versions') return HttpResponse.json([0, 1])
      if (path === '/segmentation/api/version') return HttpResponse.json('2.18.3')
      if (path === `/segmentation/table/${TABLE}/info`) {
        return HttpResponse.json({ ...segInfo('uint64', 'compressed_segmentation'), data_dir: 'mem://lookup-unit/ws', app: { supported_api_versions: [0, 1] }, graph: { n_layers: 6 } })
      }
      if (path === `/segmentation/api/v1/table/${TABLE}/roots_binary`) {
        const ids = decodeUint64LE(new Uint8Array(await request.arrayBuffer()))
        const t = Number(url.searchParams.get('timestamp'))
        const body = encodeUint64LE(BigUint64Array.from(ids, (id) => rootOf(id, t)))
        return new HttpResponse(body, { headers: { 'content-type': 'application/octet-stream' } })
      }
      return HttpResponse.json({ message: `not found: ${request.method} ${path}` }, { status: 404 })
    }),
  )
  server.listen({ onUnhandledRequest: 'error' })
  return {
    seen,
    count: (part) => seen.filter((s) => s.url.pathname.includes(part)).length,
    client: (datastack, o = {}) =>
      new FrameworkClient(datastack, { serverAddress: GLOBAL, authToken: TOKEN, writeServerCache: false, logger: o.logger ?? { warn: () => {}, debug: () => {} } }),
    close: () => server.close(),
  }
}
