/**
 * Node captures: `git` and `docker` through `child_process.execFile` (no shell), `package.json`,
 * lockfiles and `/proc` through `fs`.
 */
import { execFile } from 'node:child_process'
import { access, readFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { CirrusError } from '../errors.js'
import { type LockfilePackages, parsePackageLock, parsePnpmLock } from '../lockfile.js'
import type { CapturePlatform, ContainerCapture, GitCapture, ProjectCapture } from './platform.js'

interface RunResult {
  code: number
  stdout: string
  stderr: string
}

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        windowsHide: true,
        // No prompts, no optional index locks (other tools may be using the same checkout), stable output.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          reject(new CirrusError('CODE_ENV', `cannot run ${command}: ${(error as NodeJS.ErrnoException).code} (${error.message})`, { cause: error }))
          return
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolvePromise({ code, stdout, stderr })
      },
    )
  })
}

async function git(args: string[], cwd: string, what: string): Promise<string> {
  const r = await run('git', args, cwd)
  if (r.code !== 0) throw new CirrusError('CODE_ENV', `git ${what} failed in ${cwd}: ${r.stderr.trim() || `exit code ${r.code}`}`)
  return r.stdout
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

async function findUp(start: string, names: readonly string[]): Promise<string | undefined> {
  let dir = resolve(start)
  for (;;) {
    for (const name of names) {
      const candidate = join(dir, name)
      if (await exists(candidate)) return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

const LOCKFILES = ['pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json'] as const

async function readLockfile(path: string, projectDir: string, direct: readonly string[]): Promise<LockfilePackages> {
  const text = await readFile(path, 'utf8')
  const importer = relative(dirname(path), projectDir).split(sep).join('/') || '.'
  const kind = basename(path)
  return kind === 'pnpm-lock.yaml' ? parsePnpmLock(text, importer) : parsePackageLock(text, importer, kind, direct)
}

export const platform: CapturePlatform = {
  name: 'node',

  async captureGit(dir: string): Promise<GitCapture> {
    const start = resolve(dir)
    const top = await run('git', ['rev-parse', '--show-toplevel'], start).catch((error: unknown) => {
      throw new CirrusError('CODE_ENV', `GitRepoEnv.capture(${dir}): ${(error as Error).message}`, { cause: error })
    })
    if (top.code !== 0) throw new CirrusError('CODE_ENV', `GitRepoEnv.capture(${dir}): not inside a git repository (${top.stderr.trim()})`)
    const root = top.stdout.trim()
    const head = await run('git', ['rev-parse', '--verify', 'HEAD'], root)
    if (head.code !== 0) throw new CirrusError('CODE_ENV', `GitRepoEnv.capture(${dir}): the repository at ${root} has no commit yet`)
    let url = ''
    const origin = await run('git', ['config', '--get', 'remote.origin.url'], root)
    if (origin.code === 0) url = origin.stdout.trim()
    else {
      const first = (await git(['remote'], root, 'remote')).split('\n')[0]?.trim()
      if (first) url = (await run('git', ['config', '--get', `remote.${first}.url`], root)).stdout.trim()
    }
    const diff = await git(
      ['-c', 'core.quotepath=off', 'diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/'],
      root,
      'diff HEAD',
    )
    const untracked = (await git(['ls-files', '--others', '--exclude-standard', '-z'], root, 'ls-files'))
      .split('\0')
      .filter((f) => f.length > 0)
      .sort()
    return { root, url, commit: head.stdout.trim(), diff, untracked }
  },

  async captureProject(dir: string | undefined): Promise<ProjectCapture> {
    const start = resolve(dir ?? process.cwd())
    const manifest = await findUp(start, ['package.json'])
    if (!manifest) throw new CirrusError('CODE_ENV', `NodePackagesEnv.capture: no package.json at or above ${start}`)
    let pkg: { name?: unknown; version?: unknown; dependencies?: object; devDependencies?: object; optionalDependencies?: object }
    try {
      pkg = JSON.parse(await readFile(manifest, 'utf8')) as typeof pkg
    } catch (error) {
      throw new CirrusError('CODE_ENV', `NodePackagesEnv.capture: ${manifest} is not JSON`, { cause: error })
    }
    const projectDir = dirname(manifest)
    const lockfile = await findUp(projectDir, LOCKFILES)
    if (!lockfile) throw new CirrusError('CODE_ENV', `NodePackagesEnv.capture: no ${LOCKFILES.join(', ')} at or above ${projectDir}`)
    const direct = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
    const lock = await readLockfile(lockfile, projectDir, direct)
    return {
      ...lock,
      name: typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : basename(projectDir),
      version: typeof pkg.version === 'string' ? pkg.version : '',
      lockfile,
      node: process.version,
    }
  },

  async capturePackages(dir: string): Promise<LockfilePackages | undefined> {
    const lockfile = await findUp(dir, LOCKFILES)
    return lockfile ? readLockfile(lockfile, dirname(lockfile), []) : undefined
  },

  async captureContainer(root = '/'): Promise<ContainerCapture> {
    const read = (p: string): Promise<string> => readFile(join(root, p), 'utf8').catch(() => '')
    const [mountinfo, cgroup] = await Promise.all([read('proc/self/mountinfo'), read('proc/self/cgroup')])
    const id =
      /\/(?:docker|containers)\/containers\/([0-9a-f]{64})\//.exec(mountinfo)?.[1] ??
      /(?:docker|libpod|crio|containerd)[-/:]([0-9a-f]{64})/.exec(cgroup)?.[1]
    const inside = id !== undefined || (await exists(join(root, '.dockerenv'))) || (await exists(join(root, 'run/.containerenv')))
    const hostname = process.env.HOSTNAME
    return { inside, containerId: id ?? (inside && hostname && /^[0-9a-f]{12}$/.test(hostname) ? hostname : undefined) }
  },

  async dockerImageId(image: string, docker = 'docker'): Promise<string> {
    const r = await run(docker, ['image', 'inspect', '--format', '{{.Id}}', image], process.cwd())
    const id = r.stdout.trim()
    if (r.code !== 0 || id === '') throw new CirrusError('CODE_ENV', `docker image inspect ${image} failed: ${r.stderr.trim() || `exit code ${r.code}`}`)
    return id
  },

  env: () => process.env,
}
