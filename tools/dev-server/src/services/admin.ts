/**
 * Dev-only admin routes under `/__dev`, so another process (the CLI's user, a browser test) can
 * configure the running server. Public, never faulted, never in the request log.
 *
 * | route | what |
 * |---|---|
 * | `GET /__dev/faults` | current faults with hit counts |
 * | `POST /__dev/faults` | add one fault or an array (JSON form: `path` prefix or `pathRegex`) → 201 |
 * | `DELETE /__dev/faults` | remove all faults |
 * | `DELETE /__dev/faults/:id` | remove one (404 if unknown) |
 * | `GET /__dev/requests?since=<seq>` | the request log (entries after `seq`) |
 * | `DELETE /__dev/requests` | empty the request log |
 * | `POST /__dev/tokens` | accept a token (`DevTokenSpec` JSON or a string) → 201 user |
 * | `DELETE /__dev/tokens/:token` | revoke a token |
 * | `GET /__dev/dataset` | the generated dataset |
 * | `GET /__dev/routes` | the route table |
 */
import type { DevTokenSpec } from '../auth.js'
import { ADMIN_PREFIX } from '../constants.js'
import { faultFromJson } from '../faults.js'
import { badRequest, json, notFound, type Reply } from '../http.js'
import type { DevService } from '../router.js'

const noContent = (): Reply => ({ status: 204 })

export function adminService(): DevService {
  const P = ADMIN_PREFIX
  return {
    name: 'admin',
    routes: [
      { method: 'GET', path: `${P}/faults`, auth: 'public', handler: (ctx) => json(ctx.state.faults.toJSON()) },
      {
        method: 'POST',
        path: `${P}/faults`,
        auth: 'public',
        handler: async (ctx) => {
          const body = await ctx.json()
          const items = Array.isArray(body) ? body : [body]
          let specs
          try {
            specs = items.map((item) => faultFromJson(item)) // validates all before adding any
          } catch (err) {
            throw badRequest((err as Error).message)
          }
          const added = specs.map((s) => ctx.state.faults.add(s))
          return json(Array.isArray(body) ? added.map((f) => f.toJSON()) : added[0]?.toJSON(), 201)
        },
      },
      {
        method: 'DELETE',
        path: `${P}/faults`,
        auth: 'public',
        handler: (ctx) => {
          ctx.state.faults.clear()
          return noContent()
        },
      },
      {
        method: 'DELETE',
        path: `${P}/faults/:id`,
        auth: 'public',
        handler: (ctx) => {
          if (!ctx.state.faults.remove(ctx.params.id ?? '')) throw notFound(`no fault ${ctx.params.id}`)
          return noContent()
        },
      },
      {
        method: 'GET',
        path: `${P}/requests`,
        auth: 'public',
        handler: (ctx) => {
          const since = Number(ctx.query.get('since') ?? 0)
          return json(ctx.state.requests.filter((e) => e.seq > since))
        },
      },
      {
        method: 'DELETE',
        path: `${P}/requests`,
        auth: 'public',
        handler: (ctx) => {
          ctx.state.requests.length = 0
          return noContent()
        },
      },
      {
        method: 'POST',
        path: `${P}/tokens`,
        auth: 'public',
        handler: async (ctx) => {
          const body = await ctx.json()
          try {
            const user = ctx.state.tokens.add(body as string | DevTokenSpec)
            return json(user, 201)
          } catch (err) {
            throw badRequest((err as Error).message)
          }
        },
      },
      {
        method: 'DELETE',
        path: `${P}/tokens/:token`,
        auth: 'public',
        handler: (ctx) => {
          if (!ctx.state.tokens.remove(ctx.params.token ?? '')) throw notFound('no such token')
          return noContent()
        },
      },
      { method: 'GET', path: `${P}/dataset`, auth: 'public', handler: (ctx) => json(ctx.dataset) },
      { method: 'GET', path: `${P}/routes`, auth: 'public', handler: (ctx) => json(ctx.state.router.routes()) },
    ],
  }
}
