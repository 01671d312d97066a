/**
 * A small but real ChunkedGraph (PyChunkedGraph) for the local deployment: supervoxels with ids
 * shaped like PCG's (layer bits, chunk coordinates, segment id), level-2 nodes per chunk, roots
 * (layer 12, ids around 8.6e17, above 2^53) made of supervoxels joined by weighted edges, and a
 * history of merges, splits (minimum cuts) and undos at timestamps, so "the root of this
 * supervoxel" depends on when you ask. Deterministic from the dataset seed; live edits (merge,
 * split, undo) extend the history with new operation ids at the current time.
 *
 * Plain TypeScript, no Node imports: the segmentation volume of a later issue (and browser tests)
 * can build the same model from the same seed and paint the same supervoxel ids
 * (`supervoxels` with chunk and position, `rootAt(id, t)`).
 *
 * Times are float epoch seconds (UTC) throughout, microseconds kept.
 */
import { createRng, type Rng, type Seed } from '../rng.js'

// ---------------------------------------------------------------------------------------------
// Ids and geometry

export const CG_N_LAYERS = 12
export const CG_LAYER_ID_BITS = 8
/** What `GET {L}/segmentation/api/version` reports (passes every gate of spec §3.3). */
export const CG_SERVICE_VERSION = '3.0.9'
/** What `GET {L}/segmentation/api/versions` reports. */
export const CG_API_VERSIONS: readonly number[] = [0, 1]

export type Vec3 = [number, number, number]

export interface ChunkedGraphGeometry {
  /** Voxels per level-2 chunk. */
  chunkSize: Vec3
  /** Level-2 chunks per axis. */
  gridShape: Vec3
  voxelOffset: Vec3
  /** Volume size in voxels (`gridShape × chunkSize`). */
  size: Vec3
  /** nm per voxel of the base (mip 0) resolution: the unit of `bounds`. */
  resolution: Vec3
}

export const CG_GEOMETRY: Readonly<ChunkedGraphGeometry> = Object.freeze<ChunkedGraphGeometry>({
  chunkSize: [64, 64, 32],
  gridShape: [8, 8, 2],
  voxelOffset: [0, 0, 0],
  size: [512, 512, 64],
  resolution: [8, 8, 40],
})

/** Spatial bits per axis of a layer's chunk coordinates (PCG `compute_bitmasks`). */
export function bitsPerDim(layer: number, nLayers = CG_N_LAYERS): number {
  return Math.max(1, nLayers - Math.max(2, layer))
}

/** A PCG node id: layer in the top 8 bits, then x, y, z chunk coordinates, then the segment id. */
export function makeNodeId(layer: number, chunk: Vec3, segment: number | bigint): bigint {
  const bits = BigInt(bitsPerDim(layer))
  const layerShift = BigInt(64 - CG_LAYER_ID_BITS)
  const x = layerShift - bits
  const y = x - bits
  const z = y - bits
  const seg = BigInt(segment)
  if (seg >= 1n << z) throw new RangeError(`segment ${segment} does not fit in ${z} bits`)
  return (BigInt(layer) << layerShift) | (BigInt(chunk[0]) << x) | (BigInt(chunk[1]) << y) | (BigInt(chunk[2]) << z) | seg
}

export function layerOf(id: bigint): number {
  return Number(id >> BigInt(64 - CG_LAYER_ID_BITS))
}

export function chunkOf(id: bigint): Vec3 {
  const bits = BigInt(bitsPerDim(layerOf(id)))
  const mask = (1n << bits) - 1n
  const x = BigInt(64 - CG_LAYER_ID_BITS) - bits
  const y = x - bits
  const z = y - bits
  return [Number((id >> x) & mask), Number((id >> y) & mask), Number((id >> z) & mask)]
}

export function segmentOf(id: bigint): bigint {
  const bits = BigInt(bitsPerDim(layerOf(id)))
  return id & ((1n << (BigInt(64 - CG_LAYER_ID_BITS) - 3n * bits)) - 1n)
}

// ---------------------------------------------------------------------------------------------
// Records

export interface SupervoxelInfo {
  readonly id: bigint
  /** Level-2 chunk coordinates (also encoded in the id). */
  readonly chunk: Readonly<Vec3>
  /** A voxel inside the chunk (base resolution) that belongs to this supervoxel. */
  readonly position: Readonly<Vec3>
}

export interface RootRecord {
  readonly id: bigint
  /** Supervoxel indices (into `supervoxels`), ascending. */
  readonly svs: readonly number[]
  readonly l2: readonly bigint[]
  /** Keys of the active supervoxel edges inside this root. */
  readonly edges: readonly number[]
  readonly created: number
  readonly createdBy: bigint | undefined
  superseded: number | undefined
  supersededBy: bigint | undefined
  /** Roots this one replaced (FormerParent). */
  readonly former: readonly bigint[]
  /** Roots that replaced this one (NewParent). */
  next: bigint[]
}

export interface Level2Record {
  readonly id: bigint
  readonly chunk: Readonly<Vec3>
  readonly svs: readonly number[]
  readonly created: number
}

export interface OperationRecord {
  readonly id: bigint
  readonly timestamp: number
  readonly userId: string
  readonly isMerge: boolean
  readonly addedEdges: ReadonlyArray<readonly [bigint, bigint]> | undefined
  readonly removedEdges: ReadonlyArray<readonly [bigint, bigint]> | undefined
  readonly sourceIds: readonly bigint[]
  readonly sinkIds: readonly bigint[]
  /** Voxel coordinates (base resolution), as PyChunkedGraph stores them. */
  readonly sourceCoords: readonly Vec3[]
  readonly sinkCoords: readonly Vec3[]
  readonly beforeRoots: readonly bigint[]
  readonly afterRoots: readonly bigint[]
  readonly undoOf: bigint | undefined
}

export interface EdgeRecord {
  readonly a: number
  readonly b: number
  readonly affinity: number
  readonly area: number
}

export interface ChunkedGraphUser {
  name: string
  affiliation: string
}

export interface LineageGraphData {
  directed: true
  multigraph: false
  graph: Record<string, never>
  nodes: Array<{ id: bigint; timestamp: number; operation_id: bigint | number }>
  links: Array<{ source: bigint; target: bigint }>
}

export interface TabularChangeLogRow {
  operation_id: bigint
  /** Epoch milliseconds, as pandas writes datetimes. */
  timestamp: number
  user_id: string
  before_root_ids: bigint[]
  after_root_ids: bigint[]
  is_merge: boolean
  in_neuron: boolean
  is_relevant: boolean
}

/** A failure PyChunkedGraph answers with `{code, message, traceback}` (400 for bad requests). */
export class ChunkedGraphError extends Error {
  override name = 'ChunkedGraphError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const bad = (message: string) => new ChunkedGraphError(400, message)

export interface ChunkedGraphModelOptions {
  seed?: Seed
  /** Objects generated at the start. Default 48. */
  objects?: number
  /** Seeded edits after the start. Default 12. */
  seededEdits?: number
  /** The clock for live edits, in epoch seconds. Default `Date.now() / 1000`. */
  now?: () => number
}

/** `bb_offset` PyChunkedGraph records for splits. */
export const SPLIT_BB_OFFSET: Readonly<Vec3> = [240, 240, 24]
/** PyChunkedGraph refuses merges further apart than this many chunks (Chebyshev). */
export const MAX_MERGE_CHUNK_DISTANCE = 3

// ---------------------------------------------------------------------------------------------

export class ChunkedGraphModel {
  readonly seed: Seed
  readonly geometry: Readonly<ChunkedGraphGeometry> = CG_GEOMETRY
  readonly nLayers = CG_N_LAYERS
  /** When the graph was built (`oldest_timestamp`); every supervoxel and first root exists from then. */
  readonly t0: number
  /** Users of the seeded history (user id → name, affiliation). */
  readonly users: ReadonlyMap<string, ChunkedGraphUser>

  readonly #supervoxels: SupervoxelInfo[] = []
  readonly #svIndex = new Map<bigint, number>()
  /** Per supervoxel: times and parents (root, level 2) from that time on, ascending. */
  readonly #svTimes: number[][] = []
  readonly #svRoots: bigint[][] = []
  readonly #svL2: bigint[][] = []
  readonly #edges = new Map<number, EdgeRecord>()
  readonly #roots = new Map<bigint, RootRecord>()
  readonly #l2 = new Map<bigint, Level2Record>()
  readonly #ops = new Map<bigint, OperationRecord>()
  readonly #l2Counter = new Map<string, number>()
  readonly #svCounter = new Map<string, number>()
  #nextRootSegment: number
  #nextOp: bigint
  #lastEdit: number
  readonly #rng: Rng
  /** Seconds; the seeded history swaps in its scripted clock while it is built. */
  #now: () => number

  constructor(options: ChunkedGraphModelOptions = {}) {
    this.seed = options.seed ?? 1
    this.#now = options.now ?? (() => Date.now() / 1000)
    const rng = createRng(this.seed, 'chunkedgraph')
    this.#rng = rng
    // 2024-01-01T00:00:00Z plus up to 30 days, with microseconds.
    this.t0 = round6(1704067200 + rng.int(0, 30 * 86400) + rng.int(1, 999_999) / 1e6)
    this.#lastEdit = this.t0
    // Roots 864691135… like real layer-12 roots (layer 12 << 56 = 864691128455135232).
    this.#nextRootSegment = 6_762_000_000 + rng.int(0, 999_999)
    this.#nextOp = BigInt(rng.int(4000, 9000))
    this.users = new Map([
      ['1', { name: 'Dev User', affiliation: 'Local deployment' }],
      ['2001', { name: 'Ada Proofreader', affiliation: 'Seung Lab' }],
      ['2002', { name: 'Ben Proofreader', affiliation: 'Allen Institute' }],
    ])
    this.#generate(options.objects ?? 48)
    this.#seedHistory(options.seededEdits ?? 12)
  }

  // -------------------------------------------------------------------------------------------
  // Read access

  /** Every supervoxel, in creation order. */
  get supervoxels(): readonly SupervoxelInfo[] {
    return this.#supervoxels
  }

  get supervoxelIds(): BigUint64Array {
    return BigUint64Array.from(this.#supervoxels, (s) => s.id)
  }

  /** Operations in time order (the seeded history first, then live edits). */
  get operations(): readonly OperationRecord[] {
    return [...this.#ops.values()]
  }

  /** Latest edit time (t0 when nothing was edited). */
  get lastEditTime(): number {
    return this.#lastEdit
  }

  hasSupervoxel(id: bigint): boolean {
    return this.#svIndex.has(id)
  }

  supervoxel(id: bigint): SupervoxelInfo | undefined {
    const i = this.#svIndex.get(id)
    return i === undefined ? undefined : this.#supervoxels[i]
  }

  root(id: bigint): RootRecord | undefined {
    return this.#roots.get(id)
  }

  level2(id: bigint): Level2Record | undefined {
    return this.#l2.get(id)
  }

  operation(id: bigint): OperationRecord | undefined {
    return this.#ops.get(id)
  }

  edge(a: bigint, b: bigint): EdgeRecord | undefined {
    const i = this.#svIndex.get(a)
    const j = this.#svIndex.get(b)
    return i === undefined || j === undefined ? undefined : this.#edges.get(this.#key(i, j))
  }

  /** Roots current at `t` (default: now). */
  currentRoots(t = Infinity): bigint[] {
    return [...this.#roots.values()].filter((r) => this.#isCurrent(r, t)).map((r) => r.id)
  }

  /** The supervoxel ids of a root (or level-2 node), ascending by index. */
  supervoxelsOf(nodeId: bigint): bigint[] {
    const node = this.#roots.get(nodeId) ?? this.#l2.get(nodeId)
    return node ? node.svs.map((i) => this.#svId(i)) : []
  }

  /**
   * The root of supervoxel `id` at time `t` (epoch seconds; default now), or `0n` for an unknown
   * id or a time before the graph existed. This is what a segmentation volume painted with
   * `supervoxels` shows once mapped through the chunkedgraph.
   */
  rootAt(id: bigint, t = Infinity): bigint {
    const i = this.#svIndex.get(id)
    return i === undefined ? 0n : this.#parentAt(i, t, CG_N_LAYERS)
  }

  /** Parent of each supervoxel at `t` up to `stopLayer` (1 = itself, 2 = level 2, ≥3 = root); 0 for unknown ids. */
  rootsAt(ids: BigUint64Array, t = Infinity, stopLayer = CG_N_LAYERS): BigUint64Array {
    const out = new BigUint64Array(ids.length)
    const index = this.#svIndex
    for (let k = 0; k < ids.length; k++) {
      const i = index.get(ids[k] as bigint)
      if (i !== undefined) out[k] = this.#parentAt(i, t, stopLayer)
    }
    return out
  }

  /** Parent of any node at `t`: supervoxel → level 2 / root; level 2 → root. */
  parentAt(id: bigint, t: number, stopLayer = CG_N_LAYERS): bigint {
    const layer = layerOf(id)
    if (layer === 1) {
      const i = this.#svIndex.get(id)
      if (i === undefined) throw bad(`${id} is not a supervoxel of this chunkedgraph`)
      const parent = this.#parentAt(i, t, stopLayer)
      if (parent === 0n) throw bad(`supervoxel ${id} has no parent at timestamp ${t}: the graph starts at ${this.t0}`)
      return parent
    }
    if (layer === 2) {
      const l2 = this.#l2.get(id)
      if (!l2) throw bad(`${id} is not a node of this chunkedgraph`)
      if (stopLayer <= 2) return id
      const first = l2.svs[0]
      if (first === undefined) throw bad(`${id} has no children`)
      const root = this.#parentAt(first, t, CG_N_LAYERS)
      if (root === 0n) throw bad(`node ${id} has no parent at timestamp ${t}`)
      return root
    }
    if (this.#roots.has(id)) return id
    throw bad(`${id} is not a node of this chunkedgraph`)
  }

  #parentAt(i: number, t: number, stopLayer: number): bigint {
    if (stopLayer <= 1) return this.#svId(i)
    const times = this.#svTimes[i] as number[]
    const parents = stopLayer === 2 ? (this.#svL2[i] as bigint[]) : (this.#svRoots[i] as bigint[])
    const n = times.length
    if (t >= (times[n - 1] as number)) return parents[n - 1] as bigint
    if (t < (times[0] as number)) return 0n
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((times[mid] as number) <= t) lo = mid
      else hi = mid - 1
    }
    return parents[lo] as bigint
  }

  /** Children: root → level-2 nodes, level 2 → supervoxels, supervoxel → none. Unknown → none. */
  children(id: bigint): bigint[] {
    const root = this.#roots.get(id)
    if (root) return [...root.l2]
    const l2 = this.#l2.get(id)
    if (l2) return l2.svs.map((i) => this.#svId(i))
    return []
  }

  /**
   * Leaves of a node: supervoxels (`stopLayer` 1) or level-2 nodes (2 ≤ `stopLayer` < root layer),
   * only in chunks that intersect `bounds` (voxels, `[[x0,x1],[y0,y1],[z0,z1]]`) when given.
   */
  leaves(id: bigint, options: { bounds?: Vec3[] | undefined; stopLayer?: number | undefined } = {}): bigint[] {
    const stop = options.stopLayer ?? 1
    const inBounds = (chunk: Readonly<Vec3>) => !options.bounds || this.chunkIntersects(chunk, options.bounds)
    const root = this.#roots.get(id)
    if (root) {
      if (stop >= CG_N_LAYERS) return [root.id]
      if (stop >= 2) return root.l2.filter((l) => inBounds((this.#l2.get(l) as Level2Record).chunk))
      return root.svs.filter((i) => inBounds(this.#supervoxels[i]?.chunk as Vec3)).map((i) => this.#svId(i))
    }
    const l2 = this.#l2.get(id)
    if (l2) {
      if (!inBounds(l2.chunk)) return []
      return stop >= 2 ? [l2.id] : l2.svs.map((i) => this.#svId(i))
    }
    if (this.#svIndex.has(id)) return [id]
    return []
  }

  /** Whether a level-2 chunk's voxel box intersects `bounds` (inclusive min, exclusive max). */
  chunkIntersects(chunk: Readonly<Vec3>, bounds: Vec3[]): boolean {
    const g = this.geometry
    for (let d = 0; d < 3; d++) {
      const lo = g.voxelOffset[d]! + chunk[d]! * g.chunkSize[d]!
      const hi = lo + g.chunkSize[d]!
      const [b0, b1] = bounds[d] as unknown as [number, number]
      if (!(lo < b1 && hi > b0)) return false
    }
    return true
  }

  // -------------------------------------------------------------------------------------------
  // History queries

  #isCurrent(r: RootRecord, t: number): boolean {
    return r.created <= t && (r.superseded === undefined || r.superseded > t)
  }

  /** `is_latest_roots`: a root current at `t`. Non-roots are false. */
  isLatest(id: bigint, t = Infinity): boolean {
    const r = this.#roots.get(id)
    return r !== undefined && this.#isCurrent(r, t)
  }

  /** Creation time of a node (roots, level 2, supervoxels); 0 for unknown ids (as PCG's bug #512 shows). */
  nodeTimestamp(id: bigint): number {
    const r = this.#roots.get(id) ?? this.#l2.get(id)
    if (r) return r.created
    return this.#svIndex.has(id) ? this.t0 : 0
  }

  /** `root_timestamps?latest=true`: when the root stopped being current, or `t` if it still is. */
  latestTimestamp(id: bigint, t: number): number {
    const r = this.#roots.get(id)
    if (!r || r.created > t) return 0
    return r.superseded !== undefined && r.superseded <= t ? r.superseded : t
  }

  /** `valid_nodes`: nodes that exist by `end` and were written to at or after `start`. */
  isValidNode(id: bigint, start: number | undefined, end: number | undefined): boolean {
    const node = this.#roots.get(id) ?? this.#l2.get(id)
    const created = node ? node.created : this.#svIndex.has(id) ? this.t0 : undefined
    if (created === undefined) return false
    if (end !== undefined && created > end) return false
    const lastWrite = (node as RootRecord | undefined)?.superseded ?? created
    return start === undefined || lastWrite >= start
  }

  /**
   * PyChunkedGraph's `lineage_graph` (networkx node-link data): from each root backwards while
   * nodes are not older than `past`, forwards while they are not newer than `future`. A node's
   * `operation_id` is the edit that replaced it, or created it when it is still current.
   */
  lineageGraph(rootIds: readonly bigint[], past = 0, future = this.#now()): LineageGraphData {
    for (const id of rootIds) if (!this.#roots.has(id)) throw bad(`${id} is not a root`)
    const nodes = new Map<bigint, { id: bigint; timestamp: number; operation_id: bigint | number }>()
    const links = new Map<string, { source: bigint; target: bigint }>()
    const addNode = (r: RootRecord) => {
      if (!nodes.has(r.id)) nodes.set(r.id, { id: r.id, timestamp: r.created, operation_id: r.supersededBy ?? r.createdBy ?? 0 })
    }
    const link = (source: bigint, target: bigint) => links.set(`${source}>${target}`, { source, target })
    let pastIds = [...rootIds]
    let futureIds = [...rootIds]
    const seenPast = new Set<bigint>()
    const seenFuture = new Set<bigint>()
    while (pastIds.length > 0 || futureIds.length > 0) {
      const nextPast: bigint[] = []
      for (const id of pastIds) {
        const r = this.#roots.get(id) as RootRecord
        addNode(r)
        if (seenPast.has(id)) continue
        seenPast.add(id)
        if (r.created < past || r.former.length === 0) continue
        for (const f of r.former) {
          link(f, id)
          nextPast.push(f)
        }
      }
      const nextFuture: bigint[] = []
      for (const id of futureIds) {
        const r = this.#roots.get(id) as RootRecord
        addNode(r)
        if (seenFuture.has(id)) continue
        seenFuture.add(id)
        if (r.created > future || r.next.length === 0) continue
        for (const n of r.next) {
          link(id, n)
          nextFuture.push(n)
        }
      }
      pastIds = nextPast
      futureIds = nextFuture
    }
    return { directed: true, multigraph: false, graph: {}, nodes: [...nodes.values()], links: [...links.values()] }
  }

  /** PyChunkedGraph's `History.past_future_id_mapping` over `lineageGraph(rootIds, past, future)`. */
  pastFutureIdMapping(rootIds: readonly bigint[], past = 0, future = this.#now()): { past: Map<bigint, bigint[]>; future: Map<bigint, bigint> } {
    const g = this.lineageGraph(rootIds, past, future)
    const succ = new Map<bigint, bigint[]>()
    const pred = new Map<bigint, bigint[]>()
    for (const n of g.nodes) {
      succ.set(n.id, [])
      pred.set(n.id, [])
    }
    for (const l of g.links) {
      succ.get(l.source)?.push(l.target)
      pred.get(l.target)?.push(l.source)
    }
    const reach = (start: bigint, next: Map<bigint, bigint[]>) => {
      const seen = new Set<bigint>()
      const stack = [...(next.get(start) ?? [])]
      while (stack.length) {
        const id = stack.pop() as bigint
        if (seen.has(id)) continue
        seen.add(id)
        stack.push(...(next.get(id) ?? []))
      }
      return [...seen]
    }
    const pastMap = new Map<bigint, bigint[]>()
    for (const root of rootIds) {
      const anc = reach(root, pred)
      pastMap.set(root, anc.length === 0 ? [root] : anc.filter((a) => (pred.get(a)?.length ?? 0) === 0).sort(cmp))
    }
    const futureMap = new Map<bigint, bigint>()
    const pastIds = [...new Set([...pastMap.values()].flat())].sort(cmp)
    for (const p of pastIds) {
      const desc = [...reach(p, succ), p]
      const outs = desc.map((d) => succ.get(d)?.length ?? 0)
      if (outs.includes(2)) continue
      const ends = desc.filter((_, i) => outs[i] === 0)
      if (ends.length > 1) continue
      const singles = desc.filter((_, i) => outs[i] === 1)
      if (singles.some((d) => (pred.get((succ.get(d) as bigint[])[0] as bigint)?.length ?? 0) === 1)) continue
      if (ends[0] !== undefined) futureMap.set(p, ends[0])
    }
    return { past: pastMap, future: futureMap }
  }

  /** Edits that shaped `rootId`: the operations that replaced its ancestors, ascending. */
  pastOperations(rootId: bigint): OperationRecord[] {
    const ancestors = this.#ancestors(rootId)
    const ops = new Set<bigint>()
    for (const a of ancestors) {
      const by = this.#roots.get(a)?.supersededBy
      if (by !== undefined) ops.add(by)
    }
    return [...ops].sort(cmp).map((id) => this.#ops.get(id) as OperationRecord)
  }

  #ancestors(rootId: bigint): Set<bigint> {
    const seen = new Set<bigint>()
    const stack = [...(this.#roots.get(rootId)?.former ?? [])]
    while (stack.length) {
      const id = stack.pop() as bigint
      if (seen.has(id)) continue
      seen.add(id)
      stack.push(...(this.#roots.get(id)?.former ?? []))
    }
    return seen
  }

  /** PyChunkedGraph's tabular change log of one root (`History.tabular_changelog`). */
  tabularChangeLog(rootId: bigint, filtered: boolean): TabularChangeLogRow[] {
    const root = this.#roots.get(rootId)
    if (!root) throw bad(`${rootId} is not a root`)
    const lineage = new Set([...this.#ancestors(rootId), rootId])
    const rows: TabularChangeLogRow[] = []
    for (const op of this.pastOperations(rootId)) {
      const svs = [...op.sourceIds, ...op.sinkIds]
      const atRoot = svs.map((s) => this.rootAt(s, root.created))
      let relevant: boolean
      let inNeuron: boolean
      if (op.isMerge) {
        relevant = new Set(svs.map((s) => this.rootAt(s, this.t0))).size !== 1
        inNeuron = atRoot.every((r) => r === rootId)
      } else {
        relevant = new Set(atRoot).size !== 1
        inNeuron = atRoot.some((r) => r === rootId)
      }
      const row: TabularChangeLogRow = {
        operation_id: op.id,
        timestamp: Math.floor(op.timestamp * 1000),
        user_id: op.userId,
        before_root_ids: [...op.beforeRoots],
        // Only the successor on this root's own line, as the server's lineage graph shows it.
        after_root_ids: op.afterRoots.filter((r) => lineage.has(r)),
        is_merge: op.isMerge,
        in_neuron: inNeuron,
        is_relevant: relevant,
      }
      if (!filtered || (inNeuron && relevant)) rows.push(row)
    }
    return rows
  }

  /** `change_log` summary: counts per user, operation ids and past ids. */
  changeLog(rootId: bigint, filtered: boolean) {
    const rows = this.tabularChangeLog(rootId, filtered)
    const userInfo: Record<string, { n_splits: number; n_mergers: number }> = {}
    let nMergers = 0
    let nSplits = 0
    for (const r of rows) {
      const u = (userInfo[r.user_id] ??= { n_splits: 0, n_mergers: 0 })
      if (r.is_merge) {
        u.n_mergers++
        nMergers++
      } else {
        u.n_splits++
        nSplits++
      }
    }
    return {
      n_splits: nSplits,
      n_mergers: nMergers,
      user_info: userInfo,
      operations_ids: rows.map((r) => r.operation_id),
      past_ids: rows.flatMap((r) => r.before_root_ids),
    }
  }

  /** `merge_log`: the added edges and their (voxel) coordinates of each merge in the root's past. */
  mergeLog(rootId: bigint) {
    if (!this.#roots.has(rootId)) throw bad(`${rootId} is not a root`)
    const merges = this.pastOperations(rootId).filter((op) => op.isMerge)
    return {
      merge_edges: merges.map((op) => (op.addedEdges ?? []).map((e) => [...e])),
      merge_edge_coords: merges.map((op) => [op.sourceCoords[0] ?? null, op.sinkCoords[0] ?? null]),
    }
  }

  /** `delta_roots`: roots created by edits in (past, future], and the roots they replaced. */
  deltaRoots(past: number, future: number): { old_roots: bigint[]; new_roots: bigint[] } {
    const created: bigint[] = []
    for (const op of this.#ops.values()) if (op.timestamp > past && op.timestamp <= future) created.push(...op.afterRoots)
    const old = new Set<bigint>()
    for (const id of created) for (const f of this.#roots.get(id)?.former ?? []) old.add(f)
    return { old_roots: [...old], new_roots: created }
  }

  // -------------------------------------------------------------------------------------------
  // Graph queries

  /** Active supervoxel edges inside a root (within `bounds` when given). */
  subgraph(rootId: bigint, bounds?: Vec3[]): EdgeRecord[] {
    const root = this.#roots.get(rootId)
    if (!root) throw bad(`${rootId} is not a root`)
    return root.edges
      .map((k) => this.#edges.get(k) as EdgeRecord)
      .filter((e) => !bounds || (this.chunkIntersects(this.#chunk(e.a), bounds) && this.chunkIntersects(this.#chunk(e.b), bounds)))
  }

  /** Edges between the level-2 nodes of a root (both ends in `bounds` when given). */
  level2Graph(rootId: bigint, bounds?: Vec3[]): Array<[bigint, bigint]> {
    const root = this.#roots.get(rootId)
    if (!root) throw bad(`${rootId} is not a root`)
    const l2Of = this.#l2OfRoot(root)
    const out = new Map<string, [bigint, bigint]>()
    for (const k of root.edges) {
      const e = this.#edges.get(k) as EdgeRecord
      const a = l2Of.get(e.a) as bigint
      const b = l2Of.get(e.b) as bigint
      if (a === b) continue
      if (bounds && !(this.chunkIntersects(chunkOf(a), bounds) && this.chunkIntersects(chunkOf(b), bounds))) continue
      const [lo, hi] = a < b ? [a, b] : [b, a]
      out.set(`${lo}-${hi}`, [lo, hi])
    }
    return [...out.values()]
  }

  #l2OfRoot(root: RootRecord): Map<number, bigint> {
    const m = new Map<number, bigint>()
    for (const l of root.l2) for (const i of (this.#l2.get(l) as Level2Record).svs) m.set(i, l)
    return m
  }

  /** The supervoxel of `nodeId` (a supervoxel, or a root to search) closest to a voxel position. */
  resolveSupervoxel(nodeId: bigint, voxel: Vec3, t = Infinity): bigint {
    if (layerOf(nodeId) === 1) {
      if (!this.#svIndex.has(nodeId)) throw bad(`${nodeId} is not a supervoxel of this chunkedgraph`)
      return nodeId
    }
    const node = this.#roots.get(nodeId) ?? this.#l2.get(nodeId)
    if (!node) throw bad(`${nodeId} is not a node of this chunkedgraph`)
    if ('superseded' in node && !this.#isCurrent(node, t)) throw bad(`root ${nodeId} is not current; edit the latest root`)
    let best: number | undefined
    let bestD = Infinity
    for (const i of node.svs) {
      const p = (this.#supervoxels[i] as SupervoxelInfo).position
      const d = (p[0] - voxel[0]) ** 2 + (p[1] - voxel[1]) ** 2 + (p[2] - voxel[2]) ** 2
      if (d < bestD) [best, bestD] = [i, d]
    }
    if (best === undefined) throw bad(`node ${nodeId} has no supervoxels`)
    return this.#svId(best)
  }

  /** Shortest level-2 path between the supervoxels nearest two points (voxels) of a root. */
  findPath(rootId: bigint, source: Vec3, target: Vec3, precise: boolean) {
    const root = this.#roots.get(rootId)
    if (!root) throw bad(`${rootId} is not a root`)
    const l2Of = this.#l2OfRoot(root)
    const from = l2Of.get(this.#svIndex.get(this.#nearestIn(root, source)) as number) as bigint
    const to = l2Of.get(this.#svIndex.get(this.#nearestIn(root, target)) as number) as bigint
    const adj = new Map<bigint, bigint[]>()
    for (const [a, b] of this.level2Graph(rootId)) {
      ;(adj.get(a) ?? adj.set(a, []).get(a))?.push(b)
      ;(adj.get(b) ?? adj.set(b, []).get(b))?.push(a)
    }
    const prev = new Map<bigint, bigint | undefined>([[from, undefined]])
    const queue = [from]
    while (queue.length && !prev.has(to)) {
      const n = queue.shift() as bigint
      for (const m of adj.get(n) ?? []) {
        if (prev.has(m)) continue
        prev.set(m, n)
        queue.push(m)
      }
    }
    const path: bigint[] = []
    for (let n: bigint | undefined = to; n !== undefined; n = prev.get(n)) path.unshift(n)
    const res = this.geometry.resolution
    const centroids = path.map((l) => {
      const rec = this.#l2.get(l) as Level2Record
      if (!precise) {
        const g = this.geometry
        return [0, 1, 2].map((d) => (g.voxelOffset[d]! + (rec.chunk[d]! + 0.5) * g.chunkSize[d]!) * res[d]!)
      }
      const sum = [0, 0, 0]
      for (const i of rec.svs) for (let d = 0; d < 3; d++) sum[d]! += (this.#supervoxels[i] as SupervoxelInfo).position[d]!
      return sum.map((s, d) => (s / rec.svs.length) * res[d]!)
    })
    return { centroids_list: centroids, l2_path: path, failed_l2_ids: [] as bigint[] }
  }

  #nearestIn(root: RootRecord, voxel: Vec3): bigint {
    return this.resolveSupervoxel(root.id, voxel, root.superseded !== undefined ? root.created : Infinity)
  }

  /**
   * Contact sites of a root at `t`: its supervoxels sharing a chunk with supervoxels of other
   * roots, grouped by partner root (`partners`) or numbered 1, 2, … per chunk otherwise.
   */
  contactSites(rootId: bigint, t: number, bounds: Vec3[] | undefined, partners: boolean) {
    const root = this.#roots.get(rootId)
    if (!root) throw bad(`${rootId} is not a root`)
    const mine = new Set(root.svs)
    const byChunk = new Map<string, number[]>()
    for (const i of root.svs) {
      const c = this.#chunk(i)
      if (bounds && !this.chunkIntersects(c, bounds)) continue
      const key = c.join('_')
      ;(byChunk.get(key) ?? byChunk.set(key, []).get(key))?.push(i)
    }
    const res = this.geometry.resolution
    const sites = new Map<string, number[][]>()
    let n = 0
    for (let i = 0; i < this.#supervoxels.length; i++) {
      if (mine.has(i)) continue
      const key = this.#chunk(i).join('_')
      const here = byChunk.get(key)
      if (!here) continue
      const other = this.#parentAt(i, t, CG_N_LAYERS)
      if (other === 0n) continue
      const p = (this.#supervoxels[i] as SupervoxelInfo).position
      const site = [p[0] * res[0], p[1] * res[1], p[2] * res[2], here.length]
      const label = partners ? String(other) : String(++n)
      ;(sites.get(label) ?? sites.set(label, []).get(label))?.push(site)
    }
    return {
      contact_sites: Object.fromEntries(sites),
      contact_site_metadata: { voxel_resolution: [...res], columns: ['x_nm', 'y_nm', 'z_nm', 'n_supervoxels'], partners },
    }
  }

  /**
   * `minimal_covering_nodes`: the fewest nodes (current at `t`) whose supervoxels are exactly the
   * union of the given nodes' supervoxels: a parent replaces its children when all are covered.
   */
  minimalCoveringNodes(ids: readonly bigint[], t: number): bigint[] {
    const covered = new Set<number>()
    for (const id of ids) {
      for (const sv of this.leaves(id)) covered.add(this.#svIndex.get(sv) as number)
      if (layerOf(id) !== 1 && !this.#roots.has(id) && !this.#l2.has(id)) throw bad(`${id} is not a node of this chunkedgraph`)
    }
    const out: bigint[] = []
    const doneL2 = new Set<bigint>()
    const doneRoot = new Set<bigint>()
    for (const i of covered) {
      const root = this.#roots.get(this.#parentAt(i, t, CG_N_LAYERS)) as RootRecord | undefined
      if (!root) continue
      if (root.svs.every((s) => covered.has(s))) {
        if (!doneRoot.has(root.id)) out.push(root.id)
        doneRoot.add(root.id)
        continue
      }
      const l2 = this.#l2.get(this.#parentAt(i, t, 2)) as Level2Record
      if (l2.svs.every((s) => covered.has(s))) {
        if (!doneL2.has(l2.id)) out.push(l2.id)
        doneL2.add(l2.id)
      } else {
        out.push(this.#svId(i))
      }
    }
    return out
  }

  // -------------------------------------------------------------------------------------------
  // Edits

  /** Joins the objects of two supervoxels with a new edge. Coordinates in voxels. */
  merge(userId: string, a: bigint, b: bigint, coords: [Vec3, Vec3] = [this.#position(a), this.#position(b)]): OperationRecord {
    const t = this.#editTime()
    const i = this.#index(a)
    const j = this.#index(b)
    const ra = this.#roots.get(this.#parentAt(i, t, CG_N_LAYERS)) as RootRecord
    const rb = this.#roots.get(this.#parentAt(j, t, CG_N_LAYERS)) as RootRecord
    if (ra.id === rb.id) throw bad(`Supervoxels ${a} and ${b} already belong to the same object ${ra.id}`)
    const ca = this.#chunk(i)
    const cb = this.#chunk(j)
    if (Math.max(...[0, 1, 2].map((d) => Math.abs(ca[d]! - cb[d]!))) > MAX_MERGE_CHUNK_DISTANCE) {
      throw bad(`Chebyshev distance between merge points exceeded allowed maximum (${MAX_MERGE_CHUNK_DISTANCE} chunks).`)
    }
    const key = this.#key(i, j)
    if (!this.#edges.has(key)) this.#edges.set(key, { a: Math.min(i, j), b: Math.max(i, j), affinity: 1, area: 0 })
    const op = this.#newOp(t)
    const root = this.#createRoot([...ra.svs, ...rb.svs], [...ra.edges, ...rb.edges, key], [ra.id, rb.id], t, op, [ra, rb])
    this.#supersede([ra, rb], [root.id], t, op)
    return this.#record({
      id: op,
      timestamp: t,
      userId,
      isMerge: true,
      addedEdges: [[a, b]],
      removedEdges: undefined,
      sourceIds: [a],
      sinkIds: [b],
      sourceCoords: [coords[0]],
      sinkCoords: [coords[1]],
      beforeRoots: [ra.id, rb.id],
      afterRoots: [root.id],
      undoOf: undefined,
    })
  }

  /** The minimum cut between source and sink supervoxels of one object, without editing. */
  splitPreview(sources: readonly bigint[], sinks: readonly bigint[]) {
    const t = this.#now()
    const plan = this.#planSplit(sources, sinks, Math.max(t, this.#lastEdit))
    return {
      supervoxel_connected_components: plan.components.map((c) => c.map((i) => this.#svId(i))),
      illegal_split: plan.illegal,
    }
  }

  /** Splits an object along the minimum cut between sources and sinks. Coordinates in voxels. */
  split(userId: string, sources: readonly bigint[], sinks: readonly bigint[], sourceCoords?: Vec3[], sinkCoords?: Vec3[]): OperationRecord {
    const t = this.#editTime()
    const plan = this.#planSplit(sources, sinks, t)
    if (plan.illegal) throw bad('Split would leave sources and sinks connected (illegal split)')
    const op = this.#newOp(t)
    const newRoots = this.#applyRemoval(plan.root, plan.cut, t, op)
    return this.#record({
      id: op,
      timestamp: t,
      userId,
      isMerge: false,
      addedEdges: undefined,
      removedEdges: plan.cut.map((k) => this.#pair(k)),
      sourceIds: [...sources],
      sinkIds: [...sinks],
      sourceCoords: sourceCoords ?? sources.map((s) => this.#position(s)),
      sinkCoords: sinkCoords ?? sinks.map((s) => this.#position(s)),
      beforeRoots: [plan.root.id],
      afterRoots: newRoots,
      undoOf: undefined,
    })
  }

  /** Reverts an operation as a new one: removes the edges a merge added, or restores those a split removed. */
  undo(userId: string, operationId: bigint): OperationRecord {
    const target = this.#ops.get(operationId)
    if (!target) throw bad(`Operation ${operationId} does not exist`)
    const t = this.#editTime()
    const edges = (target.addedEdges ?? target.removedEdges ?? []).map(([a, b]) => [this.#index(a), this.#index(b)] as const)
    const keys = edges.map(([i, j]) => this.#key(i, j))
    const rootsOf = keys.map((_, n) => this.#roots.get(this.#parentAt((edges[n] as readonly [number, number])[0], t, CG_N_LAYERS)) as RootRecord)
    const active = keys.map((k, n) => (rootsOf[n] as RootRecord).edges.includes(k))
    if (target.isMerge) {
      // Undo a merge = remove the edges it added (they must still be there).
      if (active.some((a) => !a)) throw bad(`Operation ${operationId} cannot be undone: its edges were already removed`)
      const root = rootsOf[0] as RootRecord
      const op = this.#newOp(t)
      const newRoots = this.#applyRemoval(root, keys, t, op)
      const [a, b] = (target.addedEdges as ReadonlyArray<readonly [bigint, bigint]>)[0] as readonly [bigint, bigint]
      return this.#record({
        id: op,
        timestamp: t,
        userId,
        isMerge: false,
        addedEdges: undefined,
        removedEdges: target.addedEdges,
        sourceIds: [a],
        sinkIds: [b],
        sourceCoords: [this.#position(a)],
        sinkCoords: [this.#position(b)],
        beforeRoots: [root.id],
        afterRoots: newRoots,
        undoOf: operationId,
      })
    }
    // Undo a split = restore the removed edges, joining whatever objects their ends are in now.
    if (active.some((a) => a)) throw bad(`Operation ${operationId} cannot be undone: its edges are already present`)
    const before = [...new Map(edges.flatMap(([i, j]) => [i, j]).map((i) => {
      const r = this.#roots.get(this.#parentAt(i, t, CG_N_LAYERS)) as RootRecord
      return [r.id, r] as const
    })).values()]
    const op = this.#newOp(t)
    const svs = before.flatMap((r) => r.svs)
    const allEdges = [...before.flatMap((r) => r.edges), ...keys]
    const parts = this.#components(svs, allEdges)
    const newRoots = parts.map((part) => {
      const set = new Set(part)
      return this.#createRoot(part, allEdges.filter((k) => set.has((this.#edges.get(k) as EdgeRecord).a)), before.map((r) => r.id), t, op, before).id
    })
    this.#supersede(before, newRoots, t, op)
    const first = (target.removedEdges as ReadonlyArray<readonly [bigint, bigint]>)[0] as readonly [bigint, bigint]
    return this.#record({
      id: op,
      timestamp: t,
      userId,
      isMerge: true,
      addedEdges: target.removedEdges,
      removedEdges: undefined,
      sourceIds: [first[0]],
      sinkIds: [first[1]],
      sourceCoords: [this.#position(first[0])],
      sinkCoords: [this.#position(first[1])],
      beforeRoots: before.map((r) => r.id),
      afterRoots: newRoots,
      undoOf: operationId,
    })
  }

  #planSplit(sources: readonly bigint[], sinks: readonly bigint[], t: number) {
    if (sources.length === 0 || sinks.length === 0) throw bad('A split needs at least one source and one sink')
    const src = sources.map((s) => this.#index(s))
    const snk = sinks.map((s) => this.#index(s))
    const rootIds = new Set([...src, ...snk].map((i) => this.#parentAt(i, t, CG_N_LAYERS)))
    if (rootIds.size !== 1) throw bad('Sources and sinks must belong to the same object (already split?)')
    const root = this.#roots.get([...rootIds][0] as bigint) as RootRecord
    const overlap = src.some((i) => snk.includes(i))
    if (overlap) {
      return { root, cut: [] as number[], components: [root.svs.slice()], illegal: true }
    }
    const cut = this.#minCut(root, src, snk)
    const remaining = new Set(cut)
    const parts = this.#components(root.svs, root.edges.filter((k) => !remaining.has(k)))
    const partOf = (i: number) => parts.findIndex((p) => p.includes(i))
    const srcPart = partOf(src[0] as number)
    const snkPart = partOf(snk[0] as number)
    const illegal = src.some((i) => snk.some((j) => partOf(i) === partOf(j)))
    const ordered = [parts[srcPart] as number[], ...(snkPart === srcPart ? [] : [parts[snkPart] as number[]])]
    parts.forEach((p, n) => n !== srcPart && n !== snkPart && ordered.push(p))
    return { root, cut, components: ordered, illegal }
  }

  /** Edmonds–Karp max flow with affinities as capacities; returns the keys of the cut edges. */
  #minCut(root: RootRecord, sources: number[], sinks: number[]): number[] {
    const nodes = root.svs
    const local = new Map(nodes.map((sv, n) => [sv, n]))
    const S = nodes.length
    const T = S + 1
    const cap = new Map<number, number>()
    const adj: number[][] = Array.from({ length: S + 2 }, () => [])
    const arc = (u: number, v: number) => u * (S + 2) + v
    const addCap = (u: number, v: number, c: number) => {
      if (!cap.has(arc(u, v)) && !cap.has(arc(v, u))) {
        adj[u]?.push(v)
        adj[v]?.push(u)
      }
      cap.set(arc(u, v), (cap.get(arc(u, v)) ?? 0) + c)
      if (!cap.has(arc(v, u))) cap.set(arc(v, u), 0)
    }
    for (const k of root.edges) {
      const e = this.#edges.get(k) as EdgeRecord
      const u = local.get(e.a) as number
      const v = local.get(e.b) as number
      addCap(u, v, e.affinity)
      addCap(v, u, e.affinity)
    }
    for (const s of sources) addCap(S, local.get(s) as number, Infinity)
    for (const s of sinks) addCap(local.get(s) as number, T, Infinity)
    const residual = (u: number, v: number) => cap.get(arc(u, v)) ?? 0
    for (;;) {
      const prev = new Int32Array(S + 2).fill(-1)
      prev[S] = S
      const queue = [S]
      while (queue.length && prev[T] === -1) {
        const u = queue.shift() as number
        for (const v of adj[u] ?? []) {
          if (prev[v] === -1 && residual(u, v) > 1e-12) {
            prev[v] = u
            queue.push(v)
          }
        }
      }
      if (prev[T] === -1) break
      let flow = Infinity
      for (let v = T; v !== S; v = prev[v] as number) flow = Math.min(flow, residual(prev[v] as number, v))
      if (!Number.isFinite(flow)) throw bad('Sources and sinks overlap (illegal split)')
      for (let v = T; v !== S; v = prev[v] as number) {
        const u = prev[v] as number
        cap.set(arc(u, v), residual(u, v) - flow)
        cap.set(arc(v, u), residual(v, u) + flow)
      }
    }
    // Source side: reachable from S in the residual graph.
    const side = new Uint8Array(S + 2)
    side[S] = 1
    const stack = [S]
    while (stack.length) {
      const u = stack.pop() as number
      for (const v of adj[u] ?? []) {
        if (!side[v] && residual(u, v) > 1e-12) {
          side[v] = 1
          stack.push(v)
        }
      }
    }
    return root.edges.filter((k) => {
      const e = this.#edges.get(k) as EdgeRecord
      return side[local.get(e.a) as number] !== side[local.get(e.b) as number]
    })
  }

  /** Removes edges from a root; each connected component becomes a new root. */
  #applyRemoval(root: RootRecord, keys: readonly number[], t: number, op: bigint): bigint[] {
    const removed = new Set(keys)
    const edges = root.edges.filter((k) => !removed.has(k))
    const parts = this.#components(root.svs, edges)
    const newRoots = parts.map((part) => {
      const set = new Set(part)
      return this.#createRoot(part, edges.filter((k) => set.has((this.#edges.get(k) as EdgeRecord).a)), [root.id], t, op, [root]).id
    })
    this.#supersede([root], newRoots, t, op)
    return newRoots
  }

  #components(svs: readonly number[], edges: readonly number[]): number[][] {
    const adj = new Map<number, number[]>(svs.map((s) => [s, []]))
    for (const k of edges) {
      const e = this.#edges.get(k) as EdgeRecord
      adj.get(e.a)?.push(e.b)
      adj.get(e.b)?.push(e.a)
    }
    const seen = new Set<number>()
    const parts: number[][] = []
    for (const s of [...svs].sort((x, y) => x - y)) {
      if (seen.has(s)) continue
      const part: number[] = []
      const stack = [s]
      seen.add(s)
      while (stack.length) {
        const u = stack.pop() as number
        part.push(u)
        for (const v of adj.get(u) ?? []) {
          if (!seen.has(v)) {
            seen.add(v)
            stack.push(v)
          }
        }
      }
      parts.push(part.sort((x, y) => x - y))
    }
    return parts
  }

  /** A new root over `svs`; level-2 nodes whose supervoxels did not change keep their ids. */
  #createRoot(svs: readonly number[], edges: readonly number[], former: bigint[], t: number, op: bigint | undefined, previous: readonly RootRecord[]): RootRecord {
    const sorted = [...new Set(svs)].sort((a, b) => a - b)
    const id = makeNodeId(CG_N_LAYERS, [0, 0, 0], this.#nextRootSegment)
    this.#nextRootSegment += 1 + this.#rng.int(0, 40)
    const reusable = new Map<string, bigint>()
    for (const r of previous) for (const l of r.l2) reusable.set((this.#l2.get(l) as Level2Record).svs.join(','), l)
    const byChunk = new Map<string, number[]>()
    for (const i of sorted) {
      const key = this.#chunk(i).join('_')
      ;(byChunk.get(key) ?? byChunk.set(key, []).get(key))?.push(i)
    }
    const l2: bigint[] = []
    const l2Of = new Map<number, bigint>()
    for (const group of byChunk.values()) {
      let l2id = reusable.get(group.join(','))
      if (l2id === undefined) {
        const chunk = this.#chunk(group[0] as number)
        const key = chunk.join('_')
        const seg = (this.#l2Counter.get(key) ?? 0) + 1
        this.#l2Counter.set(key, seg)
        l2id = makeNodeId(2, chunk, seg)
        this.#l2.set(l2id, { id: l2id, chunk, svs: group, created: t })
      }
      l2.push(l2id)
      for (const i of group) l2Of.set(i, l2id)
    }
    const root: RootRecord = {
      id,
      svs: sorted,
      l2,
      edges: [...new Set(edges)],
      created: t,
      createdBy: op,
      superseded: undefined,
      supersededBy: undefined,
      former,
      next: [],
    }
    this.#roots.set(id, root)
    for (const i of sorted) {
      const times = this.#svTimes[i] as number[]
      ;(this.#svRoots[i] as bigint[]).push(id)
      ;(this.#svL2[i] as bigint[]).push(l2Of.get(i) as bigint)
      times.push(t)
    }
    return root
  }

  #supersede(roots: readonly RootRecord[], next: bigint[], t: number, op: bigint): void {
    for (const r of roots) {
      r.superseded = t
      r.supersededBy = op
      r.next = [...next]
    }
  }

  #editTime(): number {
    const t = round6(Math.max(this.#now(), this.#lastEdit + 0.001))
    return t
  }

  #newOp(t: number): bigint {
    const id = this.#nextOp
    this.#nextOp += 1n + BigInt(this.#rng.int(0, 3))
    this.#lastEdit = t
    return id
  }

  #record(op: OperationRecord): OperationRecord {
    this.#ops.set(op.id, op)
    return op
  }

  // -------------------------------------------------------------------------------------------
  // Generation

  #generate(objects: number): void {
    const rng = this.#rng
    const g = this.geometry
    const inGrid = (c: Vec3) => c.every((v, d) => v >= 0 && v < g.gridShape[d]!)
    for (let o = 0; o < objects; o++) {
      const start: Vec3 = [rng.int(0, g.gridShape[0] - 1), rng.int(0, g.gridShape[1] - 1), rng.int(0, g.gridShape[2] - 1)]
      const walk: Vec3[] = [start]
      const length = rng.int(3, 9)
      while (walk.length < length) {
        const last = walk[walk.length - 1] as Vec3
        let moved = false
        for (let attempt = 0; attempt < 8 && !moved; attempt++) {
          const d = rng.int(0, 2)
          const c: Vec3 = [...last]
          c[d] = c[d]! + (rng.next() < 0.5 ? -1 : 1)
          if (inGrid(c) && !walk.some((w) => w.every((v, k) => v === c[k]))) {
            walk.push(c)
            moved = true
          }
        }
        if (!moved) break
      }
      const svs: number[] = []
      const edges: number[] = []
      let previous: number[] = []
      for (const chunk of walk) {
        const group: number[] = []
        const count = rng.int(2, 4)
        for (let k = 0; k < count; k++) group.push(this.#addSupervoxel(chunk))
        for (let k = 1; k < group.length; k++) edges.push(this.#addEdge(group[k - 1] as number, group[k] as number))
        if (group.length > 2 && rng.next() < 0.5) edges.push(this.#addEdge(group[0] as number, group[group.length - 1] as number))
        if (previous.length > 0) {
          edges.push(this.#addEdge(previous[previous.length - 1] as number, group[0] as number))
          if (rng.next() < 0.4) edges.push(this.#addEdge(rng.pick(previous), rng.pick(group)))
        }
        svs.push(...group)
        previous = group
      }
      this.#createRoot(svs, edges, [], this.t0, undefined, [])
    }
  }

  #addSupervoxel(chunk: Vec3): number {
    const g = this.geometry
    const key = chunk.join('_')
    const seg = this.#svCounter.get(key) ?? this.#rng.int(1, 400)
    this.#svCounter.set(key, seg + 1 + this.#rng.int(0, 2))
    const id = makeNodeId(1, chunk, seg)
    const position: Vec3 = [0, 1, 2].map((d) => g.voxelOffset[d]! + chunk[d]! * g.chunkSize[d]! + this.#rng.int(0, g.chunkSize[d]! - 1)) as Vec3
    const index = this.#supervoxels.length
    this.#supervoxels.push(Object.freeze({ id, chunk: Object.freeze([...chunk]) as Vec3, position: Object.freeze(position) as Vec3 }))
    this.#svIndex.set(id, index)
    this.#svTimes.push([])
    this.#svRoots.push([])
    this.#svL2.push([])
    return index
  }

  #addEdge(i: number, j: number): number {
    const key = this.#key(i, j)
    if (!this.#edges.has(key)) {
      this.#edges.set(key, {
        a: Math.min(i, j),
        b: Math.max(i, j),
        affinity: round6(0.5 + this.#rng.next() * 0.5),
        area: this.#rng.int(20, 600),
      })
    }
    return key
  }

  /** A deterministic history: merges of nearby objects, splits along minimum cuts, one undo. */
  #seedHistory(count: number): void {
    const rng = this.#rng
    const users = ['1', '2001', '2002']
    let day = 0
    const clock = () => {
      day += 1 + rng.int(0, 2)
      return round6(this.t0 + day * 86400 + rng.int(0, 36_000) + rng.int(1, 999_999) / 1e6)
    }
    const saved = this.#now
    let at = this.t0
    this.#now = () => at
    try {
      for (let n = 0; n < count; n++) {
        at = clock()
        const user = users[n % users.length] as string
        const kind = n === 3 ? 'undo' : n % 2 === 0 ? 'merge' : 'split'
        if (kind === 'undo') {
          const firstMerge = [...this.#ops.values()].find((op) => op.isMerge)
          if (firstMerge) {
            try {
              this.undo(user, firstMerge.id)
              continue
            } catch {
              // Fall through to a merge.
            }
          }
        }
        if (kind === 'split' && this.#seedSplit(user)) continue
        this.#seedMerge(user)
      }
    } finally {
      this.#now = saved
    }
  }

  #seedMerge(user: string): void {
    const current = this.currentRoots().map((id) => this.#roots.get(id) as RootRecord)
    // The largest current object merges with its nearest neighbour (Chebyshev ≤ 3 chunks).
    const rootsBySize = [...current].sort((x, y) => y.svs.length - x.svs.length || cmp(x.id, y.id))
    const pickIndex = this.#rng.int(0, Math.min(5, rootsBySize.length - 1))
    const a = rootsBySize[pickIndex] as RootRecord
    let best: [number, number, number] | undefined
    for (const b of current) {
      if (b.id === a.id) continue
      for (const i of a.svs) {
        for (const j of b.svs) {
          const ci = this.#chunk(i)
          const cj = this.#chunk(j)
          const d = Math.max(...[0, 1, 2].map((k) => Math.abs(ci[k]! - cj[k]!)))
          if (!best || d < best[2]) best = [i, j, d]
        }
      }
    }
    if (!best || best[2] > MAX_MERGE_CHUNK_DISTANCE) return
    this.merge(user, this.#svId(best[0]), this.#svId(best[1]))
  }

  #seedSplit(user: string): boolean {
    const candidates = this.currentRoots()
      .map((id) => this.#roots.get(id) as RootRecord)
      .filter((r) => r.svs.length >= 6)
      .sort((x, y) => y.svs.length - x.svs.length || cmp(x.id, y.id))
    const root = candidates[this.#rng.int(0, Math.min(3, candidates.length - 1))]
    if (!root) return false
    const first = root.svs[0] as number
    const last = root.svs[root.svs.length - 1] as number
    this.split(user, [this.#svId(first)], [this.#svId(last)])
    return true
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  #svId(i: number): bigint {
    return (this.#supervoxels[i] as SupervoxelInfo).id
  }

  #index(id: bigint): number {
    const i = this.#svIndex.get(id)
    if (i === undefined) throw bad(`${id} is not a supervoxel of this chunkedgraph`)
    return i
  }

  #chunk(i: number): Vec3 {
    return (this.#supervoxels[i] as SupervoxelInfo).chunk as Vec3
  }

  #position(id: bigint): Vec3 {
    return [...(this.#supervoxels[this.#index(id)] as SupervoxelInfo).position] as Vec3
  }

  #key(i: number, j: number): number {
    const [a, b] = i < j ? [i, j] : [j, i]
    return a * 1_048_576 + b
  }

  #pair(key: number): [bigint, bigint] {
    const e = this.#edges.get(key) as EdgeRecord
    return [this.#svId(e.a), this.#svId(e.b)]
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}
