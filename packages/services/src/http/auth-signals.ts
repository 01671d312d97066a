/**
 * Recognising middle_auth's answers (spec §2.2): the `WWW-Authenticate` realm (where to log in), the
 * `missing_tos` JSON body, and redirects to the authorize or Terms-of-Service pages.
 */
import { scrubUrl } from './redact.js'

/** The `realm` of a `WWW-Authenticate: Bearer realm="…"` header. */
export function realmOf(wwwAuthenticate: string | null | undefined): string | undefined {
  if (!wwwAuthenticate) return undefined
  const m = /realm\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(wwwAuthenticate)
  const realm = m?.[1] ?? m?.[2]
  return realm ? scrubUrl(realm) : undefined
}

export interface MissingTos {
  tosFormUrl?: string
  tosName?: string
  tosId?: number
  message?: string
}

/** The fields of a `{"error":"missing_tos", "data": {tos_form_url, …}}` body, if that is what `body` is. */
export function missingTos(body: string): MissingTos | undefined {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const o = value as { error?: unknown; message?: unknown; data?: Record<string, unknown> }
  if (o.error !== 'missing_tos') return undefined
  const data = typeof o.data === 'object' && o.data !== null ? o.data : {}
  const out: MissingTos = {}
  if (typeof data.tos_form_url === 'string') out.tosFormUrl = scrubUrl(data.tos_form_url)
  if (typeof data.tos_name === 'string') out.tosName = data.tos_name
  if (typeof data.tos_id === 'number') out.tosId = data.tos_id
  if (typeof o.message === 'string') out.message = o.message
  return out
}

const TOS_PATH = /\/tos\/[^/]+\/accept\/?$/
const LOGIN_PATH = /\/(authorize|login)\/?$/

export interface AuthRedirect {
  loginUrl?: string
  tosFormUrl?: string
}

/**
 * Whether a redirect target is middle_auth's login or ToS page. Those always carry
 * `?redirect=<original url>`; the returned URLs drop that query.
 */
export function authRedirect(target: URL): AuthRedirect | undefined {
  const page = `${target.origin}${target.pathname}`
  if (TOS_PATH.test(target.pathname)) return { tosFormUrl: page }
  if (LOGIN_PATH.test(target.pathname) || target.searchParams.has('redirect')) return { loginUrl: page }
  return undefined
}
