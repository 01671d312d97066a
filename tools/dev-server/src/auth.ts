/**
 * middle_auth emulation: the accepted tokens and their users, token extraction (header → query →
 * cookie), and the status behaviour of `auth_required` / `auth_requires_permission`
 * (services spec §2.1–2.2; `middle_auth_client/decorators.py`).
 */
import type { IncomingMessage } from 'node:http'
import {
  DEMO_PERMISSION_GROUP,
  DEMO_TOS,
  DEV_TOKEN,
  MISSING_TOS_TOKEN,
  NO_PERMISSION_TOKEN,
  TOKEN_NAME,
} from './constants.js'
import type { RequestContext } from './context.js'
import { HTML_TYPE, json, redirect, text, type Reply } from './http.js'

/** `missing_tos` entry of a user (`/auth/api/v1/user/cache`). */
export interface MissingTos {
  dataset_name: string
  tos_id: number
  tos_name: string
}

/** A user as `GET /auth/api/v1/user/cache` returns it, plus the token it belongs to. */
export interface DevUser {
  token: string
  id: number
  name: string
  email: string
  admin: boolean
  groups: string[]
  service_account: boolean
  /** dataset (permission group) → permissions, e.g. `{ minnie_demo_em: ['view', 'edit'] }`. */
  permissions_v2: Record<string, string[]>
  missing_tos: MissingTos[]
}

/** How to configure an accepted token. A bare string means full permission on the demo dataset. */
export interface DevTokenSpec {
  token: string
  /**
   * Permissions: a list applies to the demo dataset (`[]` = none → 403 `Missing permission`);
   * a record sets `permissions_v2` as is. Default `['view', 'edit']` (or `[]` with `missingTos`).
   */
  permissions?: string[] | Record<string, string[]>
  /** `true`: has not accepted the demo Terms of Service (403 `missing_tos`); or explicit entries. */
  missingTos?: boolean | MissingTos[]
  id?: number
  name?: string
  email?: string
  admin?: boolean
  groups?: string[]
  service_account?: boolean
}

/** The tokens accepted when `startDevServer` gets no `tokens` option. */
export const DEFAULT_TOKENS: readonly DevTokenSpec[] = [
  { token: DEV_TOKEN, name: 'Dev User', email: 'dev@example.org' },
  { token: NO_PERMISSION_TOKEN, name: 'No Permission User', email: 'noperm@example.org', permissions: [] },
  { token: MISSING_TOS_TOKEN, name: 'Missing ToS User', email: 'tos@example.org', missingTos: true },
]

/** Accepted tokens. Mutable at runtime (`add`, `remove`) to emulate new or revoked tokens. */
export class TokenStore {
  readonly #users = new Map<string, DevUser>()
  #nextId = 1

  constructor(
    specs: ReadonlyArray<string | DevTokenSpec> = DEFAULT_TOKENS,
    readonly permissionGroup: string = DEMO_PERMISSION_GROUP,
  ) {
    for (const spec of specs) this.add(spec)
  }

  /** Accepts a token (replacing an existing entry for the same token); returns its user. */
  add(spec: string | DevTokenSpec): DevUser {
    const s: DevTokenSpec = typeof spec === 'string' ? { token: spec } : spec
    if (typeof s.token !== 'string' || s.token === '' || /\s/.test(s.token)) {
      throw new TypeError(`invalid dev token ${JSON.stringify(s.token)}`)
    }
    const id = s.id ?? this.#users.get(s.token)?.id ?? this.#nextId++
    const missing: MissingTos[] =
      s.missingTos === true
        ? [{ dataset_name: this.permissionGroup, tos_id: DEMO_TOS.id, tos_name: DEMO_TOS.name }]
        : Array.isArray(s.missingTos)
          ? s.missingTos
          : []
    const permissions: Record<string, string[]> = Array.isArray(s.permissions)
      ? { [this.permissionGroup]: [...s.permissions] }
      : s.permissions
        ? { ...s.permissions }
        : missing.some((m) => m.dataset_name === this.permissionGroup)
          ? {}
          : { [this.permissionGroup]: ['view', 'edit'] }
    const user: DevUser = {
      token: s.token,
      id,
      name: s.name ?? `Dev User ${id}`,
      email: s.email ?? `user${id}@example.org`,
      admin: s.admin ?? false,
      groups: s.groups ?? ['dev'],
      service_account: s.service_account ?? false,
      permissions_v2: permissions,
      missing_tos: missing,
    }
    this.#users.set(s.token, user)
    return user
  }

  /** Revokes a token: later requests with it get `Invalid/Expired Token`. */
  remove(token: string): boolean {
    return this.#users.delete(token)
  }

  lookup(token: string | undefined): DevUser | undefined {
    return token ? this.#users.get(token) : undefined
  }

  byId(id: number): DevUser | undefined {
    return this.list().find((u) => u.id === id)
  }

  list(): DevUser[] {
    return [...this.#users.values()]
  }

  /** The first token with `view` on the demo dataset (shown by the token pages and the CLI). */
  primaryToken(): string | undefined {
    return this.list().find((u) => u.permissions_v2[this.permissionGroup]?.includes('view'))?.token
  }
}

/** The `/user/cache` view of a user (no token). */
export function publicUser(user: DevUser): Omit<DevUser, 'token'> {
  const { token: _token, ...rest } = user
  return rest
}

// ---------------------------------------------------------------------------------------------
// Token extraction

export type TokenSource = 'header' | 'query' | 'cookie'

export interface ExtractedToken {
  /** The effective token (header > query > cookie), if any. */
  token: string | undefined
  source: TokenSource | undefined
  /** The `Authorization` header is present. */
  hasAuthHeader: boolean
  /** The `Authorization` header is present but does not start with `Bearer ` (→ 400). */
  badHeader: boolean
  /** The token from the `middle_auth_token` query parameter (drives the cookie redirect). */
  queryToken: string | undefined
}

export function extractToken(req: IncomingMessage, url: URL): ExtractedToken {
  const header = req.headers.authorization
  const cookieToken = readCookie(req.headers.cookie, TOKEN_NAME)
  const queryToken = url.searchParams.get(TOKEN_NAME) || undefined
  let token: string | undefined
  let source: TokenSource | undefined
  if (cookieToken) [token, source] = [cookieToken, 'cookie']
  if (queryToken) [token, source] = [queryToken, 'query']
  const badHeader = header !== undefined && !header.startsWith('Bearer ')
  if (header !== undefined && !badHeader) {
    // middle_auth: auth_header.split(' ')[1]
    token = header.split(' ')[1] || undefined
    source = token ? 'header' : undefined
  }
  return { token, source, hasAuthHeader: header !== undefined, badHeader, queryToken }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      return decodeURIComponent(value) || undefined
    } catch {
      return value || undefined
    }
  }
  return undefined
}

/** middle_auth's `is_programmatic_access`: an Authorization, X-Requested-With or Origin header. */
export function isProgrammatic(req: IncomingMessage): boolean {
  const h = req.headers
  return Boolean(h.authorization || h['x-requested-with'] || h.origin)
}

// ---------------------------------------------------------------------------------------------
// Requirements and the decorator behaviour

/**
 * - `'public'`: no auth (a valid token still sets `ctx.user`).
 * - `'token'`: `auth_required` — any valid token.
 * - `{ permission, dataset }`: `auth_requires_permission` — the user needs `permission` on the
 *   dataset `dataset(ctx)` returns. `undefined` skips the permission check (e.g. an unknown
 *   datastack, so the handler can answer 404); throwing `HttpError` answers with its reply
 *   (middle_auth sends 400 `Invalid table_id for service` for unknown tables).
 */
export type AuthRequirement =
  | 'public'
  | 'token'
  | { permission: string; dataset: (ctx: RequestContext) => string | undefined }

export function authorizeUrl(globalUrl: string): string {
  return `${globalUrl}/auth/api/v1/authorize`
}

export function tosFormUrl(globalUrl: string, tosId: number): string {
  return `${globalUrl}/auth/api/v1/tos/${tosId}/accept`
}

/**
 * Applies `requirement` to the request. Returns the reply that stops it (400/401/403/302), or
 * `undefined` to continue, with `ctx.user`/`ctx.token` set when a valid token was presented.
 */
export function authenticate(ctx: RequestContext, requirement: AuthRequirement, extracted: ExtractedToken): Reply | undefined {
  const user = ctx.state.tokens.lookup(extracted.token)
  if (user) {
    ctx.user = user
    ctx.token = extracted.token
  }
  if (requirement === 'public') return undefined

  const realm = authorizeUrl(ctx.state.globalUrl)
  if (extracted.badHeader) {
    return text('Invalid Request', 400, HTML_TYPE, {
      'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_request", error_description="Header must begin with 'Bearer'"`,
    })
  }
  const programmatic = isProgrammatic(ctx.req)
  if (programmatic) {
    if (!extracted.token) {
      return text('Unauthorized', 401, HTML_TYPE, { 'WWW-Authenticate': `Bearer realm="${realm}"` })
    }
  } else if (extracted.queryToken) {
    // Browser navigation with ?middle_auth_token=: move the token into a cookie and redirect back.
    const back = new URL(ctx.url)
    back.searchParams.delete(TOKEN_NAME)
    back.searchParams.delete('token')
    return redirect(back.href, 302, {
      'Set-Cookie': `${TOKEN_NAME}=${encodeURIComponent(extracted.queryToken)}; Path=/; HttpOnly; SameSite=Lax`,
    })
  }
  if (!user) {
    if (!programmatic) return redirect(`${realm}?redirect=${encodeURIComponent(ctx.url.href)}`)
    return text('Invalid/Expired Token', 401, HTML_TYPE, {
      'WWW-Authenticate': `Bearer realm="${realm}", error="invalid_token", error_description="Invalid/Expired Token"`,
    })
  }
  if (requirement === 'token') return undefined

  const dataset = requirement.dataset(ctx)
  if (dataset === undefined) return undefined
  if (user.permissions_v2[dataset]?.includes(requirement.permission)) return undefined
  const tos = user.missing_tos.find((t) => t.dataset_name === dataset)
  if (tos) {
    const form = tosFormUrl(ctx.state.globalUrl, tos.tos_id)
    if (!programmatic) return redirect(`${form}?redirect=${encodeURIComponent(ctx.url.href)}`)
    return json(
      {
        error: 'missing_tos',
        message: 'Need to accept Terms of Service to access resource.',
        data: { tos_id: tos.tos_id, tos_name: tos.tos_name, tos_form_url: form },
      },
      403,
    )
  }
  return text(`Missing permission: ${requirement.permission} for dataset ${dataset}`, 403, HTML_TYPE)
}
