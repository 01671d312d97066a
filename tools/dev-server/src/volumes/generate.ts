/**
 * The generated precomputed volumes of the demo datastack, deterministic from the seed, in the
 * chunkedgraph's geometry (`CG_GEOMETRY`: mip 0 = its base resolution and size):
 *
 * - `ws` (the chunkedgraph's `data_dir`): uint64 supervoxels, `compressed_segmentation` + gzip. Each chunkedgraph chunk is split
 *   among the supervoxels the chunkedgraph model puts there (nearest supervoxel `position`,
 *   anisotropic, thin zero-valued membranes between them); every supervoxel's `position` voxel
 *   holds its id. Mip 0 unsharded (chunks = chunkedgraph chunks), mip 1 sharded (identity hash).
 * - `em`: uint8 imagery derived from the same cells (bright cytoplasm, dark membranes), mip 0
 *   `raw` + gzip, mip 1 `jpeg` (quality 85). `em_mirror` serves the same objects (the aligned volume's mirror).
 *
 * The supervoxels come from one function, `supervoxelLayout(seed)`, which builds the chunkedgraph
 * model the chunkedgraph service serves. The layers are written with `CloudVolume` itself into a
 * `StaticStore` (gzip'd where a bucket would hold `Content-Encoding: gzip`). Generated once per
 * seed on first use.
 */
import { CloudVolume, addScale, type ShardingSpec, type VolumeInfo } from '@daf/volume'
import { CG_GEOMETRY, ChunkedGraphModel } from '../data/chunkedgraph-model.js'
import { normalizeSeed, type Seed } from '../rng.js'
import { StaticStore, type StaticObject } from './store.js'

export type Vec3 = [number, number, number]

/** Layer names below `/volumes/<datastack>/`. */
export const LAYERS = { em: 'em', emMirror: 'em_mirror', ws: 'ws' } as const

/** The sharding of `ws` mip 1: identity hash, so each shard is a 2x2x2 block of chunks. */
export const SEG_MIP1_SHARDING: ShardingSpec = {
  '@type': 'neuroglancer_uint64_sharded_v1',
  preshift_bits: 2,
  hash: 'identity',
  minishard_bits: 1,
  shard_bits: 2,
  minishard_index_encoding: 'gzip',
  data_encoding: 'gzip',
}

export interface SupervoxelLayout {
  resolution: Vec3
  size: Vec3
  voxelOffset: Vec3
  /** The chunkedgraph's chunk (voxels); supervoxels never cross one. */
  chunkSize: Vec3
  gridShape: Vec3
  supervoxels: ReadonlyArray<{ id: bigint; chunk: readonly number[]; position: readonly number[] }>
}

/** Where supervoxel ids come from: the chunkedgraph model of the same seed. The one switch point. */
export function supervoxelLayout(seed: Seed): SupervoxelLayout {
  const model = new ChunkedGraphModel({ seed })
  const g = CG_GEOMETRY
  return {
    resolution: [...g.resolution] as Vec3,
    size: [...g.size] as Vec3,
    voxelOffset: [...g.voxelOffset] as Vec3,
    chunkSize: [...g.chunkSize] as Vec3,
    gridShape: [...g.gridShape] as Vec3,
    supervoxels: model.supervoxels,
  }
}

function baseInfo(layerType: 'image' | 'segmentation'): VolumeInfo {
  const g = CG_GEOMETRY
  const info = CloudVolume.createNewInfo({
    numChannels: 1,
    layerType,
    dataType: layerType === 'image' ? 'uint8' : 'uint64',
    encoding: layerType === 'image' ? 'raw' : 'compressed_segmentation',
    resolution: g.resolution,
    voxelOffset: g.voxelOffset,
    volumeSize: g.size,
    chunkSize: layerType === 'image' ? [g.chunkSize[0] * 2, g.chunkSize[1] * 2, g.chunkSize[2]] : g.chunkSize,
  })
  info['@type'] = 'neuroglancer_multiscale_volume'
  return info
}

/**
 * The `info` of the supervoxel layer `ws` (also the scales of the graphene info): mip 0
 * `compressed_segmentation` in chunkedgraph chunks, mip 1 the same, sharded.
 */
export function wsInfo(): VolumeInfo {
  const info = baseInfo('segmentation')
  const mip1 = addScale(info, [2, 2, 1], { chunkSize: CG_GEOMETRY.chunkSize })
  mip1.sharding = structuredClone(SEG_MIP1_SHARDING)
  return info
}

/** The `info` of the image layer `em`: mip 0 `raw` (gzip), mip 1 `jpeg`. */
export function emInfo(): VolumeInfo {
  const info = baseInfo('image')
  addScale(info, [2, 2, 1], { encoding: 'jpeg', chunkSize: info.scales[0]!.chunk_sizes[0], encodingLevel: 85 })
  return info
}

export interface GeneratedVolumes {
  seed: number
  /** Objects by path below `/volumes/<datastack>/` (`em/info`, `ws/8_8_40/0-64_0-64_0-32`, …). */
  objects: Map<string, StaticObject>
  layout: SupervoxelLayout
  /** Bytes stored, all objects. */
  totalBytes: number
  /** Milliseconds the generation took. */
  generationMs: number
}

const cache = new Map<number, Promise<GeneratedVolumes>>()

/** The dataset's volumes for `seed` (generated on first use, then shared by every server of the process). */
export function generatedVolumes(seed: Seed = 1): Promise<GeneratedVolumes> {
  const s = normalizeSeed(seed)
  let p = cache.get(s)
  if (!p) {
    p = generate(s)
    p.catch(() => cache.delete(s))
    cache.set(s, p)
  }
  return p
}

/**
 * Paints one chunkedgraph chunk into the slab: each voxel takes the nearest supervoxel position
 * (anisotropic distance, computed on 2x2 voxel columns in x/y for speed), with zero-valued
 * membranes where two supervoxels are about equally near. Labels are written as little-endian
 * word pairs (no BigInt per voxel); EM intensity follows the label.
 */
function paintChunk(
  layout: SupervoxelLayout,
  svs: ReadonlyArray<{ id: bigint; position: readonly number[] }>,
  box: number[][],
  slab: { words: Uint32Array; em: Uint8Array; box: number[][] },
): void {
  const res = layout.resolution
  const [[x0, x1], [y0, y1], [z0, z1]] = box as [[number, number], [number, number], [number, number]]
  const sx = slab.box[0]![1]! - slab.box[0]![0]!
  const sy = slab.box[1]![1]! - slab.box[1]![0]!
  const lo = svs.map((s) => Number(s.id & 0xffffffffn))
  const hi = svs.map((s) => Number(s.id >> 32n))
  const shade = svs.map((s) => 150 + Number(s.id % 53n))
  const membrane = 16 // nm
  const n = svs.length
  const words = slab.words
  const pixels = slab.em
  const bx = slab.box[0]![0]!
  const by = slab.box[1]![0]!
  const bz = slab.box[2]![0]!
  const px = Float64Array.from(svs, (s) => s.position[0]!)
  const yz = new Float64Array(n)
  for (let z = z0; z < z1; z++) {
    for (let y = y0; y < y1; y += 2) {
      for (let s = 0; s < n; s++) {
        const p = svs[s]!.position
        const dy = (y + 0.5 - p[1]!) * res[1]
        const dz = (z - p[2]!) * res[2] * 0.3
        yz[s] = dy * dy + dz * dz
      }
      for (let x = x0; x < x1; x += 2) {
        let k = -1
        if (n > 0) {
          let best = Infinity
          let second = Infinity
          for (let s = 0; s < n; s++) {
            const dx = (x + 0.5 - px[s]!) * res[0]
            const d = dx * dx + yz[s]!
            if (d < best) {
              second = best
              best = d
              k = s
            } else if (d < second) second = d
          }
          if (Math.sqrt(second) - Math.sqrt(best) < membrane) k = -1
        }
        const wlo = k < 0 ? 0 : lo[k]!
        const whi = k < 0 ? 0 : hi[k]!
        const value = (k < 0 ? 55 : shade[k]!) + (((x >> 4) + (y >> 4) + (z >> 2)) & 3) * 3
        const xe = Math.min(x + 2, x1)
        const ye = Math.min(y + 2, y1)
        for (let yy = y; yy < ye; yy++) {
          let i = x - bx + sx * (yy - by + sy * (z - bz))
          for (let xx = x; xx < xe; xx++, i++) {
            words[2 * i] = wlo
            words[2 * i + 1] = whi
            pixels[i] = value
          }
        }
      }
    }
  }
  // Every supervoxel's position voxel holds its id (membranes never hide one).
  svs.forEach((s, k) => {
    const i = s.position[0]! - slab.box[0]![0]! + sx * (s.position[1]! - slab.box[1]![0]! + sy * (s.position[2]! - slab.box[2]![0]!))
    slab.words[2 * i] = lo[k]!
    slab.words[2 * i + 1] = hi[k]!
  })
}

async function generate(seed: number): Promise<GeneratedVolumes> {
  const started = performance.now()
  const layout = supervoxelLayout(seed)
  const root = new StaticStore('generated://volumes')

  const chunk = layout.chunkSize
  const ws = await CloudVolume.open('generated://ws', { storage: root.layer(LAYERS.ws), info: wsInfo(), concurrency: 4 })
  ws.provenance.description = `Generated supervoxels of the local deployment's chunkedgraph (seed ${seed}).`
  const em = await CloudVolume.open('generated://em', { storage: root.layer(LAYERS.em), info: emInfo(), concurrency: 4 })
  em.provenance.description = `Generated EM imagery matching the supervoxels (seed ${seed}).`
  for (const v of [ws, em]) {
    await v.commitInfo()
    await v.commitProvenance()
  }

  // Paint chunk by chunk (a z-slab of chunkedgraph chunks at a time keeps memory small).
  const byChunk = new Map<string, Array<{ id: bigint; position: readonly number[] }>>()
  for (const s of layout.supervoxels) {
    const key = s.chunk.join('_')
    byChunk.set(key, [...(byChunk.get(key) ?? []), s])
  }
  const [gx, gy, gz] = layout.gridShape
  const [sx, sy] = layout.size
  const off = layout.voxelOffset
  const mip1Labels = new BigUint64Array(Math.ceil(sx / 2) * Math.ceil(sy / 2) * layout.size[2])
  const mip1Em = new Uint8Array(mip1Labels.length)
  const mip1Words = new Uint32Array(mip1Labels.buffer)
  const ox = Math.ceil(sx / 2)
  const oy = Math.ceil(sy / 2)
  for (let cz = 0; cz < gz; cz++) {
    const z0 = off[2] + cz * chunk[2]
    const z1 = Math.min(z0 + chunk[2], off[2] + layout.size[2])
    const slabLabels = new BigUint64Array(sx * sy * (z1 - z0))
    const slab = { words: new Uint32Array(slabLabels.buffer), em: new Uint8Array(slabLabels.length), box: [[off[0], off[0] + sx], [off[1], off[1] + sy], [z0, z1]] }
    for (let cy = 0; cy < gy; cy++) {
      for (let cx = 0; cx < gx; cx++) {
        const box = [
          [off[0] + cx * chunk[0], Math.min(off[0] + (cx + 1) * chunk[0], off[0] + sx)],
          [off[1] + cy * chunk[1], Math.min(off[1] + (cy + 1) * chunk[1], off[1] + sy)],
          [z0, z1],
        ]
        paintChunk(layout, byChunk.get(`${cx}_${cy}_${cz}`) ?? [], box, slab)
      }
    }
    await ws.write(slab.box, slabLabels, { mip: 0 })
    await em.write(slab.box, slab.em, { mip: 0 })
    // Mip 1: labels by striding, EM by 2x2 means.
    for (let z = 0; z < z1 - z0; z++)
      for (let y = 0; y < oy; y++)
        for (let x = 0; x < ox; x++) {
          const o = x + ox * (y + oy * (z + z0 - off[2]))
          const i = 2 * x + sx * (2 * y + sy * z)
          mip1Words[2 * o] = slab.words[2 * i]!
          mip1Words[2 * o + 1] = slab.words[2 * i + 1]!
          let sum = 0
          let cnt = 0
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++)
              if (2 * x + dx < sx && 2 * y + dy < sy) {
                sum += slab.em[2 * x + dx + sx * (2 * y + dy + sy * z)]!
                cnt++
              }
          mip1Em[o] = Math.round(sum / cnt)
        }
  }
  await ws.write(ws.bounds(1), mip1Labels, { mip: 1 })
  await em.write(em.bounds(1), mip1Em, { mip: 1 })

  // The mirror holds the same objects.
  for (const [k, v] of [...root.objects]) {
    if (k.startsWith(`${LAYERS.em}/`)) root.objects.set(`${LAYERS.emMirror}/${k.slice(LAYERS.em.length + 1)}`, v)
  }
  let totalBytes = 0
  for (const v of root.objects.values()) totalBytes += v.body.byteLength
  return { seed, objects: root.objects, layout, totalBytes, generationMs: Math.round(performance.now() - started) }
}
