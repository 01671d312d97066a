/**
 * Past/future id mapping computed from a lineage graph, the way PyChunkedGraph's
 * `History.past_future_id_mapping` does on the server. Used in browsers, where `past_id_mapping`
 * (a GET with a JSON body) cannot be sent: the lineage graph comes from `lineage_graph_multiple`
 * (a POST) with the same `timestamp_past` / `timestamp_future`.
 */
import type { LineageGraph, PastIds } from './types.js'

export function pastFutureIdMapping(graph: LineageGraph, rootIds: Iterable<bigint>): PastIds {
  const successors = new Map<bigint, bigint[]>()
  const predecessors = new Map<bigint, bigint[]>()
  for (const n of graph.nodes) {
    successors.set(n.id, [])
    predecessors.set(n.id, [])
  }
  for (const { source, target } of graph.links) {
    if (!successors.has(source)) successors.set(source, [])
    if (!predecessors.has(target)) predecessors.set(target, [])
    if (!successors.has(target)) successors.set(target, [])
    if (!predecessors.has(source)) predecessors.set(source, [])
    successors.get(source)?.push(target)
    predecessors.get(target)?.push(source)
  }
  const inDegree = (id: bigint) => predecessors.get(id)?.length ?? 0
  const outDegree = (id: bigint) => successors.get(id)?.length ?? 0
  const reach = (start: bigint, next: Map<bigint, bigint[]>): bigint[] => {
    const seen = new Set<bigint>()
    const stack = [...(next.get(start) ?? [])]
    while (stack.length > 0) {
      const id = stack.pop() as bigint
      if (seen.has(id)) continue
      seen.add(id)
      stack.push(...(next.get(id) ?? []))
    }
    seen.delete(start)
    return [...seen]
  }

  const pastIdMap = new Map<bigint, BigUint64Array>()
  for (const root of rootIds) {
    const ancestors = reach(root, predecessors)
    pastIdMap.set(root, ancestors.length === 0 ? BigUint64Array.of(root) : BigUint64Array.from(ancestors.filter((a) => inDegree(a) === 0)).sort())
  }

  const futureIdMap = new Map<bigint, BigUint64Array>()
  const pastIds = [...new Set([...pastIdMap.values()].flatMap((v) => [...v]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const pastId of pastIds) {
    const descendants = [...reach(pastId, successors), pastId]
    const outs = descendants.map(outDegree)
    // A split somewhere downstream, or several end points: no single future id.
    if (outs.includes(2)) continue
    const ends = descendants.filter((_, i) => outs[i] === 0)
    if (ends.length > 1) continue
    const singles = descendants.filter((_, i) => outs[i] === 1)
    if (singles.some((d) => inDegree((successors.get(d) ?? [])[0] as bigint) === 1)) continue
    if (ends[0] !== undefined) futureIdMap.set(pastId, BigUint64Array.of(ends[0]))
  }
  return { pastIdMap, futureIdMap }
}
