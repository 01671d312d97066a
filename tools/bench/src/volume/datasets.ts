// The benchmark layers, built once per run in a temp directory (file://) and in memory (served by
// the local deployment over loopback HTTP), from the same arrays:
//
// - `seg`: 512x512x128 uint64 compressed_segmentation (8^3 blocks) + gzip, 64^3 chunks, made of
//   the real FIB-25 64^3 chunk tiled 8x8x2 times with a label offset per tile; `seg_sharded` holds
//   the same chunks in 4 shard files (identity hash, 32 chunks per shard).
// - `img`: 1024x1024x64 uint8 raw + gzip, 64^3 chunks, EM-like (smooth cells, dark membranes,
//   noise: gzip keeps ~60% of the bytes, like EM); `img_sharded` the same in 4 shards (gzip data).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { CloudVolume, type ShardingSpec, type VolumeInfo } from '@daf/volume'
import { StaticStore } from '@daf/tools-dev-server'

export const SEG_SIZE: [number, number, number] = [512, 512, 128]
export const IMG_SIZE: [number, number, number] = [1024, 1024, 64]
export const CHUNK: [number, number, number] = [64, 64, 64]

export const LAYERS = ['seg', 'seg_sharded', 'img', 'img_sharded'] as const
export type LayerName = (typeof LAYERS)[number]

function sharding(preshift: number): ShardingSpec {
  return {
    '@type': 'neuroglancer_uint64_sharded_v1',
    preshift_bits: preshift,
    hash: 'identity',
    minishard_bits: 3,
    shard_bits: 2,
    minishard_index_encoding: 'gzip',
    data_encoding: 'gzip',
  }
}

export function infoOf(name: LayerName): VolumeInfo {
  const seg = name.startsWith('seg')
  const info = CloudVolume.createNewInfo({
    numChannels: 1,
    layerType: seg ? 'segmentation' : 'image',
    dataType: seg ? 'uint64' : 'uint8',
    encoding: seg ? 'compressed_segmentation' : 'raw',
    resolution: seg ? [8, 8, 8] : [4, 4, 40],
    voxelOffset: [0, 0, 0],
    volumeSize: seg ? SEG_SIZE : IMG_SIZE,
    chunkSize: CHUNK,
  })
  // seg grid 8x8x2 = 128 chunks (7 Morton bits), img 16x16x1 = 256 chunks (8 bits): 4 shards each.
  if (name === 'seg_sharded') info.scales[0]!.sharding = sharding(2)
  if (name === 'img_sharded') info.scales[0]!.sharding = sharding(3)
  return info
}

async function fib25(): Promise<BigUint64Array> {
  const require = createRequire(import.meta.url)
  const root = dirname(dirname(dirname(require.resolve('@daf/volume/package.json'))))
  const bytes = await readFile(join(root, '..', 'shared', 'fixtures', 'fib25-64x64x64-uint64.raw'))
  return new BigUint64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

export async function segmentation(): Promise<BigUint64Array> {
  const tile = await fib25()
  const [sx, sy, sz] = SEG_SIZE
  const out = new BigUint64Array(sx * sy * sz)
  const words = new Uint32Array(out.buffer)
  const tw = new Uint32Array(tile.buffer)
  for (let tz = 0; tz < sz / 64; tz++)
    for (let ty = 0; ty < sy / 64; ty++)
      for (let tx = 0; tx < sx / 64; tx++) {
        const offset = (tx + 8 * (ty + 8 * tz)) * 1_000_000
        for (let z = 0; z < 64; z++)
          for (let y = 0; y < 64; y++) {
            const src = 64 * (y + 64 * z)
            const dst = tx * 64 + sx * (ty * 64 + y + sy * (tz * 64 + z))
            for (let x = 0; x < 64; x++) {
              const lo = tw[2 * (src + x)]!
              words[2 * (dst + x)] = lo === 0 ? 0 : lo + offset
              words[2 * (dst + x) + 1] = tw[2 * (src + x) + 1]!
            }
          }
      }
  return out
}

export function image(): Uint8Array {
  const [sx, sy, sz] = IMG_SIZE
  const out = new Uint8Array(sx * sy * sz)
  let state = 0x12345678
  const rand = (): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4294967296
  }
  let i = 0
  for (let z = 0; z < sz; z++)
    for (let y = 0; y < sy; y++)
      for (let x = 0; x < sx; x++, i++) {
        const cell = Math.sin(x * 0.09 + z * 0.05) + Math.sin(y * 0.07 - z * 0.04) + Math.sin((x + y) * 0.05)
        const membrane = Math.abs(cell) < 0.12
        out[i] = Math.max(0, Math.min(255, (membrane ? 60 : 150 + 20 * Math.sin(x * 0.01)) + (rand() - 0.5) * 24))
      }
  return out
}

export interface Datasets {
  /** `file://<dir>/<layer>`. */
  fileRoot: string
  /** In-memory objects by `<layer>/<key>`, for the HTTP route. */
  store: StaticStore
  outputBytes: Record<'seg' | 'img', number>
}

/** Writes every layer to `dir` (file://) and to an in-memory store, with CloudVolume. */
export async function buildDatasets(dir: string, log: (line: string) => void): Promise<Datasets> {
  const store = new StaticStore('bench://volumes')
  const t = performance.now()
  const seg = await segmentation()
  const img = image()
  for (const name of LAYERS) {
    const data = name.startsWith('seg') ? seg : img
    for (const target of ['file', 'mem'] as const) {
      const vol =
        target === 'file'
          ? await CloudVolume.open(`file://${dir}/${name}`, { info: infoOf(name) })
          : await CloudVolume.open(`bench://${name}`, { info: infoOf(name), storage: store.layer(name) })
      await vol.commitInfo()
      await vol.write(vol.bounds(), data)
    }
  }
  log(`built the layers in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`)
  return { fileRoot: `file://${dir}`, store, outputBytes: { seg: seg.byteLength, img: img.byteLength } }
}
