/**
 * Code environments (volumes.md §8.4). Each one is logged once as a JSON file beside `provenance`,
 * with the file names and keys of provenance-toolbox so either tool can read the layer:
 *
 * - `GitRepoEnv`: `<repo name>_<HEAD sha>` (plus `_<12 hex of the diff's SHA-256>` when the tree is
 *   dirty), keys `"CodeEnv type"`, `"name"` (remote URL), `"commit hash"`, `"diff"`, `"packages"`,
 *   plus ours: `"dirty"`, `"untracked files"`.
 * - `DockerEnv`: `<image name, / → _>_<image id without :>`, keys `"CodeEnv type": "Docker"`,
 *   `"image name"`, `"tag"`, `"image ID"`, optionally `"packages"` and `"container ID"`.
 * - `NodePackagesEnv` (ours): `<name, / → _>_<version>_<12 hex>`, the project and its lockfile.
 */
import { platform } from '#platform'
import { CirrusError, describeValue } from './errors.js'
import type { PackageList } from './lockfile.js'
import { type CodeEnv, checkEnvFilename } from './process.js'
import { sha256Hex } from './sha256.js'

const str = (value: unknown, field: string, allowEmpty = false): string => {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new CirrusError('INVALID_ARGUMENT', `${field} must be a ${allowEmpty ? '' : 'non-empty '}string (got ${describeValue(value, 80)})`)
  }
  return value
}

function packageList(value: unknown, field: string): PackageList {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')) {
    throw new CirrusError('INVALID_ARGUMENT', `${field} must be a list of [name, version] string pairs (got ${describeValue(value, 80)})`)
  }
  return value.map(([n, v]: [string, string]) => [n, v])
}

/**
 * A remote URL without credentials: `https://user:token@host/x.git` → `https://host/x.git` (all
 * user info is dropped from http(s) URLs, where it can only be a credential); other schemes keep
 * the user name and lose the password (`ssh://git:pw@host/x` → `ssh://git@host/x`); scp-style
 * `git@host:org/x.git` is kept.
 */
export function stripCredentials(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*@)?(.*)$/is.exec(url.trim())
  if (!m) return url.trim()
  const [, scheme, userinfo, rest] = m as unknown as [string, string, string | undefined, string]
  if (!userinfo) return `${scheme}${rest}`
  if (/^(https?|ftps?):\/\/$/i.test(scheme)) return `${scheme}${rest}`
  const user = userinfo.slice(0, -1).split(':')[0]!
  return `${scheme}${user ? `${user}@` : ''}${rest}`
}

/** provenance-toolbox `repo_name_from_url`: the last `/` segment with every `.git` removed (`x.github.io.git` → `xhub.io`). */
export function repoNameFromUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1).replaceAll('.git', '')
}

export interface GitRepoEnvFields {
  /** The remote URL (credentials are stripped). */
  url: string
  /** The HEAD commit (40 hex digits for SHA-1 repositories). */
  commit: string
  /** Staged and unstaged changes to tracked files (`git diff HEAD`). Default `''`. */
  diff?: string
  /** Untracked, not ignored files. Default `[]`. */
  untracked?: readonly string[]
  /** `[name, version]` pairs of the JavaScript environment (the lockfile's packages). Default `[]`. */
  packages?: PackageList
  /** The name used in the file name; default `repoNameFromUrl(url)`, or `repo` without a URL. */
  repoName?: string
}

export interface GitCaptureOptions {
  /** Record the lockfile's packages (the nearest lockfile at or above the directory). Default true. */
  packages?: boolean
}

/** A git working tree: remote, HEAD, and everything that differs from HEAD. */
export class GitRepoEnv implements CodeEnv {
  readonly url: string
  readonly commit: string
  readonly diff: string
  readonly untracked: readonly string[]
  readonly packages: PackageList
  readonly repoName: string

  constructor(fields: GitRepoEnvFields) {
    if (typeof fields !== 'object' || fields === null) throw new CirrusError('INVALID_ARGUMENT', `GitRepoEnv needs { url, commit, … } (got ${describeValue(fields, 80)})`)
    this.url = stripCredentials(str(fields.url, 'GitRepoEnv url', true))
    this.commit = str(fields.commit, 'GitRepoEnv commit')
    if (!/^[0-9a-f]{7,64}$/i.test(this.commit)) throw new CirrusError('INVALID_ARGUMENT', `GitRepoEnv commit must be a hex commit id (got ${describeValue(this.commit, 80)})`)
    this.diff = str(fields.diff ?? '', 'GitRepoEnv diff', true)
    const untracked = fields.untracked ?? []
    if (!Array.isArray(untracked) || !untracked.every((f) => typeof f === 'string')) {
      throw new CirrusError('INVALID_ARGUMENT', `GitRepoEnv untracked must be a list of file names (got ${describeValue(untracked, 80)})`)
    }
    this.untracked = Object.freeze([...untracked].sort())
    this.packages = packageList(fields.packages, 'GitRepoEnv packages')
    this.repoName = fields.repoName ?? (this.url === '' ? 'repo' : repoNameFromUrl(this.url) || 'repo')
    checkEnvFilename(this.filename)
  }

  /**
   * Records the repository containing `dir` (Node only: runs `git`): the `origin` URL (else the
   * first remote's), HEAD, `git diff HEAD` (staged and unstaged), the untracked files and, unless
   * `{ packages: false }`, the packages of the nearest lockfile.
   */
  static async capture(dir = '.', options: GitCaptureOptions = {}): Promise<GitRepoEnv> {
    const g = await platform.captureGit(dir)
    const packages = options.packages === false ? [] : ((await platform.capturePackages(g.root).catch(() => undefined))?.packages ?? [])
    return new GitRepoEnv({ url: g.url, commit: g.commit, diff: g.diff, untracked: g.untracked, packages })
  }

  /** True when anything differs from HEAD (tracked changes or untracked files). */
  get dirty(): boolean {
    return this.diff.length > 0 || this.untracked.length > 0
  }

  /** 12 hex digits of the SHA-256 of the diff and the untracked file list. */
  get diffHash(): string {
    return sha256Hex(`${this.diff}\0${this.untracked.join('\n')}`).slice(0, 12)
  }

  /** `<repo>_<sha>`, or `<repo>_<sha>_<diffHash>` for a dirty tree (a new dirty state gets a new file). */
  get filename(): string {
    return `${this.repoName}_${this.commit}${this.dirty ? `_${this.diffHash}` : ''}`
  }

  contents(): Record<string, unknown> {
    return {
      'CodeEnv type': 'NodeGit',
      name: this.url,
      'commit hash': this.commit,
      diff: this.diff,
      dirty: this.dirty,
      'untracked files': [...this.untracked],
      packages: this.packages.map(([n, v]) => [n, v]),
    }
  }
}

export interface NodePackagesEnvFields {
  /** The project's name (`package.json`). */
  name: string
  /** The project's version. */
  version?: string
  /** `[name, version]` pairs of every resolved package. */
  packages?: PackageList
  /** The project's direct dependencies and their resolved versions. */
  dependencies?: Record<string, string>
  /** Which lockfile the packages came from (`pnpm-lock.yaml`, `package-lock.json`). */
  lockfile?: string
  /** The Node.js version (`process.version`). */
  node?: string
}

/** The running JavaScript project: its name and version and the packages its lockfile resolves. */
export class NodePackagesEnv implements CodeEnv {
  readonly name: string
  readonly version: string
  readonly packages: PackageList
  readonly dependencies: Readonly<Record<string, string>>
  readonly lockfile: string | undefined
  readonly node: string | undefined

  constructor(fields: NodePackagesEnvFields) {
    if (typeof fields !== 'object' || fields === null) throw new CirrusError('INVALID_ARGUMENT', `NodePackagesEnv needs { name, … } (got ${describeValue(fields, 80)})`)
    this.name = str(fields.name, 'NodePackagesEnv name')
    this.version = str(fields.version ?? '', 'NodePackagesEnv version', true)
    this.packages = packageList(fields.packages, 'NodePackagesEnv packages')
    const deps = fields.dependencies ?? {}
    if (typeof deps !== 'object' || deps === null || !Object.values(deps).every((v) => typeof v === 'string')) {
      throw new CirrusError('INVALID_ARGUMENT', `NodePackagesEnv dependencies must map names to versions (got ${describeValue(deps, 80)})`)
    }
    this.dependencies = Object.freeze(Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    this.lockfile = fields.lockfile
    this.node = fields.node
    checkEnvFilename(this.filename)
  }

  /**
   * The project whose `package.json` is nearest at or above `dir` (default: the working directory)
   * and the nearest `pnpm-lock.yaml` / `package-lock.json` / `npm-shrinkwrap.json` at or above it
   * (Node only). In a workspace, `dependencies` are those of this project's importer.
   */
  static async capture(dir?: string): Promise<NodePackagesEnv> {
    const p = await platform.captureProject(dir)
    return new NodePackagesEnv({
      name: p.name,
      version: p.version,
      packages: p.packages,
      dependencies: p.dependencies,
      lockfile: p.kind,
      node: p.node,
    })
  }

  /** 12 hex digits of the SHA-256 of the packages and dependencies. */
  get packagesHash(): string {
    return sha256Hex(JSON.stringify([this.packages, this.dependencies])).slice(0, 12)
  }

  get filename(): string {
    return `${this.name.replaceAll('/', '_')}_${this.version || '0'}_${this.packagesHash}`
  }

  contents(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      'CodeEnv type': 'NodePackages',
      name: this.name,
      version: this.version,
      dependencies: { ...this.dependencies },
      packages: this.packages.map(([n, v]) => [n, v]),
    }
    if (this.lockfile !== undefined) out.lockfile = this.lockfile
    if (this.node !== undefined) out['node version'] = this.node
    return out
  }
}

export interface DockerEnvOptions {
  /** Record these `[name, version]` pairs as `"packages"` (provenance-toolbox `include_packages`). */
  packages?: PackageList
  /** The running container's id, recorded as `"container ID"` (not part of the file name). */
  containerId?: string
}

export interface DockerCaptureOptions extends DockerEnvOptions {
  /** The docker executable. Default `docker`. */
  docker?: string
}

export interface DockerFromEnvironmentOptions {
  /** Variables to read instead of `process.env`. */
  env?: Record<string, string | undefined>
  /** File-system root for `/proc`, `/.dockerenv` (tests). Default `/`. */
  root?: string
  packages?: PackageList
}

/** Splits `registry:5000/org/image:tag` into name and tag (a `:` after the last `/`). */
function splitImage(image: string): [string, string | undefined] {
  const at = image.indexOf('@')
  const base = at >= 0 ? image.slice(0, at) : image
  const colon = base.lastIndexOf(':')
  if (colon > base.lastIndexOf('/')) return [base.slice(0, colon), base.slice(colon + 1)]
  return [base, undefined]
}

/**
 * A Docker image (provenance-toolbox `DockerEnv(imagename, tag, imageID)`). `imageId` is the image
 * content id (`sha256:…`, as `docker image inspect --format {{.Id}}` prints it; a short id works
 * too), not a container id; a container id can be recorded with `{ containerId }`.
 */
export class DockerEnv implements CodeEnv {
  readonly imageName: string
  readonly tag: string
  readonly imageId: string
  readonly containerId: string | undefined
  readonly packages: PackageList | undefined

  constructor(imageName: string, tag: string, imageId: string, options: DockerEnvOptions = {}) {
    this.imageName = str(imageName, 'DockerEnv imageName')
    this.tag = str(tag, 'DockerEnv tag')
    this.imageId = str(imageId, 'DockerEnv imageId')
    this.containerId = options.containerId === undefined ? undefined : str(options.containerId, 'DockerEnv containerId')
    this.packages = options.packages === undefined ? undefined : packageList(options.packages, 'DockerEnv packages')
    checkEnvFilename(this.filename)
  }

  /** Asks the local Docker daemon for the image id of `imageName:tag` (Node only; runs `docker image inspect`). */
  static async capture(imageName: string, tag: string, options: DockerCaptureOptions = {}): Promise<DockerEnv> {
    const id = await platform.dockerImageId(`${imageName}:${tag}`, options.docker)
    return new DockerEnv(imageName, tag, id, options)
  }

  /**
   * The image this process runs in, from the environment: `DAF_DOCKER_IMAGE` (`name` or
   * `name:tag`), `DAF_DOCKER_TAG` (default: the tag in the name, else `latest`) and
   * `DAF_DOCKER_IMAGE_ID` (an image cannot know its own id: pass it at `docker run -e`). The
   * container id is read from `/proc` (or a 12-hex `HOSTNAME`) when running inside a container.
   * `undefined` when the image name or id is not set.
   */
  static async fromEnvironment(options: DockerFromEnvironmentOptions = {}): Promise<DockerEnv | undefined> {
    const env = options.env ?? platform.env()
    const image = env.DAF_DOCKER_IMAGE?.trim()
    const id = env.DAF_DOCKER_IMAGE_ID?.trim()
    if (!image || !id) return undefined
    const [name, tagInName] = splitImage(image)
    const container = await platform.captureContainer(options.root)
    return new DockerEnv(name, env.DAF_DOCKER_TAG?.trim() || tagInName || 'latest', id, {
      ...(container.containerId !== undefined && { containerId: container.containerId }),
      ...(options.packages !== undefined && { packages: options.packages }),
    })
  }

  /** Python's file name: the image name with `/` → `_`, then `_`, then the image id without `:`. */
  get filename(): string {
    return `${this.imageName.replaceAll('/', '_')}_${this.imageId.replaceAll(':', '')}`
  }

  contents(): Record<string, unknown> {
    const out: Record<string, unknown> = { 'CodeEnv type': 'Docker', 'image name': this.imageName, tag: this.tag, 'image ID': this.imageId }
    if (this.packages !== undefined) out.packages = this.packages.map(([n, v]) => [n, v])
    if (this.containerId !== undefined) out['container ID'] = this.containerId
    return out
  }
}
