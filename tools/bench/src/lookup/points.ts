// The benchmark's points and their checks, shared by the main process and the memory child.
import type { ChunkedGraphModel } from '@daf/tools-dev-server'

export const N = 100_000

/**
 * `n` points in 4 × 4 × 40 nm voxels (the datastack's viewer resolution) over the whole
 * 512 × 512 × 64 volume at 8 × 8 × 40 nm, as a flat Float64Array of xyz triples. The first points
 * are every supervoxel's own voxel (their ids are known exactly); the rest are uniform random.
 */
export function benchPoints(model: ChunkedGraphModel, n = N, seed = 20_240_101): Float64Array {
  const out = new Float64Array(3 * n)
  let k = 0
  for (const s of model.supervoxels) {
    if (k >= n) break
    out.set([2 * s.position[0], 2 * s.position[1], s.position[2]], 3 * k++)
  }
  let x = seed >>> 0
  const r = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32
  for (; k < n; k++) out.set([Math.floor(r() * 1024), Math.floor(r() * 1024), Math.floor(r() * 64)], 3 * k)
  return out
}

/**
 * Checks a lookup: the supervoxel points give exactly their ids (`exact`, mip 0); every other non-zero id is a
 * supervoxel of the chunkedgraph chunk the point lies in; roots are the graph's (no live edits on
 * the benchmark's server). Returns a description of the first problem, or undefined.
 */
export function checkLookup(model: ChunkedGraphModel, points: Float64Array, supervoxels: BigUint64Array, roots: BigUint64Array, exact = true): string | undefined {
  const svs = model.supervoxels
  if (exact) for (let i = 0; i < Math.min(svs.length, supervoxels.length); i++) if (supervoxels[i] !== svs[i]!.id) return `point ${i}: supervoxel ${supervoxels[i]}, expected ${svs[i]!.id}`
  for (let i = 0; i < supervoxels.length; i++) {
    const id = supervoxels[i]!
    if (id === 0n) continue
    const info = model.supervoxel(id)
    const chunk = [points[3 * i]! >> 7, points[3 * i + 1]! >> 7, points[3 * i + 2]! >> 5]
    if (!info || info.chunk.some((c, d) => c !== chunk[d])) return `point ${i}: ${id} is not a supervoxel of chunk ${chunk.join(',')}`
  }
  const expected = model.rootsAt(supervoxels)
  for (let i = 0; i < roots.length; i++) if (roots[i] !== expected[i]) return `point ${i}: root ${roots[i]}, expected ${expected[i]}`
  return undefined
}

/** Distinct 64 × 64 × 32-voxel chunks of the points (128 × 128 × 32 in point units). */
export function distinctChunks(points: Float64Array): number {
  const s = new Set<number>()
  for (let i = 0; i < points.length; i += 3) s.add((points[i]! >> 7) + 8 * ((points[i + 1]! >> 7) + 8 * (points[i + 2]! >> 5)))
  return s.size
}
