/**
 * A small PEP 440 / semver comparator for server versions (`"4.3.1"`, `"2.18.0rc1"`, `"v0.9.0"`,
 * `"1.0.0-beta.2"`) and specifiers like `>=2.18.0,<3` (comma = and; an array = or), as used by the
 * Python client's gates (spec §3.3). Not full PEP 440: pre-releases are ordered but not excluded.
 */
import { InvalidParameterError } from '../http/errors.js'

export interface ParsedVersion {
  release: number[]
  /** dev-only releases sort before alphas; finals after every pre-release. */
  pre: [number, number]
  post: number
  dev: number
}

const VERSION =
  /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$/i

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 }

/** The parsed version, or undefined when `text` is not a version. */
export function parseVersion(text: string): ParsedVersion | undefined {
  const m = VERSION.exec(text.trim())
  if (!m) return undefined
  const [, release, preTag, preNum, postImplicit, postTag, postNum, devNum] = m
  const hasDev = m[0].toLowerCase().includes('dev')
  const hasPost = postImplicit !== undefined || postTag !== undefined
  let pre: [number, number]
  if (preTag) pre = [PRE_RANK[preTag.toLowerCase()] as number, Number(preNum || 0)]
  else if (hasDev && !hasPost) pre = [-1, 0]
  else pre = [Infinity, 0]
  return {
    release: (release as string).split('.').map(Number),
    pre,
    post: hasPost ? Number(postImplicit ?? (postNum || 0)) : -1,
    dev: hasDev ? Number(devNum || 0) : Infinity,
  }
}

function mustParse(v: string | ParsedVersion, what: string): ParsedVersion {
  if (typeof v !== 'string') return v
  const p = parseVersion(v)
  if (!p) throw new InvalidParameterError(what, `"${v}" is not a version`)
  return p
}

/** -1, 0 or 1; `1.0` equals `1.0.0`. */
export function compareVersions(a: string | ParsedVersion, b: string | ParsedVersion): -1 | 0 | 1 {
  const x = mustParse(a, 'a')
  const y = mustParse(b, 'b')
  const n = Math.max(x.release.length, y.release.length)
  for (let i = 0; i < n; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0)
    if (d) return Math.sign(d) as -1 | 1
  }
  const pairs: [number, number][] = [
    [x.pre[0], y.pre[0]],
    [x.pre[1], y.pre[1]],
    [x.post, y.post],
    [x.dev, y.dev],
  ]
  for (const [p, q] of pairs) {
    if (p !== q) return p < q ? -1 : 1
  }
  return 0
}

const SPEC = /^(~=|===|==|!=|<=|>=|<|>)?\s*(.+)$/

/** Whether `version` meets one specifier such as `>=2.18.0`, `==3.*`, `~=4.3`. */
function meets(version: ParsedVersion, spec: string): boolean {
  const m = SPEC.exec(spec.trim())
  if (!m) throw new InvalidParameterError('constraint', `"${spec}" is not a version specifier`)
  const op = m[1] ?? '=='
  const target = (m[2] as string).trim()
  if ((op === '==' || op === '!=') && target.endsWith('.*')) {
    const prefix = mustParse(target.slice(0, -2), 'constraint').release
    const same = prefix.every((n, i) => (version.release[i] ?? 0) === n)
    return op === '==' ? same : !same
  }
  const c = compareVersions(version, mustParse(target, 'constraint'))
  switch (op) {
    case '>=':
      return c >= 0
    case '<=':
      return c <= 0
    case '>':
      return c > 0
    case '<':
      return c < 0
    case '!=':
      return c !== 0
    case '~=': {
      // ~=4.3.1 means >=4.3.1, ==4.3.*
      const rel = mustParse(target, 'constraint').release
      if (rel.length < 2) throw new InvalidParameterError('constraint', `"${spec}": ~= needs at least two release numbers`)
      return c >= 0 && rel.slice(0, -1).every((n, i) => (version.release[i] ?? 0) === n)
    }
    default:
      return c === 0
  }
}

export type VersionConstraint = string | readonly string[]

/** `>=1.25.0,<2` is an AND of its comma-separated parts; an array is an OR of its entries. */
export function satisfies(version: string | ParsedVersion, constraint: VersionConstraint): boolean {
  const v = mustParse(version, 'version')
  const alternatives = typeof constraint === 'string' ? [constraint] : constraint
  if (alternatives.length === 0) throw new InvalidParameterError('constraint', 'empty version constraint')
  return alternatives.some((alt) =>
    alt
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .every((spec) => meets(v, spec)),
  )
}

export function constraintText(constraint: VersionConstraint): string {
  return typeof constraint === 'string' ? constraint : constraint.join(' or ')
}
