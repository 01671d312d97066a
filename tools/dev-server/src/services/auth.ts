/**
 * Auth service (services spec §2.6): the token web pages (public here, so a browser or a person
 * can read the dev token without logging in) and the JSON API a client or a service calls with a
 * token.
 */
import { publicUser, type DevUser } from '../auth.js'
import { DEMO_TOS, TOKEN_NAME } from '../constants.js'
import type { RequestContext } from '../context.js'
import { html, json, notFound } from '../http.js'
import type { DevService } from '../router.js'

const A = '/auth/api/v1'

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto">
<h1>${escapeHtml(title)}</h1>
${body}
<p><small>@daf/tools-dev-server: a local emulation of the CAVE auth service.</small></p>
</body></html>
`
}

function tokenParagraph(ctx: RequestContext): string {
  const token = ctx.state.tokens.primaryToken()
  return token
    ? `<p>Your token: <code id="token">${escapeHtml(token)}</code></p>`
    : '<p>No token with access to the demo dataset is configured.</p>'
}

/** The user of a `'token'` route (always set once auth passed). */
function userOf(ctx: RequestContext): DevUser {
  if (!ctx.user) throw new Error('auth did not set ctx.user')
  return ctx.user
}

function ids(ctx: RequestContext): number[] {
  return (ctx.query.get('id') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
}

export function authService(): DevService {
  return {
    name: 'auth',
    routes: [
      {
        method: 'GET',
        path: `${A}/authorize`,
        auth: 'public',
        handler: (ctx) => {
          const target = ctx.query.get('redirect')
          let link = ''
          const token = ctx.state.tokens.primaryToken()
          if (target && token) {
            // Hand the token only to URLs of this deployment; the service then moves it into a cookie.
            let url: URL | undefined
            try {
              url = new URL(target)
            } catch {
              url = undefined
            }
            if (url && url.origin === ctx.origin) {
              url.searchParams.set(TOKEN_NAME, token)
              link = `<p><a id="continue" href="${escapeHtml(url.href)}">Continue as the dev user</a></p>`
            } else {
              link = `<p>Not redirecting to ${escapeHtml(target)}: not this deployment.</p>`
            }
          }
          return html(page('Log in (dev server)', `<p>There is no login here: use the dev token.</p>${tokenParagraph(ctx)}${link}`))
        },
      },
      {
        method: 'GET',
        path: `${A}/create_token`,
        auth: 'public',
        handler: (ctx) =>
          html(
            page(
              'Create a token',
              `${tokenParagraph(ctx)}<p>Save it with <code>saveToken</code> or in <code>~/.cloudvolume/secrets/</code>.</p>`,
            ),
          ),
      },
      {
        method: 'GET',
        path: '/sticky_auth/settings/tokens',
        auth: 'public',
        handler: (ctx) => {
          const rows = ctx.state.tokens
            .list()
            .map((u) => `<tr><td>${u.id}</td><td>${escapeHtml(u.name)}</td><td><code>${escapeHtml(u.token)}</code></td></tr>`)
            .join('\n')
          return html(page('Your tokens', `<table><tr><th>user</th><th>name</th><th>token</th></tr>\n${rows}\n</table>`))
        },
      },
      {
        method: 'GET',
        path: `${A}/tos/:id/accept`,
        auth: 'public',
        handler: (ctx) => {
          const name = ctx.params.id === String(DEMO_TOS.id) ? DEMO_TOS.name : `Terms of Service ${ctx.params.id}`
          return html(page(`Accept: ${name}`, '<p>The dev server cannot record acceptance; use a token that has it.</p>'))
        },
      },
      {
        method: 'GET',
        path: `${A}/user/cache`,
        auth: 'token',
        handler: (ctx) => json(publicUser(userOf(ctx))),
      },
      {
        method: 'GET',
        path: `${A}/user/token`,
        auth: 'token',
        handler: (ctx) => {
          const user = userOf(ctx)
          return json([{ id: user.id, token: user.token, user_id: user.id }])
        },
      },
      {
        method: 'GET',
        path: `${A}/user`,
        auth: 'token',
        handler: (ctx) => {
          const wanted = ids(ctx)
          return json(
            wanted
              .map((id) => ctx.state.tokens.byId(id))
              .filter((u): u is DevUser => u !== undefined)
              .map((u) => ({ id: u.id, name: u.name, email: u.email, admin: u.admin, service_account: u.service_account })),
          )
        },
      },
      {
        method: 'GET',
        path: `${A}/username`,
        auth: 'token',
        handler: (ctx) =>
          json(
            ids(ctx)
              .map((id) => ctx.state.tokens.byId(id))
              .filter((u): u is DevUser => u !== undefined)
              .map((u) => ({ id: u.id, name: u.name })),
          ),
      },
      {
        method: 'GET',
        path: `${A}/user/:id`,
        auth: 'token',
        handler: (ctx) => {
          const user = /^\d+$/.test(ctx.params.id ?? '') ? ctx.state.tokens.byId(Number(ctx.params.id)) : undefined
          if (!user) throw notFound(`user ${ctx.params.id} not found`)
          return json({ id: user.id, name: user.name, email: user.email, admin: user.admin, service_account: user.service_account })
        },
      },
    ],
  }
}
