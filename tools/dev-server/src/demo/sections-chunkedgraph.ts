/**
 * Demo sections for the chunkedgraph client (`client.chunkedgraph`, PyChunkedGraph v1): the root
 * of a supervoxel now and before its first merge, its leaves, all roots at once over the binary
 * route, the lineage graph and change log of the current root, and a merge undone again. The
 * expected values come from the deployment's own model, so every printed result is checked.
 */
import { FrameworkClient, type ChunkedGraphClient } from '@daf/services'
import { DEMO_DATASTACK, DEMO_TABLE_ID } from '../constants.js'
import { layerOf, type OperationRecord, type RootRecord } from '../data/chunkedgraph-model.js'
import { chunkedGraphModelFor } from '../services/chunkedgraph.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'
import type { ServicesState } from './sections-services.js'

/** State the chunkedgraph sections hand on. */
export interface ChunkedGraphState extends ServicesState {
  supervoxel?: bigint
  currentRoot?: bigint
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z')

export function chunkedgraphSections(env: DemoEnv, state: ChunkedGraphState): DemoSection[] {
  const quiet = { warn: () => {}, debug: () => {} }
  const chunkedgraph = (): ChunkedGraphClient => {
    state.client ??= new FrameworkClient(DEMO_DATASTACK, { serverAddress: env.server.url, logger: quiet })
    return state.client.chunkedgraph
  }
  const model = () => chunkedGraphModelFor(env.server.dataset)
  const firstMerge = (): OperationRecord => {
    const op = model().operations.find((o) => o.isMerge && o.undoOf === undefined)
    check(op, 'the seeded history has a merge')
    return op
  }

  return [
    {
      title: 'ChunkedGraph: the root of a supervoxel now and before it was merged',
      async run({ say, signal }) {
        const cg = chunkedgraph()
        const table = await cg.tableId({ signal })
        say(`table ${table} (from segmentation_source), PyChunkedGraph ${await cg.serverVersion({ signal })}`)
        check(table === DEMO_TABLE_ID, 'the table comes from the datastack record')

        const merge = firstMerge()
        const sv = merge.sourceIds[0] as bigint
        const earlier = new Date((model().t0 + 3600) * 1000)
        const before = await cg.getRootId(sv, { timestamp: earlier, signal })
        const now = await cg.getRootId(sv, { signal })
        say(`supervoxel ${sv} (layer ${layerOf(sv)})`)
        say(`  root at ${iso(earlier)}: ${before}`)
        say(`  root now:                  ${now}`)
        check(before === merge.beforeRoots[0], 'the earlier root is the one from before the first merge')
        check(now === model().rootAt(sv), 'the current root is the latest one')
        check(now !== before && now > 2n ** 53n, 'the root changed, and the ids (above 2^53) are exact')

        const leaves = await cg.getLeaves(now, { signal })
        const l2 = await cg.getLeaves(now, { stopLayer: 2, signal })
        say(`root ${now}: ${leaves.length} supervoxels in ${l2.length} level-2 chunks`)
        check(leaves.includes(sv) && leaves.length === model().supervoxelsOf(now).length, 'the leaves include the supervoxel and match the graph')
        check(l2.every((id) => layerOf(id) === 2) && l2.length === model().children(now).length, 'stopLayer 2 answers the root’s level-2 ids')

        const all = model().supervoxelIds
        const started = performance.now()
        const batches: number[] = []
        const roots = await cg.getRoots(all, { batchSize: 250, signal, onProgress: (p) => batches.push(p.done) })
        const ms = Math.round(performance.now() - started)
        const distinct = new Set(roots).size
        say(`getRoots of all ${all.length} supervoxels (binary, ${batches.length} batches of ≤ 250): ${distinct} objects in ${ms} ms`)
        check(batches.length === Math.ceil(all.length / 250) && batches.at(-1) === all.length, 'one request per batch, all ids answered')
        check(roots.every((r, i) => r === model().rootAt(all[i] as bigint)), 'every root matches the graph')
        check(distinct === model().currentRoots().length, 'one root per current object')
        state.supervoxel = sv
        state.currentRoot = now
      },
    },
    {
      title: 'ChunkedGraph history: lineage graph and change log of the current root',
      async run({ say, signal }) {
        const cg = chunkedgraph()
        const root = state.currentRoot
        check(root !== undefined, 'the roots section ran')
        const merge = firstMerge()
        const lineage = await cg.getLineageGraph(root, { signal })
        say(`lineage of ${root}: ${lineage.nodes.length} roots, ${lineage.links.length} links`)
        for (const link of lineage.links.slice(0, 3)) say(`  ${link.source} → ${link.target}`)
        const expected = model().lineageGraph([root])
        check(lineage.nodes.length === expected.nodes.length && lineage.links.length === expected.links.length, 'the whole history of the object is there')
        check(lineage.links.some((l) => l.source === merge.beforeRoots[0] && l.target === merge.afterRoots[0]), 'the first merge is a link old → new')

        const originals = await cg.getOriginalRoots(root, { signal })
        say(`original roots: ${[...originals].join(', ')}`)
        check(merge.beforeRoots.every((r) => originals.includes(r)), 'the merged objects are among the originals')
        const latest = await cg.getLatestRoots(merge.beforeRoots[0] as bigint, { signal })
        say(`latest roots of ${merge.beforeRoots[0]}: ${[...latest].join(', ')}`)
        check(latest.includes(root), 'the old root leads to the current one')

        const log = await cg.getChangeLog(root, { filtered: false, signal })
        say(`change log: ${log.nMergers} merges, ${log.nSplits} splits by users ${Object.keys(log.userInfo).join(', ')}`)
        const ops = model().pastOperations(root)
        check(log.nMergers + log.nSplits === ops.length, 'one entry per edit in the object’s past')
        check(Object.keys(log.userInfo).sort().join() === [...new Set(ops.map((o) => o.userId))].sort().join(), 'the users are the editors')

        const rows = (await cg.getTabularChangeLog([root], { filtered: false, signal })).get(root) ?? []
        for (const row of rows) {
          say(`  op ${row.operationId} ${row.isMerge ? 'merge' : 'split'} by ${row.userName} at ${row.timestamp.toISOString()}`)
        }
        check(
          rows.length === ops.length && rows.every((r, i) => r.operationId === ops[i]?.id && r.timestamp.getTime() === Math.floor((ops[i]?.timestamp ?? 0) * 1000)),
          'the table lists the same operations at the same times (UTC, from milliseconds)',
        )
      },
    },
    {
      title: 'ChunkedGraph edits: merge two objects, then undo it',
      async run({ say, signal }) {
        const cg = chunkedgraph()
        const m = model()
        const roots = m.currentRoots().map((id) => m.root(id) as RootRecord)
        const chunkOfFirst = (r: RootRecord) => m.supervoxels[r.svs[0] as number]?.chunk.join(',')
        const a = roots.find((r) => roots.some((o) => o !== r && chunkOfFirst(o) === chunkOfFirst(r)))
        const b = roots.find((o) => a !== undefined && o !== a && chunkOfFirst(o) === chunkOfFirst(a))
        check(a && b, 'two objects touch the same chunk')
        const [sa, sb] = [m.supervoxels[a.svs[0] as number], m.supervoxels[b.svs[0] as number]]
        check(sa && sb, 'both objects have supervoxels')

        const merge = await cg.doMerge([sa.id, sb.id], [sa.position, sb.position], { resolution: m.geometry.resolution, signal })
        say(`merge ${merge.operationId}: ${a.id} + ${b.id} → ${merge.newRootIds[0]}`)
        check((await cg.getRootId(sa.id, { signal })) === merge.newRootIds[0], 'both supervoxels now share the new root')
        check((await cg.getRootId(sb.id, { signal })) === merge.newRootIds[0], 'both supervoxels now share the new root')

        const undo = await cg.undoOperation(merge.operationId, { signal })
        say(`undo ${undo.operationId}: → ${[...undo.newRootIds].join(', ')}`)
        const [ra, rb] = [await cg.getRootId(sa.id, { signal }), await cg.getRootId(sb.id, { signal })]
        check(ra !== rb && undo.newRootIds.includes(ra) && undo.newRootIds.includes(rb), 'the undo separates them into new roots')
        const details = (await cg.getOperationDetails([undo.operationId], { signal })).get(undo.operationId)
        say(`operation ${undo.operationId} undoes ${details?.undoOperationId}, by user ${details?.user}`)
        check(details?.undoOperationId === merge.operationId, 'the server records what was undone')
      },
    },
  ]
}
