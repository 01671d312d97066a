/**
 * Route templates such as `GET /info/api/v2/datastack/full/{datastack}`: one string says the verb
 * and the path, and its `{placeholders}` type the `params` a caller must pass.
 */
import { InvalidParameterError } from './errors.js'

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'
export type PathParamValue = string | number | bigint

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never

/** The placeholder names of a route template, as a union (never when there are none). */
export type RouteParamNames<R extends string> = ParamNames<R>
/** `{ datastack: … }` for `GET /info/api/v2/datastack/full/{datastack}`. */
export type RouteParams<R extends string> = { readonly [K in ParamNames<R>]: PathParamValue }

export interface ParsedRoute {
  method: HttpMethod
  /** The path template, placeholders unfilled. */
  path: string
  params: string[]
}

const ROUTE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/\S*)$/
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g

export function parseRoute(route: string): ParsedRoute {
  const m = ROUTE.exec(route)
  if (!m) {
    throw new InvalidParameterError('route', `route must look like "GET /path/{param}", got "${route}"`)
  }
  const path = m[2] as string
  const params = [...path.matchAll(PLACEHOLDER)].map((p) => p[1] as string)
  return { method: m[1] as HttpMethod, path, params }
}

/**
 * The path with each `{name}` replaced by its URL-encoded value. Missing, empty, `.`/`..` and
 * unknown parameters are errors, so a typo never produces a different URL silently.
 */
export function fillPath(
  route: ParsedRoute,
  params: Readonly<Record<string, PathParamValue | null | undefined>> = {},
): string {
  for (const name of Object.keys(params)) {
    if (!route.params.includes(name)) {
      throw new InvalidParameterError(name, `${route.method} ${route.path} has no parameter "${name}"`)
    }
  }
  return route.path.replace(PLACEHOLDER, (_, name: string) => {
    return encodeURIComponent(pathValue(route, name, params[name]))
  })
}

function pathValue(route: ParsedRoute, name: string, value: unknown): string {
  const where = `${route.method} ${route.path}`
  if (value === undefined || value === null) {
    throw new InvalidParameterError(name, `${where} needs parameter "${name}"`)
  }
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'bigint') text = value.toString()
  else if (typeof value === 'number' && Number.isFinite(value)) {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new InvalidParameterError(name, `parameter "${name}" of ${where} is an integer above 2^53 (precision lost); pass a bigint`)
    }
    text = String(value)
  } else {
    throw new InvalidParameterError(name, `parameter "${name}" of ${where} must be a string, finite number or bigint`)
  }
  if (text === '' || text === '.' || text === '..') {
    throw new InvalidParameterError(name, `parameter "${name}" of ${where} must not be "${text}"`)
  }
  return text
}
