/**
 * State service (services spec §4.5): NeuroglancerJsonServer at `{G}/nglstate`. States and
 * segment-property files are stored as the exact text posted (so integers above 2^53 survive) under
 * generated ids above 2^53, one store per server. `J = /nglstate/api/v1`.
 *
 * | route | auth | response |
 * |---|---|---|
 * | `GET J/version` | public | `"0.7.2"` |
 * | `GET J/` · `J/index` | public | `NeuroglancerJsonServer - v0.7.2` |
 * | `GET J/{id}` | token | the state, re-serialised (losslessly) |
 * | `GET J/raw/{id}` | token | the stored text as posted |
 * | `POST J/post` | token | JSON string `"{origin}/nglstate/api/v1/{id}"`; body must be JSON (400), ≤ 8 MiB (413) |
 * | `POST J/post/{id}` | token, admin (403 `Requires superadmin privilege.`) | same, stored under `{id}` (replacing) |
 * | `GET J/property/{id}/info` · `J/property/raw/{id}` | token | a property file, re-serialised / raw |
 * | `POST J/property/post` · `J/property/post/{id}` (admin) | token | `"{origin}/nglstate/api/v1/property/{id}"` |
 * | legacy v0: `POST /nglstate/post`, `GET /nglstate/{id}`, `GET /nglstate/raw/{id}` | token | as v1 (v0 ids are in the same store) |
 * | `GET /neuroglancer/spelunker/version.json` | public | a neuroglancer stand-in that reports a spelunker build (`/neuroglancer/<other>/version.json` is 404: a seunglab build) |
 *
 * Unknown id → 404 `{"message"}`; an id that is not a uint64 → 400.
 */
import { DEMO_VIEWER_PATH, STATE_SERVICE_VERSION } from '../constants.js'
import type { RequestContext } from '../context.js'
import { HttpError, badRequest, json, notFound, text, type Reply } from '../http.js'
import { JsonSyntaxError, parseJson } from '../json.js'
import { createRng, type Rng } from '../rng.js'
import type { DevService } from '../router.js'

const J = '/nglstate/api/v1'
/** Larger uploads get 413, as the real deployment's gateway answers (PR #216). */
export const STATE_BODY_LIMIT = 8 * 1024 * 1024
const UINT64_MAX = (1n << 64n) - 1n

interface StoredJson {
  text: string
  userId: number | undefined
  created: string
}

/** One kind of stored document (states, or property files). */
class JsonStore {
  readonly #items = new Map<bigint, StoredJson>()
  get(id: bigint): StoredJson | undefined {
    return this.#items.get(id)
  }
  has(id: bigint): boolean {
    return this.#items.has(id)
  }
  set(id: bigint, item: StoredJson): void {
    this.#items.set(id, item)
  }
  get size(): number {
    return this.#items.size
  }
}

function parseId(raw: string | undefined): bigint {
  if (raw === undefined || !/^\d{1,20}$/.test(raw)) throw badRequest(`Invalid id: ${raw ?? ''}`)
  const id = BigInt(raw)
  if (id > UINT64_MAX) throw badRequest(`Invalid id: ${raw}`)
  return id
}

export function stateService(): DevService {
  const states = new JsonStore()
  const properties = new JsonStore()
  let rng: Rng | undefined

  /** A fresh id above 2^53 (below 2^63), deterministic per dataset seed. */
  function newId(ctx: RequestContext): bigint {
    rng ??= createRng(ctx.dataset.seed, 'nglstate')
    for (;;) {
      const hi = BigInt(rng.int(0, 2 ** 30 - 1))
      const lo = BigInt(rng.int(0, 2 ** 32 - 1))
      const id = (1n << 53n) + ((hi << 32n) | lo)
      if (!states.has(id) && !properties.has(id)) return id
    }
  }

  async function store(ctx: RequestContext, where: JsonStore, id: bigint | undefined): Promise<bigint> {
    if (id !== undefined && !ctx.user?.admin) throw new HttpError(text('Requires superadmin privilege.', 403, 'text/html; charset=utf-8'))
    const body = await ctx.text({ limit: STATE_BODY_LIMIT })
    try {
      parseJson(body)
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw badRequest(`Body is not valid JSON: ${e.message}`)
      throw e
    }
    const target = id ?? newId(ctx)
    where.set(target, { text: body, userId: ctx.user?.id, created: new Date().toISOString() })
    return target
  }

  function load(where: JsonStore, raw: string | undefined, what: string): StoredJson {
    const id = parseId(raw)
    const item = where.get(id)
    if (!item) throw notFound(`No ${what} with id ${id}`)
    return item
  }

  const index = (): Reply => text(`NeuroglancerJsonServer - v${STATE_SERVICE_VERSION}`)
  const decoded = (item: StoredJson): Reply => json(parseJson(item.text))
  const raw = (item: StoredJson): Reply => text(item.text, 200, 'application/json')

  return {
    name: 'state',
    routes: [
      { method: 'GET', path: `${J}/version`, auth: 'public', handler: () => json(STATE_SERVICE_VERSION) },
      { method: 'GET', path: `${J}`, auth: 'public', handler: index },
      { method: 'GET', path: `${J}/index`, auth: 'public', handler: index },
      {
        method: 'POST',
        path: `${J}/post`,
        handler: async (ctx) => json(`${ctx.origin}${J}/${await store(ctx, states, undefined)}`),
      },
      {
        method: 'POST',
        path: `${J}/post/:id`,
        handler: async (ctx) => json(`${ctx.origin}${J}/${await store(ctx, states, parseId(ctx.params.id))}`),
      },
      { method: 'GET', path: `${J}/raw/:id`, handler: (ctx) => raw(load(states, ctx.params.id, 'state')) },
      {
        method: 'POST',
        path: `${J}/property/post`,
        handler: async (ctx) => json(`${ctx.origin}${J}/property/${await store(ctx, properties, undefined)}`),
      },
      {
        method: 'POST',
        path: `${J}/property/post/:id`,
        handler: async (ctx) => json(`${ctx.origin}${J}/property/${await store(ctx, properties, parseId(ctx.params.id))}`),
      },
      { method: 'GET', path: `${J}/property/raw/:id`, handler: (ctx) => raw(load(properties, ctx.params.id, 'property file')) },
      { method: 'GET', path: `${J}/property/:id/info`, handler: (ctx) => decoded(load(properties, ctx.params.id, 'property file')) },
      { method: 'GET', path: `${J}/:id`, handler: (ctx) => decoded(load(states, ctx.params.id, 'state')) },
      // Legacy v0 (before the /api/v1 prefix).
      {
        method: 'POST',
        path: '/nglstate/post',
        handler: async (ctx) => json(`${ctx.origin}/nglstate/${await store(ctx, states, undefined)}`),
      },
      { method: 'GET', path: '/nglstate/raw/:id', handler: (ctx) => raw(load(states, ctx.params.id, 'state')) },
      { method: 'GET', path: '/nglstate/:id', handler: (ctx) => decoded(load(states, ctx.params.id, 'state')) },
      // A neuroglancer deployment's version.json (spelunker builds have one; seunglab builds do not).
      {
        method: 'GET',
        path: `${DEMO_VIEWER_PATH}/version.json`,
        auth: 'public',
        handler: () => json({ version: '2.40.1', flavor: 'spelunker', dev_server: true }),
      },
    ],
  }
}

