/**
 * Demo sections for @daf/volume: the datastack's image source read as a cutout at two mips (raw
 * and jpeg), and its graphene segmentation read as supervoxels and as root ids (the sharded mip
 * too). Expected values come from the deployment's own chunkedgraph model, so every printed
 * result is checked.
 */
import { FrameworkClient } from '@daf/services'
import { CloudVolume, GrapheneVolume, type Cutout } from '@daf/volume'
import { DEMO_DATASTACK } from '../constants.js'
import { chunkedGraphModelFor } from '../services/chunkedgraph.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'
import type { ServicesState } from './sections-services.js'

export interface VolumesState extends ServicesState {
  imageBox?: number[][]
  imageCutout?: Cutout
}

const at = (c: Cutout, x: number, y: number, z: number): number | bigint => {
  const [sx, sy] = c.shape
  return c.data[x - c.bounds[0][0] + sx * (y - c.bounds[1][0] + sy * (z - c.bounds[2][0]))]!
}

export function volumesSections(env: DemoEnv, state: VolumesState): DemoSection[] {
  const quiet = { warn: () => {}, debug: () => {} }
  const client = (): FrameworkClient => (state.client ??= new FrameworkClient(DEMO_DATASTACK, { serverAddress: env.server.url, logger: quiet }))
  const box = [[192, 320], [192, 320], [30, 34]]

  return [
    {
      title: 'CloudVolume: an image cutout from the datastack image source (raw mip 0, jpeg mip 1)',
      async run({ say, signal }) {
        const source = await client().info.imageSource({ signal })
        check(source, 'the datastack has an image source')
        say(`image source ${source}`)
        const em = await CloudVolume.open(source, { signal })
        say(`${em.layerType} ${em.dataType}, ${em.scales.length} mips: ${em.scales.map((s, i) => `${i}: ${s.resolution.join('x')} nm ${s.encoding}`).join('; ')}`)
        check(em.layerType === 'image' && em.dataType === 'uint8', 'a uint8 image layer')
        check(em.encoding(0) === 'raw' && em.encoding(1) === 'jpeg', 'mip 0 raw, mip 1 jpeg')

        const cut = await em.read(box, { signal })
        let dark = 0
        let sum = 0
        for (const v of cut.data as Uint8Array) {
          sum += v
          if (v < 100) dark++
        }
        say(`read ${cut.shape.join('x')} at mip 0 (${cut.data.byteLength} bytes): mean ${(sum / cut.data.length).toFixed(1)}, ${((100 * dark) / cut.data.length).toFixed(1)}% membrane`)
        check(cut.shape.join() === '128,128,4,1', 'the cutout has the requested shape (x, y, z, channels)')
        check(dark > 0 && dark < cut.data.length / 2, 'dark membranes between bright cells')

        const half = await em.read([[96, 160], [96, 160], [30, 34]], { mip: 1, signal })
        let diff = 0
        for (let z = 30; z < 34; z++)
          for (let y = 96; y < 160; y++)
            for (let x = 96; x < 160; x++) {
              const mean = (Number(at(cut, 2 * x, 2 * y, z)) + Number(at(cut, 2 * x + 1, 2 * y, z)) + Number(at(cut, 2 * x, 2 * y + 1, z)) + Number(at(cut, 2 * x + 1, 2 * y + 1, z))) / 4
              diff += Math.abs(Number(at(half, x, y, z)) - mean)
            }
        const mad = diff / half.data.length
        say(`the same region at mip 1 (jpeg, ${half.shape.join('x')}): mean |mip1 - 2x2 mean of mip 0| = ${mad.toFixed(2)}`)
        check(mad < 8, 'mip 1 is the downsampled mip 0 (within jpeg error)')
        state.imageBox = box
        state.imageCutout = cut
      },
    },
    {
      title: 'CloudVolume: the graphene segmentation as supervoxels and as root ids',
      async run({ say, signal }) {
        const source = await client().info.segmentationSource({ signal })
        check(source && source.startsWith('graphene://'), 'the segmentation source is graphene')
        const opened = await CloudVolume.open(source, { auth: client().auth, signal })
        check(opened instanceof GrapheneVolume, 'graphene:// opens a GrapheneVolume')
        const seg = opened as GrapheneVolume
        say(`${source} → supervoxels from ${seg.dataDir} (${seg.encoding(0)}; mip 1 sharded: ${seg.isSharded(1)})`)

        const model = chunkedGraphModelFor(env.server.dataset)
        const svs = await seg.read(box, { signal })
        const ids = new Set(svs.data as BigUint64Array)
        ids.delete(0n)
        say(`read ${svs.shape.join('x')} supervoxels: ${ids.size} distinct ids, e.g. ${[...ids][0]}`)
        check(ids.size > 0 && [...ids].every((id) => model.hasSupervoxel(id)), 'every supervoxel id is one of the chunkedgraph')

        const roots = await seg.read(box, { agglomerate: true, signal })
        const rootIds = new Set(roots.data as BigUint64Array)
        rootIds.delete(0n)
        let agree = 0
        for (let i = 0; i < svs.data.length; i++) {
          const sv = svs.data[i] as bigint
          if (sv !== 0n && roots.data[i] === model.rootAt(sv)) agree++
        }
        const nonzero = (svs.data as BigUint64Array).filter((v) => v !== 0n).length
        say(`agglomerated: ${rootIds.size} roots (ids around ${[...rootIds][0]}), ${agree} of ${nonzero} labelled voxels match the chunkedgraph`)
        check(agree === nonzero, 'every voxel holds the root of its supervoxel')

        const state1 = state.imageCutout
        if (state1) {
          let consistent = 0
          for (let i = 0; i < svs.data.length; i++) if ((svs.data[i] === 0n) === ((state1.data[i] as number) < 100)) consistent++
          say(`image and segmentation agree on ${((100 * consistent) / svs.data.length).toFixed(1)}% of voxels (membrane = label 0)`)
          check(consistent === svs.data.length, 'membranes in the image are the zeros of the segmentation')
        }

        const sharded = await seg.read([[96, 160], [96, 160], [30, 34]], { mip: 1, signal })
        let same = 0
        for (let z = 30; z < 34; z++) for (let y = 96; y < 160; y++) for (let x = 96; x < 160; x++) same += Number(at(sharded, x, y, z) === at(svs, 2 * x, 2 * y, z))
        say(`sharded mip 1 (${sharded.shape.join('x')}) equals every other mip-0 voxel at ${same} of ${sharded.data.length} voxels`)
        check(same === sharded.data.length, 'the sharded mip is the strided mip 0')
      },
    },
  ]
}
