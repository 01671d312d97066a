/**
 * Demo sections for @daf/lookup: a table of cell points looked up to supervoxel and root ids now
 * and before the seeded edits (records and Apache Arrow), and an overlay PNG of one slice from the
 * ImageryClient. Expected ids come from the deployment's own chunkedgraph model and volumes.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeImageryClient, makeLookupClient, overlayPng, renderOverlay, type Row } from '@daf/lookup'
import { FrameworkClient } from '@daf/services'
import { Field, FixedSizeList, Int32, Table, makeVector, vectorFromArray } from 'apache-arrow'
import { DEMO_DATASTACK } from '../constants.js'
import { chunkedGraphModelFor } from '../services/chunkedgraph.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'
import type { ServicesState } from './sections-services.js'

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z')
const short = (id: unknown) => String(id)

export function lookupSections(env: DemoEnv, state: ServicesState): DemoSection[] {
  const quiet = { warn: () => {}, debug: () => {} }
  const client = (): FrameworkClient => (state.client ??= new FrameworkClient(DEMO_DATASTACK, { serverAddress: env.server.url, logger: quiet }))
  const model = () => chunkedGraphModelFor(env.server.dataset)
  /** A seeded merge whose two sides still share a root (the first one is undone later in the history). */
  const joinedMerge = () => {
    const m = model()
    return m.operations.find((o) => o.isMerge && o.undoOf === undefined && m.rootAt(o.sourceIds[0]!) === m.rootAt(o.sinkIds[0]!))
  }
  /** Before the first seeded edit, after the graph was built. */
  const earlier = () => new Date(Math.round(((model().t0 + Math.min(...model().operations.map((o) => o.timestamp))) / 2) * 1000))

  return [
    {
      title: 'LookupClient: a table of cell points → supervoxel and root ids, now and before the merges',
      async run({ say, signal }) {
        const m = model()
        const merge = joinedMerge()
        check(merge, 'the seeded history has a merge that still holds')
        // "Cells": one point in each object the first merge joined, plus a few others; in 4 × 4 × 40 nm
        // voxels (the datastack's viewer resolution), as annotation tables hold them.
        const svs = [...merge.sourceIds, ...merge.sinkIds, ...m.supervoxels.filter((_, i) => i % 97 === 5).map((s) => s.id)]
        const rows: Row[] = svs.map((id, i) => {
          const p = m.supervoxel(id)!.position
          return { cell: `cell ${i + 1}`, pt: [2 * p[0] + 1, 2 * p[1], p[2]] }
        })
        const lookup = makeLookupClient(client())
        const info = await lookup.segmentationInfo({ signal })
        say(`segmentation ${info.source} (${info.flat ? 'flat' : 'chunkedgraph'}), mip ${info.mip} at ${info.resolution.join(' × ')} nm; points in ${info.voxelResolution.join(' × ')} nm voxels (floor)`)

        const before = structuredClone(rows)
        const now = await lookup.lookupDataframe(rows, { pointColumn: 'pt', signal })
        const then = await lookup.lookupDataframe(rows, { pointColumn: 'pt', timestamp: earlier(), signal })
        say(`root ids now and at ${iso(earlier())}:`)
        say(`  ${'cell'.padEnd(8)} ${'pt_position'.padEnd(16)} ${'pt_supervoxel_id'.padEnd(18)} ${'pt_root_id (now)'.padEnd(19)} root then`)
        let differ = 0
        now.forEach((row, i) => {
          const old = then[i]!.pt_root_id
          const changed = old !== row.pt_root_id
          if (changed) differ++
          say(`  ${String(row.cell).padEnd(8)} ${JSON.stringify(row.pt_position).padEnd(16)} ${short(row.pt_supervoxel_id).padEnd(18)} ${short(row.pt_root_id).padEnd(19)} ${short(old)}${changed ? '  ← changed' : ''}`)
        })
        check(JSON.stringify(rows, (_, v) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(before, (_, v) => (typeof v === 'bigint' ? String(v) : v)), 'the input table is not modified')
        check(Object.keys(now[0]!).join() === 'cell,pt_position,pt_supervoxel_id,pt_root_id', 'pt is replaced by pt_position, pt_supervoxel_id, pt_root_id')
        check(now.every((r, i) => r.pt_supervoxel_id === svs[i]), 'every point lands in its supervoxel')
        check(now.every((r) => r.pt_root_id === m.rootAt(r.pt_supervoxel_id as bigint)), 'root ids now match the chunkedgraph')
        check(then.every((r) => r.pt_root_id === m.rootAt(r.pt_supervoxel_id as bigint, earlier().getTime() / 1000)), 'root ids then match the chunkedgraph at that time')
        check(then[0]!.pt_root_id !== then[merge.sourceIds.length]!.pt_root_id && now[0]!.pt_root_id === now[merge.sourceIds.length]!.pt_root_id, 'the two merged cells had two roots then and share one now')
        check(differ > 0, 'root ids differ where a merge happened')

        const type = new FixedSizeList(3, new Field('item', new Int32(), false))
        const table = new Table({ cell: vectorFromArray(rows.map((r) => r.cell as string)), pt: vectorFromArray(rows.map((r) => r.pt as number[]), type), n: makeVector(Int32Array.from(rows, (_, i) => i)) })
        const arrow = await lookup.lookupDataframe(table, { pointColumn: 'pt', signal })
        say(`Arrow: ${arrow.numRows} rows, ${arrow.schema.fields.map((f) => `${f.name}: ${f.type}`).join(', ')}`)
        check(arrow.schema.fields.map((f) => f.name).join() === 'cell,pt_position,pt_supervoxel_id,pt_root_id,n', 'the Arrow table gets the same columns')
        check([...arrow.getChild('pt_root_id')!.toArray()].every((id, i) => id === now[i]!.pt_root_id), 'Arrow and records give the same root ids')

        const points = await lookup.lookupPoints(rows.map((r) => r.pt as number[]), { signal })
        say(`cost of one lookup of ${points.stats.points} points: ${points.stats.chunks} chunk requests + ${points.stats.rootRequests} roots_binary request (${points.stats.distinctSupervoxels} distinct supervoxels)`)
        check(points.stats.chunks === new Set(svs.map((id) => m.supervoxel(id)!.chunk.join())).size, 'one request per distinct chunk')
      },
    },
    {
      title: 'ImageryClient: imagery with the segmentation overlaid, one slice as PNG',
      async run({ say, signal }) {
        const m = model()
        const merge = joinedMerge()
        check(merge, 'the seeded history has a merge that still holds')
        const sv = m.supervoxel(merge.sourceIds[0]!)!
        const imagery = makeImageryClient(client(), { resolution: [8, 8, 40] })
        const center = [...sv.position] as [number, number, number]
        const both = await imagery.imageAndSegmentation({ center, size: [256, 256, 1] }, { imageMip: 1, signal })
        say(`box around [${center.join(', ')}] (8 × 8 × 40 nm voxels): ${both.bounds.map(([a, b]) => `${a}:${b}`).join(', ')}`)
        say(`image from mip ${both.image.mip} (${m.geometry.resolution[0] * 2} nm) resampled onto the segmentation's ${both.resolution.join(' × ')} nm grid; ${both.segmentation.ids.length} objects at ${iso(both.segmentation.timestamp!)}`)
        const i = sv.position[0] - both.bounds[0][0] + 256 * (sv.position[1] - both.bounds[1][0])
        check(both.segmentation.data[i] === m.rootAt(sv.id), 'the merged supervoxel shows its current root')
        check(both.image.shape.join() === '256,256,1' && both.segmentation.shape.join() === '256,256,1', 'image and segmentation share one grid')

        const png = overlayPng(both, { alpha: 0.45 })
        const dir = join(tmpdir(), 'daf-demo')
        await mkdir(dir, { recursive: true })
        const path = join(dir, `overlay-z${both.bounds[2][0]}.png`)
        await writeFile(path, png)
        const rgba = renderOverlay(both, { alpha: 0.45 })
        let coloured = 0
        for (let p = 0; p < rgba.data.length; p += 4) if (rgba.data[p] !== rgba.data[p + 1] || rgba.data[p + 1] !== rgba.data[p + 2]) coloured++
        say(`wrote ${path} (${png.byteLength.toLocaleString('en-US')} bytes, ${rgba.width} × ${rgba.height}, ${((100 * coloured) / (rgba.width * rgba.height)).toFixed(0)}% of pixels tinted by an object)`)
        check(png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47, 'a PNG file')
        check(coloured > rgba.width * rgba.height * 0.3, 'objects are coloured over the image')
      },
    },
  ]
}
