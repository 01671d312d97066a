/**
 * ChunkedGraph / segmentation service (PyChunkedGraph; services spec §4.4) over the model in
 * `src/data/chunkedgraph-model.ts`: `{L}/segmentation/api/v1/table/{table_id}/…`, the table's
 * graphene info, the version endpoints and the meshing `remeshing` route.
 *
 * As PyChunkedGraph does: `int64_as_str=true|1` turns every uint64 (ids, operation ids) into a
 * JSON string; timestamps arrive as float epoch seconds (`timestamp`, `timestamp_past`, …; invalid
 * → 400); `roots_binary` and `minimal_covering_nodes?as_array=true` speak packed little-endian
 * uint64; `tabular_change_log_many`, `past_id_mapping` and `valid_nodes` are GET routes that read
 * a JSON body; errors are JSON `{code, duration, message, timestamp, traceback}`. Reads need
 * `view`, edits `edit` on the table's permission group (`pcg/<table>` in the table mapping);
 * an unknown table is middle_auth's 400 `Invalid table_id for service`.
 */
import type { AuthRequirement } from '../auth.js'
import { DEMO_DATASTACK } from '../constants.js'
import type { RequestContext } from '../context.js'
import type { DevDataset } from '../dataset.js'
import {
  ChunkedGraphError,
  ChunkedGraphModel,
  CG_API_VERSIONS,
  CG_N_LAYERS,
  CG_SERVICE_VERSION,
  SPLIT_BB_OFFSET,
  bitsPerDim,
  layerOf,
  type OperationRecord,
  type Vec3,
} from '../data/chunkedgraph-model.js'
import { HTML_TYPE, HttpError, json, text, type HeaderValue, type Reply } from '../http.js'
import { parseJson, stringifyJson, type JsonValue } from '../json.js'
import type { DevService, Handler, Method } from '../router.js'
import { wsInfo } from '../volumes/generate.js'

const P = '/segmentation/api/v1/table/:table_id'

const models = new WeakMap<DevDataset, ChunkedGraphModel>()

/**
 * The live chunkedgraph of a dataset (created on first use from its seed). Other emulated
 * services (annotation bound points, materialization, the segmentation volume) read root ids
 * from the same model, so everything agrees.
 */
export function chunkedGraphModelFor(dataset: DevDataset): ChunkedGraphModel {
  let model = models.get(dataset)
  if (!model) {
    model = new ChunkedGraphModel({ seed: dataset.seed })
    models.set(dataset, model)
  }
  return model
}

/** The graphene info PyChunkedGraph serves at `{L}/segmentation/table/{table_id}/info`. */
export function grapheneInfo(model: ChunkedGraphModel, localUrl: string): Record<string, unknown> {
  const g = model.geometry
  const masks: Record<string, number> = {}
  for (let layer = 1; layer <= CG_N_LAYERS; layer++) masks[String(layer)] = bitsPerDim(layer)
  return {
    app: { supported_api_versions: [...CG_API_VERSIONS] },
    chunks_start_at_voxel_offset: true,
    data_dir: `${localUrl}/volumes/${DEMO_DATASTACK}/ws`,
    data_type: 'uint64',
    graph: {
      bounding_box: [...g.size],
      chunk_size: [...g.chunkSize],
      cv_mip: 0,
      n_bits_for_layer_id: 8,
      n_layers: CG_N_LAYERS,
      spatial_bit_masks: masks,
    },
    mesh: 'graphene_meshes',
    mesh_metadata: { uniform_draco_grid_size: 21, unsharded_mesh_dir: 'dynamic' },
    num_channels: 1,
    // The supervoxel layer's own scales (mip 1 sharded), locked as PyChunkedGraph serves them.
    scales: wsInfo().scales.map((scale) => ({ ...scale, locked: true })),
    type: 'segmentation',
    sharded_mesh: true,
    verify_mesh: false,
  }
}

// ---------------------------------------------------------------------------------------------
// Request helpers

/** PyChunkedGraph's error body (`common.api_exception`), e.g. 400 for bad requests. */
export function pcgError(status: number, message: string, started = performance.now()): Reply {
  return json(
    {
      code: status,
      duration: Math.round((performance.now() - started) * 1000) / 1e6,
      message,
      timestamp: new Date().toISOString(),
      traceback: ['Traceback (most recent call last):', '  (emulated by @daf/tools-dev-server)', `ChunkedGraphError: ${message}`],
    },
    status,
  )
}

function fail(message: string, status = 400): never {
  throw new ChunkedGraphError(status, message)
}

/** `toboolean`: `true|1` / `false|0` in any case; anything else is the route default. */
function flag(ctx: RequestContext, name: string, fallback: boolean): boolean {
  const v = ctx.query.get(name)?.trim().toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  return fallback
}

/** `_parse_timestamp`: float epoch seconds; invalid → 400. */
function seconds(ctx: RequestContext, name: string, fallback: number): number
function seconds(ctx: RequestContext, name: string, fallback: undefined): number | undefined
function seconds(ctx: RequestContext, name: string, fallback: number | undefined): number | undefined {
  const raw = ctx.query.get(name)
  if (raw === null) return fallback
  const n = raw.trim() === '' ? NaN : Number(raw)
  if (!Number.isFinite(n)) fail(`Timestamp parameter ${name} is not a valid unix timestamp`)
  return n
}

function integer(ctx: RequestContext, name: string): number | undefined {
  const raw = ctx.query.get(name)
  if (raw === null) return undefined
  if (!/^-?\d+$/.test(raw.trim())) fail(`${name} is not an integer: ${raw}`)
  return Number(raw)
}

/** `x0-x1_y0-y1_z0-z1` → `[[x0, x1], [y0, y1], [z0, z1]]`. */
function bounds(ctx: RequestContext): Vec3[] | undefined {
  const raw = ctx.query.get('bounds')
  if (raw === null) return undefined
  const axes = raw.split('_').map((a) => a.split('-'))
  if (axes.length !== 3 || axes.some((a) => a.length !== 2 || a.some((v) => !/^\d+$/.test(v)))) {
    fail(`bounds must look like x0-x1_y0-y1_z0-z1, got ${raw}`)
  }
  return axes.map((a) => a.map(Number)) as unknown as Vec3[]
}

function idOf(value: unknown, what: string): bigint {
  if (typeof value === 'bigint' && value >= 0n) return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  return fail(`${what} is not a uint64 id: ${String(value)}`)
}

function pathId(ctx: RequestContext, name: string): bigint {
  return idOf(ctx.params[name], name)
}

function idsOf(value: unknown, what: string): bigint[] {
  if (!Array.isArray(value)) fail(`${what} must be a list of ids`)
  return value.map((v, i) => idOf(v, `${what}[${i}]`))
}

async function jsonBody(ctx: RequestContext): Promise<JsonValue> {
  const body = await ctx.text()
  if (body.trim() === '') fail('Expected a JSON request body')
  try {
    return parseJson(body)
  } catch (e) {
    return fail(`Malformed JSON request body: ${(e as Error).message}`)
  }
}

async function bodyIds(ctx: RequestContext, key: string): Promise<bigint[]> {
  const body = await jsonBody(ctx)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(`Expected a JSON object with "${key}"`)
  return idsOf((body as Record<string, JsonValue>)[key], key)
}

/** `node_ids` from JSON, or raw little-endian uint64 with `is_binary=true`. */
async function nodeIds(ctx: RequestContext): Promise<bigint[]> {
  if (!flag(ctx, 'is_binary', false)) return bodyIds(ctx, 'node_ids')
  return [...decodeIds(await ctx.body())]
}

function decodeIds(bytes: Uint8Array): BigUint64Array {
  if (bytes.byteLength % 8 !== 0) fail(`Binary id data must be a multiple of 8 bytes, got ${bytes.byteLength}`)
  const copy = new Uint8Array(bytes) // aligned copy
  const view = new DataView(copy.buffer)
  const out = new BigUint64Array(copy.byteLength / 8)
  for (let i = 0; i < out.length; i++) out[i] = view.getBigUint64(i * 8, true)
  return out
}

function encodeIds(ids: ArrayLike<bigint>): Uint8Array {
  const out = new Uint8Array(ids.length * 8)
  const view = new DataView(out.buffer)
  for (let i = 0; i < ids.length; i++) view.setBigUint64(i * 8, ids[i] as bigint, true)
  return out
}

function binary(ids: ArrayLike<bigint>, headers: Record<string, HeaderValue> = {}): Reply {
  return { status: 200, headers: { 'Content-Type': 'application/octet-stream', ...headers }, body: encodeIds(ids) }
}

/** JSON reply; with `int64_as_str` every bigint (uint64) becomes a decimal string. */
function reply(ctx: RequestContext, value: unknown, headers: Record<string, HeaderValue> = {}): Reply {
  return json(flag(ctx, 'int64_as_str', false) ? int64AsStr(value) : value, 200, headers)
}

function int64AsStr(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map(int64AsStr)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, int64AsStr(v)]))
  }
  return value
}

/** Python `str(datetime)` / `isoformat(sep)` of an aware UTC datetime (microseconds only when non-zero). */
export function pythonIso(secondsUtc: number, sep = ' '): string {
  let whole = Math.floor(secondsUtc)
  let micro = Math.round((secondsUtc - whole) * 1e6)
  if (micro >= 1e6) {
    whole += 1
    micro -= 1e6
  }
  const d = new Date(whole * 1000).toISOString().slice(0, 19).replace('T', sep)
  return `${d}${micro ? `.${String(micro).padStart(6, '0')}` : ''}+00:00`
}

/** Voxel coordinates of a point sent in nm (`[id, x, y, z]` rows of merge/split bodies). */
function nodeRows(model: ChunkedGraphModel, value: unknown, what: string): Array<{ id: bigint; voxel: Vec3 }> {
  if (!Array.isArray(value)) fail(`${what} must be a list of [id, x, y, z]`)
  const res = model.geometry.resolution
  return value.map((row, i) => {
    if (!Array.isArray(row) || row.length !== 4 || !row.slice(1).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(`${what}[${i}] must be [id, x, y, z] with coordinates in nm`)
    }
    const [id, x, y, z] = row as [unknown, number, number, number]
    return { id: idOf(id, `${what}[${i}][0]`), voxel: [Math.round(x / res[0]), Math.round(y / res[1]), Math.round(z / res[2])] as Vec3 }
  })
}

function editReply(ctx: RequestContext, op: OperationRecord): Reply {
  return reply(ctx, { operation_id: op.id, new_root_ids: [...op.afterRoots] })
}

function userIdOf(ctx: RequestContext): string {
  return String(ctx.user?.id ?? 0)
}

function userNames(ctx: RequestContext, model: ChunkedGraphModel, userId: string) {
  const dev = /^\d+$/.test(userId) ? ctx.state.tokens.byId(Number(userId)) : undefined
  const seeded = model.users.get(userId)
  return {
    name: dev?.name ?? seeded?.name ?? 'unknown',
    affiliation: seeded?.affiliation ?? (dev ? 'Local deployment' : 'unknown'),
  }
}

/** A pandas `DataFrame.to_json()` text (column orientation) of one root's tabular change log. */
function tabularJson(ctx: RequestContext, model: ChunkedGraphModel, root: bigint, filtered: boolean): string {
  const rows = model.tabularChangeLog(root, filtered)
  const column = (pick: (r: (typeof rows)[number]) => unknown) => Object.fromEntries(rows.map((r, i) => [String(i), pick(r)]))
  const table: Record<string, unknown> = {
    operation_id: column((r) => r.operation_id),
    timestamp: column((r) => r.timestamp),
    user_id: column((r) => r.user_id),
    before_root_ids: column((r) => r.before_root_ids),
    after_root_ids: column((r) => r.after_root_ids),
    is_merge: column((r) => r.is_merge),
  }
  if (!filtered) {
    table.in_neuron = column((r) => r.in_neuron)
    table.is_relevant = column((r) => r.is_relevant)
  }
  table.user_name = column((r) => userNames(ctx, model, r.user_id).name)
  table.user_affiliation = column((r) => userNames(ctx, model, r.user_id).affiliation)
  return stringifyJson(table)
}

function operationDetails(op: OperationRecord): Record<string, unknown> {
  const ts = pythonIso(op.timestamp)
  return {
    ...(op.isMerge ? { added_edges: op.addedEdges?.map((e) => [...e]) } : { removed_edges: op.removedEdges?.map((e) => [...e]) }),
    roots: [...op.afterRoots],
    source_coords: op.sourceCoords.map((c) => [...c]),
    sink_coords: op.sinkCoords.map((c) => [...c]),
    source_ids: [...op.sourceIds],
    sink_ids: [...op.sinkIds],
    ...(op.isMerge ? {} : { bb_offset: [...SPLIT_BB_OFFSET] }),
    timestamp: ts,
    operation_ts: ts,
    operation_status: 0,
    operation_exception: '',
    user: op.userId,
    ...(op.undoOf === undefined ? {} : { undo_operation_id: op.undoOf }),
  }
}

// ---------------------------------------------------------------------------------------------

/** `view` (or `edit`) on the table's permission group; unknown tables answer 400 like middle_auth. */
function onTable(permission: 'view' | 'edit'): AuthRequirement {
  return {
    permission,
    dataset: (ctx) => {
      const group = ctx.dataset.tableMapping[`pcg/${ctx.params.table_id ?? ''}`]
      if (group === undefined) throw new HttpError(text('Invalid table_id for service', 400, HTML_TYPE))
      return group
    },
  }
}

export function chunkedgraphService(): DevService {
  const route = (method: Method, path: string, permission: 'view' | 'edit', run: (ctx: RequestContext, model: ChunkedGraphModel) => Reply | Promise<Reply>) => ({
    method,
    path,
    auth: onTable(permission),
    handler: (async (ctx) => {
      const started = performance.now()
      try {
        return await run(ctx, chunkedGraphModelFor(ctx.dataset))
      } catch (e) {
        if (e instanceof ChunkedGraphError) return pcgError(e.status, e.message, started)
        throw e
      }
    }) satisfies Handler,
  })

  return {
    name: 'chunkedgraph',
    routes: [
      { method: 'GET', path: '/segmentation/api/versions', auth: 'public', handler: () => json([...CG_API_VERSIONS]) },
      { method: 'GET', path: '/segmentation/api/version', auth: 'public', handler: () => json(CG_SERVICE_VERSION) },
      // The table info: where the Python client reads it, under P, and under the cloud-volume path
      // (`graphene://{L}/segmentation/api/v1/{t}` + `/info`).
      ...['/segmentation/table/:table_id/info', `${P}/info`, '/segmentation/api/v1/:table_id/info'].map((path) =>
        route('GET', path, 'view', (ctx, m) => json(grapheneInfo(m, ctx.dataset.localUrl))),
      ),

      // Roots
      route('POST', `${P}/roots_binary`, 'view', async (ctx, m) => {
        const ids = decodeIds(await ctx.body())
        const t = seconds(ctx, 'timestamp', Date.now() / 1000)
        const stop = integer(ctx, 'stop_layer') ?? CG_N_LAYERS
        return binary(m.rootsAt(ids, t, stop))
      }),
      route('POST', `${P}/roots`, 'view', async (ctx, m) => {
        const ids = BigUint64Array.from(await bodyIds(ctx, 'node_ids'))
        const roots = m.rootsAt(ids, seconds(ctx, 'timestamp', Date.now() / 1000), integer(ctx, 'stop_layer') ?? CG_N_LAYERS)
        if (ctx.query.get('as_binary') === 'root_ids') return binary(roots)
        return reply(ctx, { root_ids: [...roots] })
      }),
      route('GET', `${P}/node/:node_id/root`, 'view', (ctx, m) => {
        const t = seconds(ctx, 'timestamp', Date.now() / 1000)
        return reply(ctx, { root_id: m.parentAt(pathId(ctx, 'node_id'), t, integer(ctx, 'stop_layer') ?? CG_N_LAYERS) })
      }),
      route('GET', `${P}/node/:node_id/children`, 'view', (ctx, m) => reply(ctx, { children_ids: m.children(pathId(ctx, 'node_id')) })),
      route('GET', `${P}/node/:node_id/leaves`, 'view', (ctx, m) =>
        reply(ctx, { leaf_ids: m.leaves(pathId(ctx, 'node_id'), { bounds: bounds(ctx), stopLayer: integer(ctx, 'stop_layer') ?? 1 }) }),
      ),
      ...[`${P}/node/leaves_many`, `${P}/leaves_many`].map((path) =>
        route('POST', path, 'view', async (ctx, m) => {
          const ids = await bodyIds(ctx, 'node_ids')
          const b = bounds(ctx)
          const stopLayer = integer(ctx, 'stop_layer') ?? 1
          return reply(ctx, Object.fromEntries(ids.map((id) => [String(id), m.leaves(id, { bounds: b, stopLayer })])))
        }),
      ),
      route('POST', `${P}/minimal_covering_nodes`, 'view', async (ctx, m) => {
        const ids = flag(ctx, 'is_binary', false) ? [...decodeIds(await ctx.body())] : await bodyIds(ctx, 'node_ids')
        const nodes = m.minimalCoveringNodes(ids, seconds(ctx, 'timestamp', Date.now() / 1000))
        return flag(ctx, 'as_array', false) ? binary(nodes) : reply(ctx, nodes)
      }),

      // History
      route('GET', `${P}/root/:root_id/change_log`, 'view', (ctx, m) =>
        reply(ctx, m.changeLog(pathId(ctx, 'root_id'), flag(ctx, 'filtered', false))),
      ),
      route('GET', `${P}/root/:root_id/merge_log`, 'view', (ctx, m) => reply(ctx, m.mergeLog(pathId(ctx, 'root_id')))),
      route('GET', `${P}/root/:root_id/tabular_change_log`, 'view', (ctx, m) =>
        text(tabularJson(ctx, m, pathId(ctx, 'root_id'), flag(ctx, 'filtered', true)), 200, 'application/json'),
      ),
      route('GET', `${P}/tabular_change_log_many`, 'view', async (ctx, m) => {
        const filtered = flag(ctx, 'filtered', true)
        const ids = await bodyIds(ctx, 'root_ids')
        // Values are pandas JSON texts (strings), and the flag is ignored, as on the real server.
        return json(Object.fromEntries(ids.map((id) => [String(id), tabularJson(ctx, m, id, filtered)])))
      }),
      route('GET', `${P}/root/:root_id/lineage_graph`, 'view', (ctx, m) =>
        reply(ctx, m.lineageGraph([pathId(ctx, 'root_id')], seconds(ctx, 'timestamp_past', 0), seconds(ctx, 'timestamp_future', Date.now() / 1000))),
      ),
      route('POST', `${P}/lineage_graph_multiple`, 'view', async (ctx, m) => {
        const ids = await bodyIds(ctx, 'root_ids')
        return reply(ctx, m.lineageGraph(ids, seconds(ctx, 'timestamp_past', 0), seconds(ctx, 'timestamp_future', Date.now() / 1000)))
      }),
      route('GET', `${P}/past_id_mapping`, 'view', async (ctx, m) => {
        const ids = await bodyIds(ctx, 'root_ids')
        const { past, future } = m.pastFutureIdMapping(ids, seconds(ctx, 'timestamp_past', 0), seconds(ctx, 'timestamp_future', Date.now() / 1000))
        return reply(ctx, {
          past_id_map: Object.fromEntries([...past].map(([k, v]) => [String(k), v])),
          future_id_map: Object.fromEntries([...future].map(([k, v]) => [String(k), v])),
        })
      }),
      route('GET', `${P}/root/:root_id/last_edit`, 'view', (ctx, m) => {
        const root = m.root(pathId(ctx, 'root_id')) ?? fail(`${ctx.params.root_id} is not a root`)
        return reply(ctx, { iso: pythonIso(root.created, ctx.query.get('delimiter') ?? ' ') })
      }),
      route('GET', `${P}/oldest_timestamp`, 'view', (ctx, m) => reply(ctx, { iso: pythonIso(m.t0, ctx.query.get('delimiter') ?? ' ') })),
      route('GET', `${P}/operation_details`, 'view', (ctx, m) => {
        let ids: unknown
        try {
          ids = parseJson(ctx.query.get('operation_ids') ?? '[]')
        } catch {
          fail('operation_ids must be a JSON list of integers')
        }
        const out: Record<string, unknown> = {}
        for (const id of idsOf(ids, 'operation_ids')) {
          const op = m.operation(id)
          if (op) out[String(id)] = operationDetails(op)
        }
        return reply(ctx, out)
      }),
      route('GET', `${P}/delta_roots`, 'view', (ctx, m) => {
        const past = seconds(ctx, 'timestamp_past', undefined) ?? fail('Timestamp parameter timestamp_past is mandatory')
        return reply(ctx, m.deltaRoots(past, seconds(ctx, 'timestamp_future', Date.now() / 1000)))
      }),
      route('POST', `${P}/is_latest_roots`, 'view', async (ctx, m) => {
        const ids = await nodeIds(ctx)
        const t = seconds(ctx, 'timestamp', Date.now() / 1000)
        return reply(ctx, { is_latest: ids.map((id) => m.isLatest(id, t)) })
      }),
      route('POST', `${P}/root_timestamps`, 'view', async (ctx, m) => {
        const ids = await nodeIds(ctx)
        const t = seconds(ctx, 'timestamp', Date.now() / 1000)
        const latest = flag(ctx, 'latest', false)
        return reply(ctx, { timestamp: ids.map((id) => (latest ? m.latestTimestamp(id, t) : m.nodeTimestamp(id))) })
      }),
      route('GET', `${P}/valid_nodes`, 'view', async (ctx, m) => {
        const ids = await nodeIds(ctx)
        const start = seconds(ctx, 'start_timestamp', undefined)
        const end = seconds(ctx, 'end_timestamp', undefined)
        return reply(ctx, { valid_roots: ids.filter((id) => m.isValidNode(id, start, end)) })
      }),

      // Graph
      route('GET', `${P}/node/:node_id/subgraph`, 'view', (ctx, m) => {
        const edges = m.subgraph(pathId(ctx, 'node_id'), bounds(ctx))
        const sv = (i: number) => m.supervoxels[i]?.id as bigint
        return reply(ctx, { nodes: edges.map((e) => [sv(e.a), sv(e.b)]), affinities: edges.map((e) => e.affinity), areas: edges.map((e) => e.area) })
      }),
      route('GET', `${P}/node/:node_id/lvl2_graph`, 'view', (ctx, m) => {
        const b = bounds(ctx)
        // Exposed through CORS so browsers can check it, as clients must when they send bounds.
        return reply(ctx, { edge_graph: m.level2Graph(pathId(ctx, 'node_id'), b) }, {
          'Used-Bounds': b ? 'True' : 'False',
          'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After, Used-Bounds',
        })
      }),
      route('GET', `${P}/node/:node_id/contact_sites`, 'view', (ctx, m) =>
        reply(ctx, m.contactSites(pathId(ctx, 'node_id'), seconds(ctx, 'timestamp', Date.now() / 1000), bounds(ctx), flag(ctx, 'partners', true))),
      ),
      route('POST', `${P}/graph/find_path`, 'view', async (ctx, m) => {
        const rows = nodeRows(m, await jsonBody(ctx), 'nodes')
        if (rows.length !== 2) fail('find_path needs exactly two nodes')
        const [a, b] = rows as [{ id: bigint; voxel: Vec3 }, { id: bigint; voxel: Vec3 }]
        const root = layerOf(a.id) === 1 ? m.rootAt(a.id) : a.id
        return reply(ctx, m.findPath(root, a.voxel, b.voxel, flag(ctx, 'precision_mode', true)))
      }),

      // Edits
      route('POST', `${P}/merge`, 'edit', async (ctx, m) => {
        const rows = nodeRows(m, await jsonBody(ctx), 'nodes')
        if (rows.length !== 2) fail('A merge needs exactly two nodes')
        const [a, b] = rows.map((r) => ({ sv: m.resolveSupervoxel(r.id, r.voxel), voxel: r.voxel })) as [{ sv: bigint; voxel: Vec3 }, { sv: bigint; voxel: Vec3 }]
        return editReply(ctx, m.merge(userIdOf(ctx), a.sv, b.sv, [a.voxel, b.voxel]))
      }),
      route('POST', `${P}/split`, 'edit', async (ctx, m) => {
        const { sources, sinks } = await splitRows(ctx, m)
        return editReply(
          ctx,
          m.split(
            userIdOf(ctx),
            sources.map((s) => s.sv),
            sinks.map((s) => s.sv),
            sources.map((s) => s.voxel),
            sinks.map((s) => s.voxel),
          ),
        )
      }),
      route('POST', `${P}/graph/split_preview`, 'view', async (ctx, m) => {
        const { sources, sinks } = await splitRows(ctx, m)
        return reply(ctx, m.splitPreview(sources.map((s) => s.sv), sinks.map((s) => s.sv)))
      }),
      route('POST', `${P}/undo`, 'edit', async (ctx, m) => {
        const body = await jsonBody(ctx)
        const op = typeof body === 'object' && body !== null && !Array.isArray(body) ? body.operation_id : undefined
        return editReply(ctx, m.undo(userIdOf(ctx), idOf(op, 'operation_id')))
      }),
      route('POST', '/meshing/api/v1/table/:table_id/remeshing', 'edit', async (ctx, m) => {
        const ids = await bodyIds(ctx, 'new_lvl2_ids')
        for (const id of ids) if (!m.level2(id)) fail(`${id} is not a level 2 node of this chunkedgraph`)
        return json({ remeshed: ids.length })
      }),
    ],
  }
}

async function splitRows(ctx: RequestContext, m: ChunkedGraphModel) {
  const body = await jsonBody(ctx)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('Expected {"sources": [...], "sinks": [...]}')
  const side = (key: 'sources' | 'sinks') =>
    nodeRows(m, (body as Record<string, JsonValue>)[key], key).map((r) => ({ sv: m.resolveSupervoxel(r.id, r.voxel), voxel: r.voxel }))
  return { sources: side('sources'), sinks: side('sinks') }
}
