/**
 * The chunkedgraph model on its own: PCG-shaped ids, determinism, a consistent history, and edits
 * (merge, minimum-cut split, undo) that keep every current root a connected set of supervoxels.
 */
import { describe, expect, it } from 'vitest'
import {
  CG_N_LAYERS,
  ChunkedGraphError,
  ChunkedGraphModel,
  chunkOf,
  layerOf,
  makeNodeId,
  segmentOf,
  type RootRecord,
} from './data/chunkedgraph-model.js'

const TWO_53 = 2n ** 53n

function partitionOk(m: ChunkedGraphModel, t = Infinity): void {
  const seen = new Map<bigint, bigint>()
  for (const rootId of m.currentRoots(t)) {
    for (const sv of m.supervoxelsOf(rootId)) {
      expect(seen.has(sv)).toBe(false)
      seen.set(sv, rootId)
      expect(m.rootAt(sv, t)).toBe(rootId)
    }
  }
  expect(seen.size).toBe(m.supervoxels.length)
}

function connected(m: ChunkedGraphModel, root: RootRecord): boolean {
  const svs = m.supervoxelsOf(root.id)
  const adj = new Map<bigint, bigint[]>(svs.map((s) => [s, []]))
  for (const e of m.subgraph(root.id)) {
    const a = m.supervoxels[e.a]?.id as bigint
    const b = m.supervoxels[e.b]?.id as bigint
    adj.get(a)?.push(b)
    adj.get(b)?.push(a)
  }
  const seen = new Set<bigint>([svs[0] as bigint])
  const stack = [svs[0] as bigint]
  while (stack.length) for (const n of adj.get(stack.pop() as bigint) ?? []) if (!seen.has(n) && seen.add(n)) stack.push(n)
  return seen.size === svs.length
}

describe('ids', () => {
  it('encode layer and chunk like PyChunkedGraph', () => {
    const id = makeNodeId(1, [3, 5, 1], 42)
    expect(layerOf(id)).toBe(1)
    expect(chunkOf(id)).toEqual([3, 5, 1])
    expect(segmentOf(id)).toBe(42n)
    // Layer 12 with 1 spatial bit per axis: 864691135217871271 = 12 << 56 | segment.
    expect(makeNodeId(12, [0, 0, 0], 6762736039)).toBe(864691135217871271n)
  })

  it('supervoxels, level-2 nodes and roots are all above 2^53 and shaped by layer', () => {
    const m = new ChunkedGraphModel({ seed: 1 })
    for (const sv of m.supervoxels) {
      expect(layerOf(sv.id)).toBe(1)
      expect(chunkOf(sv.id)).toEqual(sv.chunk)
      expect(sv.id > TWO_53).toBe(true)
    }
    for (const rootId of m.currentRoots()) {
      expect(layerOf(rootId)).toBe(CG_N_LAYERS)
      expect(String(rootId)).toMatch(/^864691135\d{9}$/)
      for (const l2 of m.children(rootId)) {
        expect(layerOf(l2)).toBe(2)
        expect(l2 > TWO_53).toBe(true)
      }
    }
  })
})

describe('generation and history', () => {
  it('is deterministic from the seed', () => {
    const a = new ChunkedGraphModel({ seed: 7 })
    const b = new ChunkedGraphModel({ seed: 7 })
    const c = new ChunkedGraphModel({ seed: 8 })
    expect(b.supervoxelIds).toEqual(a.supervoxelIds)
    expect(b.operations).toEqual(a.operations)
    expect(b.t0).toBe(a.t0)
    expect(c.supervoxelIds).not.toEqual(a.supervoxelIds)
  })

  it('has merges, splits and an undo at increasing times after t0; roots partition the supervoxels at every edit', () => {
    const m = new ChunkedGraphModel({ seed: 1 })
    const ops = m.operations
    expect(ops.some((o) => o.isMerge)).toBe(true)
    expect(ops.some((o) => !o.isMerge && o.undoOf === undefined)).toBe(true)
    expect(ops.some((o) => o.undoOf !== undefined)).toBe(true)
    let last = m.t0
    for (const op of ops) {
      expect(op.timestamp).toBeGreaterThan(last)
      last = op.timestamp
      for (const before of op.beforeRoots) {
        const r = m.root(before) as RootRecord
        expect(r.superseded).toBe(op.timestamp)
        expect(r.supersededBy).toBe(op.id)
        expect(r.next).toEqual(op.afterRoots)
      }
      for (const after of op.afterRoots) expect(m.root(after)?.created).toBe(op.timestamp)
      partitionOk(m, op.timestamp)
      partitionOk(m, op.timestamp - 1e-3)
    }
    partitionOk(m)
    for (const id of m.currentRoots()) expect(connected(m, m.root(id) as RootRecord)).toBe(true)
  })

  it('answers the root of a supervoxel at a time: t0, after an edit, before the graph existed', () => {
    const m = new ChunkedGraphModel({ seed: 1 })
    const merge = m.operations.find((o) => o.isMerge)
    const sv = merge?.sourceIds[0] as bigint
    expect(m.rootAt(sv, m.t0)).toBe(merge?.beforeRoots[0])
    expect(m.rootAt(sv, merge?.timestamp)).toBe(merge?.afterRoots[0])
    expect(m.rootAt(sv, m.t0 - 1)).toBe(0n)
    expect(m.rootAt(sv)).not.toBe(m.rootAt(sv, m.t0))
    expect(m.rootAt(5n)).toBe(0n)
    const ids = BigUint64Array.of(sv, 5n, sv)
    expect([...m.rootsAt(ids, m.t0)]).toEqual([merge?.beforeRoots[0], 0n, merge?.beforeRoots[0]])
    expect(layerOf(m.rootsAt(ids, m.t0, 2)[0] as bigint)).toBe(2)
  })

  it('the lineage graph links old roots to new ones and stops at the given times', () => {
    const m = new ChunkedGraphModel({ seed: 1 })
    const merge = m.operations.find((o) => o.isMerge)
    const after = merge?.afterRoots[0] as bigint
    const g = m.lineageGraph([after], 0, merge?.timestamp)
    expect(g.links).toEqual(expect.arrayContaining((merge?.beforeRoots ?? []).map((b) => ({ source: b, target: after }))))
    const node = g.nodes.find((n) => n.id === merge?.beforeRoots[0])
    expect(node?.operation_id).toBe(merge?.id)
    expect(node?.timestamp).toBe(m.t0)
  })
})

describe('edits', () => {
  it('merge joins two nearby objects; undo separates them again', () => {
    let now = 1_800_000_000
    const m = new ChunkedGraphModel({ seed: 3, now: () => now })
    const roots = m.currentRoots()
    let pair: [bigint, bigint] | undefined
    outer: for (const a of roots) {
      for (const b of roots) {
        if (a === b) continue
        for (const sa of m.supervoxelsOf(a)) {
          for (const sb of m.supervoxelsOf(b)) {
            const ca = chunkOf(sa)
            const cb = chunkOf(sb)
            if (ca.every((v, i) => v === cb[i])) {
              pair = [sa, sb]
              break outer
            }
          }
        }
      }
    }
    const [a, b] = pair as [bigint, bigint]
    const before = [m.rootAt(a), m.rootAt(b)]
    const op = m.merge('1', a, b)
    expect(op.timestamp).toBe(now)
    expect(op.beforeRoots).toEqual(before)
    expect(m.rootAt(a)).toBe(m.rootAt(b))
    expect(m.rootAt(a, now - 1)).toBe(before[0])
    expect(() => m.merge('1', a, b)).toThrow(ChunkedGraphError)
    now += 10
    const undo = m.undo('1', op.id)
    expect(undo.undoOf).toBe(op.id)
    expect(undo.isMerge).toBe(false)
    expect(m.rootAt(a)).not.toBe(m.rootAt(b))
    expect(() => m.undo('1', op.id)).toThrow(/already removed/)
    partitionOk(m)
  })

  it('split cuts along the minimum cut so sources and sinks end in different connected roots', () => {
    const m = new ChunkedGraphModel({ seed: 5, now: () => 1_800_000_000 })
    const big = m
      .currentRoots()
      .map((id) => m.root(id) as RootRecord)
      .sort((x, y) => y.svs.length - x.svs.length)[0] as RootRecord
    const svs = m.supervoxelsOf(big.id)
    const source = svs[0] as bigint
    const sink = svs[svs.length - 1] as bigint
    const preview = m.splitPreview([source], [sink])
    expect(preview.illegal_split).toBe(false)
    expect(preview.supervoxel_connected_components[0]).toContain(source)
    expect(preview.supervoxel_connected_components[1]).toContain(sink)
    const op = m.split('2001', [source], [sink])
    expect(op.removedEdges?.length).toBeGreaterThan(0)
    expect(m.rootAt(source)).not.toBe(m.rootAt(sink))
    for (const id of op.afterRoots) expect(connected(m, m.root(id) as RootRecord)).toBe(true)
    expect(m.isLatest(big.id)).toBe(false)
    partitionOk(m)
    // Undoing the split restores one object.
    m.undo('1', op.id)
    expect(m.rootAt(source)).toBe(m.rootAt(sink))
  })

  it('refuses edits PyChunkedGraph refuses', () => {
    const m = new ChunkedGraphModel({ seed: 2, now: () => 1_800_000_000 })
    const [r1, r2] = m.currentRoots()
    const a = m.supervoxelsOf(r1 as bigint)
    const b = m.supervoxelsOf(r2 as bigint)
    expect(() => m.split('1', [a[0] as bigint], [b[0] as bigint])).toThrow(/same object/)
    expect(() => m.merge('1', a[0] as bigint, a[1] as bigint)).toThrow(/same object/)
    expect(() => m.undo('1', 1n)).toThrow(/does not exist/)
    expect(() => m.merge('1', 5n, a[0] as bigint)).toThrow(/not a supervoxel/)
    const far = m.supervoxels.find((s) => Math.abs(s.chunk[0] - chunkOf(a[0] as bigint)[0]) > 3 && m.rootAt(s.id) !== r1)
    if (far) expect(() => m.merge('1', a[0] as bigint, far.id)).toThrow(/Chebyshev distance/)
  })
})
