/**
 * A small route table. Each emulated service contributes a `DevService` (a name and its routes);
 * the server matches the request path against them in order. Patterns are literal segments,
 * `:name` (one segment, URL-decoded) and a final `*name` (the rest of the path, possibly empty).
 */
import type { AuthRequirement } from './auth.js'
import type { Reply } from './http.js'
import type { RequestContext } from './context.js'

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>

export interface Route {
  method: Method
  /** e.g. `/info/api/v2/datastack/full/:datastack` or `/volumes/*path`. */
  path: string
  /**
   * What middle_auth would demand (default `'token'`): `'public'`, `'token'` (any valid user), or
   * a permission on a dataset resolved from the request (see `AuthRequirement`).
   */
  auth?: AuthRequirement
  handler: Handler
}

export interface DevService {
  /** For logs and docs, e.g. `info`. */
  name: string
  routes: Route[]
}

export type RouteMatch =
  | { kind: 'found'; route: Route; service: DevService; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: Method[] }
  | { kind: 'not-found' }

interface Compiled {
  route: Route
  service: DevService
  segments: string[]
  rest: string | undefined
}

export class Router {
  readonly #compiled: Compiled[] = []

  constructor(services: readonly DevService[] = []) {
    for (const service of services) this.add(service)
  }

  /** Appends a service's routes (earlier routes win on overlap). */
  add(service: DevService): this {
    for (const route of service.routes) {
      const segments = split(route.path)
      const last = segments[segments.length - 1]
      const rest = last?.startsWith('*') ? last.slice(1) : undefined
      if (rest !== undefined) segments.pop()
      this.#compiled.push({ route, service, segments, rest })
    }
    return this
  }

  /** Every route, for documentation and tests. */
  routes(): Array<{ service: string; method: Method; path: string }> {
    return this.#compiled.map((c) => ({ service: c.service.name, method: c.route.method, path: c.route.path }))
  }

  /** Matches `method pathname`; HEAD falls back to GET routes. */
  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname)
    const allow = new Set<Method>()
    let found: Extract<RouteMatch, { kind: 'found' }> | undefined
    for (const c of this.#compiled) {
      const params = matchSegments(c, parts)
      if (!params) continue
      const m = c.route.method
      if (m === method || (method === 'HEAD' && m === 'GET')) {
        // An exact HEAD route beats GET's fallback; otherwise the first match wins.
        if (!found || (method === 'HEAD' && m === 'HEAD' && found.route.method !== 'HEAD')) {
          found = { kind: 'found', route: c.route, service: c.service, params }
        }
      }
      allow.add(m)
      if (m === 'GET') allow.add('HEAD')
    }
    if (found) return found
    if (allow.size > 0) return { kind: 'method-not-allowed', allow: [...allow] }
    return { kind: 'not-found' }
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function matchSegments(c: Compiled, parts: string[]): Record<string, string> | undefined {
  if (c.rest === undefined ? parts.length !== c.segments.length : parts.length < c.segments.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i] as string
    const part = parts[i] as string
    if (seg.startsWith(':')) {
      let decoded: string
      try {
        decoded = decodeURIComponent(part)
      } catch {
        return undefined
      }
      params[seg.slice(1)] = decoded
    } else if (seg !== part) {
      return undefined
    }
  }
  if (c.rest !== undefined) params[c.rest] = parts.slice(c.segments.length).join('/')
  return params
}
