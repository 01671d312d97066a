/**
 * Resolved packages from a lockfile, for `NodePackagesEnv` and `GitRepoEnv` (pure functions: the
 * file is read by the Node platform code). Supports `pnpm-lock.yaml` (lockfile versions 5, 6 and
 * 9) and `package-lock.json` / `npm-shrinkwrap.json` (versions 1, 2 and 3).
 *
 * pnpm lockfiles are read with a small reader for the YAML subset pnpm writes (block mappings,
 * quoted or plain keys, scalar values; flow values and sequences are kept as text), not a general
 * YAML parser.
 */
import { CirrusError } from './errors.js'

export type PackageList = Array<[name: string, version: string]>

export interface LockfilePackages {
  /** `pnpm-lock.yaml`, `package-lock.json` or `npm-shrinkwrap.json`. */
  kind: string
  /** Every resolved package, `[name, version]`, unique, sorted by name then version. */
  packages: PackageList
  /** The project's direct dependencies with their resolved versions (`link:…` for workspace links). */
  dependencies: Record<string, string>
}

interface YamlNode {
  value: string | undefined
  children: Map<string, YamlNode>
}

function unquote(text: string): string {
  const t = text.trim()
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'")
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string
    } catch {
      return t.slice(1, -1)
    }
  }
  return t
}

/** Splits `key: value` at the first `:` outside quotes that ends the key. */
function splitKey(line: string): [string, string] | undefined {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote) {
      if (c === quote) quote = undefined
      continue
    }
    if ((c === "'" || c === '"') && i === 0) {
      quote = c
      continue
    }
    if (c === ':' && (i + 1 === line.length || line[i + 1] === ' ')) return [unquote(line.slice(0, i)), line.slice(i + 1).trim()]
  }
  return undefined
}

/** Parses the block-mapping structure of a pnpm lockfile into a tree of keys. */
export function parseYamlMappings(text: string): YamlNode {
  const root: YamlNode = { value: undefined, children: new Map() }
  const stack: Array<{ indent: number; node: YamlNode }> = [{ indent: -1, node: root }]
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const indent = raw.length - raw.trimStart().length
    const line = raw.trim()
    if (line.startsWith('- ') || line === '-') continue // block sequences: not needed
    const kv = splitKey(line)
    if (!kv) continue
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop()
    const parent = stack[stack.length - 1]!.node
    const [key, rawValue] = kv
    const value = rawValue === '' ? undefined : rawValue.startsWith('{') || rawValue.startsWith('[') ? rawValue : unquote(rawValue.replace(/\s+#.*$/, ''))
    const node: YamlNode = { value, children: new Map() }
    parent.children.set(key, node)
    stack.push({ indent, node })
  }
  return root
}

/** Drops pnpm's peer-dependency suffixes: `1.2.3(react@18.2.0)` → `1.2.3`; v5 `1.2.3_react@18.2.0` → `1.2.3`. */
function stripPeers(version: string, v5: boolean): string {
  let v = version
  const paren = v.indexOf('(')
  if (paren > 0) v = v.slice(0, paren)
  if (v5 && /^\d+\.\d+\.\d+[^_]*_/.test(v)) v = v.slice(0, v.indexOf('_'))
  return v
}

/** `@scope/name@1.2.3`, `/name@1.2.3(peer)` (v6), `/@scope/name/1.2.3_peer` (v5) → `[name, version]`. */
function parsePnpmKey(key: string, v5: boolean): [string, string] | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key
  const paren = k.indexOf('(')
  if (paren > 0) k = k.slice(0, paren)
  if (v5 && key.startsWith('/')) {
    const slash = k.lastIndexOf('/')
    if (slash <= 0) return undefined
    return [k.slice(0, slash), stripPeers(k.slice(slash + 1), true)]
  }
  const at = k.indexOf('@', 1)
  if (at <= 0) return undefined
  return [k.slice(0, at), k.slice(at + 1)]
}

export function parsePnpmLock(text: string, importer = '.'): LockfilePackages {
  const root = parseYamlMappings(text)
  const version = root.children.get('lockfileVersion')?.value
  if (version === undefined) throw new CirrusError('CODE_ENV', 'pnpm-lock.yaml has no lockfileVersion')
  const v5 = version.startsWith('5')
  const seen = new Set<string>()
  const packages: PackageList = []
  for (const key of root.children.get('packages')?.children.keys() ?? []) {
    const nv = parsePnpmKey(key, v5)
    if (!nv || seen.has(`${nv[0]}@${nv[1]}`)) continue
    seen.add(`${nv[0]}@${nv[1]}`)
    packages.push(nv)
  }
  // Workspaces list importers; single-project lockfiles keep the sections at the top level.
  const project = root.children.get('importers')?.children.get(importer) ?? (importer === '.' ? root : undefined)
  const dependencies: Record<string, string> = {}
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const [name, node] of project?.children.get(section)?.children ?? []) {
      const resolved = node.children.get('version')?.value ?? node.value
      if (resolved !== undefined && !resolved.startsWith('{')) dependencies[name] = stripPeers(resolved, v5)
    }
  }
  return { kind: 'pnpm-lock.yaml', packages: sortPackages(packages), dependencies }
}

interface NpmEntry {
  name?: string
  version?: string
  link?: boolean
  resolved?: string
  dependencies?: Record<string, unknown>
  devDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

export function parsePackageLock(text: string, importer = '.', kind = 'package-lock.json', direct: readonly string[] = []): LockfilePackages {
  let lock: { lockfileVersion?: number; packages?: Record<string, NpmEntry>; dependencies?: Record<string, NpmEntry> }
  try {
    lock = JSON.parse(text) as typeof lock
  } catch (error) {
    throw new CirrusError('CODE_ENV', `${kind} is not JSON: ${(error as Error).message}`, { cause: error })
  }
  const seen = new Set<string>()
  const packages: PackageList = []
  const add = (name: string, version: string | undefined): void => {
    if (!version || seen.has(`${name}@${version}`)) return
    seen.add(`${name}@${version}`)
    packages.push([name, version])
  }
  const dependencies: Record<string, string> = {}
  if (lock.packages) {
    // v2/v3: keys are install paths: "", "node_modules/a", "node_modules/a/node_modules/b", "packages/x".
    const all = lock.packages
    for (const [path, entry] of Object.entries(all)) {
      const at = path.lastIndexOf('node_modules/')
      if (at < 0 || entry.link) continue
      add(entry.name ?? path.slice(at + 'node_modules/'.length), entry.version)
    }
    const base = importer === '.' ? '' : importer
    const project = all[base]
    const names = new Set([
      ...Object.keys(project?.dependencies ?? {}),
      ...Object.keys(project?.devDependencies ?? {}),
      ...Object.keys(project?.optionalDependencies ?? {}),
      ...direct,
    ])
    for (const name of names) {
      const entry = all[`${base ? `${base}/` : ''}node_modules/${name}`] ?? all[`node_modules/${name}`]
      if (!entry) continue
      if (entry.link) dependencies[name] = all[entry.resolved ?? '']?.version ?? `link:${entry.resolved ?? ''}`
      else if (entry.version) dependencies[name] = entry.version
    }
  } else if (lock.dependencies) {
    // v1: nested `dependencies` trees.
    const walk = (deps: Record<string, NpmEntry>): void => {
      for (const [name, entry] of Object.entries(deps)) {
        add(name, entry.version)
        if (entry.dependencies) walk(entry.dependencies as Record<string, NpmEntry>)
      }
    }
    walk(lock.dependencies)
    for (const name of direct) {
      const v = lock.dependencies[name]?.version
      if (v) dependencies[name] = v
    }
  } else {
    throw new CirrusError('CODE_ENV', `${kind} has neither "packages" nor "dependencies"`)
  }
  return { kind, packages: sortPackages(packages), dependencies }
}

function sortPackages(list: PackageList): PackageList {
  return list.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
}
