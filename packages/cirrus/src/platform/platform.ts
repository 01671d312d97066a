/**
 * What the code environments need from the runtime. Node (`./node.ts`: `git` and `docker` via
 * `child_process`, lockfiles and `/proc` via `fs`) and browsers (`./browser.ts`: nothing can be
 * captured) implement it; the package's `imports` map (`#platform`, `node`/`browser` conditions)
 * picks one, so browser bundles never load `node:` modules.
 */
import type { LockfilePackages } from '../lockfile.js'

export interface GitCapture {
  /** The repository's top-level directory. */
  root: string
  /** The `origin` remote's URL as configured (the first remote's without an `origin`; `''` without remotes). */
  url: string
  commit: string
  /** `git diff HEAD --binary`: staged and unstaged changes of tracked files. */
  diff: string
  /** Untracked, not ignored files, relative to the top level, sorted. */
  untracked: string[]
}

export interface ProjectCapture extends LockfilePackages {
  name: string
  version: string
  /** The lockfile's path. */
  lockfile: string
  /** `process.version`. */
  node: string
}

export interface ContainerCapture {
  /** Whether this process runs inside a (Docker/OCI) container. */
  inside: boolean
  /** The container id, when it can be read from `/proc` (or `HOSTNAME`). */
  containerId: string | undefined
}

export interface CapturePlatform {
  readonly name: 'node' | 'browser'
  captureGit(dir: string): Promise<GitCapture>
  /** The nearest `package.json` at or above `dir` and the nearest lockfile at or above it. */
  captureProject(dir: string | undefined): Promise<ProjectCapture>
  /** The resolved packages of the lockfile at or above `dir` (`undefined` when there is none). */
  capturePackages(dir: string): Promise<LockfilePackages | undefined>
  captureContainer(root: string | undefined): Promise<ContainerCapture>
  /** `docker image inspect --format {{.Id}} name:tag` on the local daemon. */
  dockerImageId(image: string, docker: string | undefined): Promise<string>
  /** The process environment (`{}` in browsers). */
  env(): Record<string, string | undefined>
}
