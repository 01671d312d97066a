import { execFileSync } from 'node:child_process'
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DockerEnv, GitRepoEnv, NodePackagesEnv, repoNameFromUrl, stripCredentials } from './envs.js'
import { isCirrusError } from './errors.js'
import { sha256Hex } from './sha256.js'
import { createHash } from 'node:crypto'

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cirrus-envs-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

const gitIn = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.org', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
  })

async function repo(name: string, remote?: string): Promise<string> {
  const dir = join(tmp, name)
  await mkdir(dir, { recursive: true })
  gitIn(dir, 'init', '-q')
  if (remote) gitIn(dir, 'remote', 'add', 'origin', remote)
  await writeFile(join(dir, 'a.txt'), 'one\n')
  await writeFile(join(dir, 'b.txt'), 'two\n')
  await writeFile(join(dir, '.gitignore'), 'ignored.txt\n')
  gitIn(dir, 'add', '.')
  gitIn(dir, 'commit', '-q', '-m', 'first')
  return dir
}

describe('remote URLs', () => {
  it('strips credentials and derives the repo name the Python way', () => {
    expect(stripCredentials('https://user:ghp_secret@github.com/org/repo.git')).toBe('https://github.com/org/repo.git')
    expect(stripCredentials('https://x-access-token@github.com/org/repo.git')).toBe('https://github.com/org/repo.git')
    expect(stripCredentials('ssh://git:pw@host:22/org/repo.git')).toBe('ssh://git@host:22/org/repo.git')
    expect(stripCredentials('ssh://git@host/org/repo.git')).toBe('ssh://git@host/org/repo.git')
    expect(stripCredentials('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git')
    expect(stripCredentials('https://github.com/org/repo')).toBe('https://github.com/org/repo')
    expect(repoNameFromUrl('https://github.com/ZettaAI/cirrus-volume.git')).toBe('cirrus-volume')
    expect(repoNameFromUrl('git@github.com:org/x.github.io.git')).toBe('xhub.io') // replicated quirk
  })
})

describe('GitRepoEnv', () => {
  it('a clean tree: <repo>_<sha>, the URL without credentials, empty diff', async () => {
    const dir = await repo('clean', 'https://someone:token123@example.org/org/clean-repo.git')
    await mkdir(join(dir, 'sub'))
    const env = await GitRepoEnv.capture(join(dir, 'sub'), { packages: false })
    const head = gitIn(dir, 'rev-parse', 'HEAD').trim()
    expect(env.commit).toBe(head)
    expect(env.url).toBe('https://example.org/org/clean-repo.git')
    expect(env.repoName).toBe('clean-repo')
    expect(env.dirty).toBe(false)
    expect(env.filename).toBe(`clean-repo_${head}`)
    expect(env.contents()).toEqual({
      'CodeEnv type': 'NodeGit',
      name: 'https://example.org/org/clean-repo.git',
      'commit hash': head,
      diff: '',
      dirty: false,
      'untracked files': [],
      packages: [],
    })
    expect(JSON.stringify(env.contents())).not.toContain('token123')
  })

  it('a dirty tree: staged AND unstaged changes in the diff, untracked files listed, a diff hash in the file name', async () => {
    const dir = await repo('dirty', 'git@github.com:org/dirty.git')
    await writeFile(join(dir, 'a.txt'), 'one\nstaged line\n')
    gitIn(dir, 'add', 'a.txt')
    await writeFile(join(dir, 'b.txt'), 'two\nunstaged line\n')
    await writeFile(join(dir, 'new file.txt'), 'new\n')
    await writeFile(join(dir, 'ignored.txt'), 'ignored\n')
    const env = await GitRepoEnv.capture(dir, { packages: false })
    expect(env.diff).toContain('+staged line')
    expect(env.diff).toContain('+unstaged line')
    expect(env.diff).toContain('diff --git a/a.txt b/a.txt')
    expect(env.untracked).toEqual(['new file.txt'])
    expect(env.dirty).toBe(true)
    expect(env.diffHash).toMatch(/^[0-9a-f]{12}$/)
    expect(env.filename).toBe(`dirty_${env.commit}_${env.diffHash}`)
    // Another dirty state at the same commit is another file.
    await writeFile(join(dir, 'b.txt'), 'two\nchanged again\n')
    const later = await GitRepoEnv.capture(dir, { packages: false })
    expect(later.commit).toBe(env.commit)
    expect(later.filename).not.toBe(env.filename)
  })

  it('without origin uses the first remote; without remotes the name is "repo"; packages come from the lockfile', async () => {
    const dir = await repo('remotes')
    await writeFile(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n\npackages:\n\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-x}\n")
    gitIn(dir, 'add', '.')
    gitIn(dir, 'commit', '-q', '-m', 'lock')
    const bare = await GitRepoEnv.capture(dir)
    expect(bare.url).toBe('')
    expect(bare.filename).toBe(`repo_${bare.commit}`)
    expect(bare.packages).toEqual([['left-pad', '1.3.0']])
    gitIn(dir, 'remote', 'add', 'upstream', 'https://example.org/up/stream.git')
    expect((await GitRepoEnv.capture(dir)).url).toBe('https://example.org/up/stream.git')
  })

  it('fails clearly outside a repository and before the first commit', async () => {
    const outside = join(tmp, 'not-a-repo')
    await mkdir(outside)
    const e1 = await rejection(GitRepoEnv.capture(outside))
    expect(isCirrusError(e1, 'CODE_ENV')).toBe(true)
    expect(e1.message).toMatch(/not inside a git repository/)
    const empty = join(tmp, 'empty-repo')
    await mkdir(empty)
    gitIn(empty, 'init', '-q')
    expect((await rejection(GitRepoEnv.capture(empty))).message).toMatch(/no commit yet/)
  })

  it('can be built from captured values (e.g. in a browser); validates them', () => {
    const env = new GitRepoEnv({ url: 'https://u:p@h/o/r.git', commit: 'abcdef1', diff: 'x', untracked: ['z', 'a'] })
    expect(env.url).toBe('https://h/o/r.git')
    expect(env.untracked).toEqual(['a', 'z'])
    expect(env.filename).toMatch(/^r_abcdef1_[0-9a-f]{12}$/)
    expect(() => new GitRepoEnv({ url: '', commit: 'not hex' })).toThrow(/hex commit id/)
    expect(() => new GitRepoEnv({ url: '', commit: 'abcdef1', untracked: 'a' as never })).toThrow(/list of file names/)
    expect(() => new GitRepoEnv({ url: '', commit: 'abcdef1', packages: [['a']] as never })).toThrow(/\[name, version\]/)
  })
})

describe('DockerEnv', () => {
  it('file name and contents as provenance-toolbox (with and without packages)', () => {
    const env = new DockerEnv('zettaai/synaptor', 'v1', 'sha256:0123abcd')
    expect(env.filename).toBe('zettaai_synaptor_sha2560123abcd')
    expect(env.contents()).toEqual({ 'CodeEnv type': 'Docker', 'image name': 'zettaai/synaptor', tag: 'v1', 'image ID': 'sha256:0123abcd' })
    const withPackages = new DockerEnv('img', 'latest', 'abc123def456', { packages: [['a', '1']], containerId: 'c0ffee' })
    expect(withPackages.contents()).toEqual({ 'CodeEnv type': 'Docker', 'image name': 'img', tag: 'latest', 'image ID': 'abc123def456', packages: [['a', '1']], 'container ID': 'c0ffee' })
    expect(() => new DockerEnv('', 't', 'i')).toThrow(/imageName/)
  })

  it('capture asks the docker CLI for the image id', async () => {
    const fake = join(tmp, 'fake-docker')
    await writeFile(fake, `#!/bin/sh\nif [ "$4" = "{{.Id}}" ] && [ "$5" = "org/img:v2" ]; then echo sha256:feedbeef; exit 0; fi\necho "no such image: $5" >&2\nexit 1\n`)
    await chmod(fake, 0o755)
    const env = await DockerEnv.capture('org/img', 'v2', { docker: fake })
    expect([env.imageId, env.filename]).toEqual(['sha256:feedbeef', 'org_img_sha256feedbeef'])
    const e = await rejection(DockerEnv.capture('org/img', 'nope', { docker: fake }))
    expect(isCirrusError(e, 'CODE_ENV')).toBe(true)
    expect(e.message).toContain('no such image: org/img:nope')
    expect(isCirrusError(await rejection(DockerEnv.capture('x', 'y', { docker: join(tmp, 'missing-docker') })), 'CODE_ENV')).toBe(true)
  })

  it('fromEnvironment reads the image from DAF_DOCKER_* and the container id from /proc', async () => {
    const root = join(tmp, 'container-root')
    const id = 'a'.repeat(64)
    await mkdir(join(root, 'proc', 'self'), { recursive: true })
    await writeFile(join(root, '.dockerenv'), '')
    await writeFile(join(root, 'proc', 'self', 'mountinfo'), `1 2 0:1 /docker/containers/${id}/hostname /etc/hostname rw - ext4 /dev/x rw\n`)
    const env = await DockerEnv.fromEnvironment({ root, env: { DAF_DOCKER_IMAGE: 'registry:5000/org/img:v3', DAF_DOCKER_IMAGE_ID: 'sha256:beef' } })
    expect(env?.contents()).toEqual({ 'CodeEnv type': 'Docker', 'image name': 'registry:5000/org/img', tag: 'v3', 'image ID': 'sha256:beef', 'container ID': id })
    const tagged = await DockerEnv.fromEnvironment({ root: join(tmp, 'nowhere'), env: { DAF_DOCKER_IMAGE: 'registry:5000/img', DAF_DOCKER_TAG: 't', DAF_DOCKER_IMAGE_ID: 'x1' } })
    expect([tagged?.imageName, tagged?.tag, tagged?.containerId]).toEqual(['registry:5000/img', 't', undefined])
    expect(await DockerEnv.fromEnvironment({ root, env: { DAF_DOCKER_IMAGE: 'img' } })).toBeUndefined()
    expect(await DockerEnv.fromEnvironment({ env: {} })).toBeUndefined()
  })
})

describe('NodePackagesEnv', () => {
  it('captures the project and its importer from a pnpm workspace lockfile', async () => {
    const root = join(tmp, 'pnpm-ws')
    const pkg = join(root, 'packages', 'app')
    await mkdir(join(pkg, 'src'), { recursive: true })
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'ws-root', private: true }))
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@org/app', version: '1.2.0', dependencies: { 'left-pad': '^1' } }))
    await writeFile(
      join(root, 'pnpm-lock.yaml'),
      [
        "lockfileVersion: '9.0'",
        '',
        'importers:',
        '',
        '  .: {}',
        '',
        '  packages/app:',
        '    dependencies:',
        "      '@org/lib':",
        '        specifier: workspace:^',
        '        version: link:../lib',
        '      left-pad:',
        '        specifier: ^1',
        '        version: 1.3.0',
        '      react-dom:',
        '        specifier: ^18',
        '        version: 18.2.0(react@18.2.0)',
        '',
        'packages:',
        '',
        '  left-pad@1.3.0:',
        '    resolution: {integrity: sha512-x}',
        '',
        "  '@scope/thing@2.0.0':",
        '    resolution: {integrity: sha512-y}',
        '    engines: {node: ">=14"}',
        '',
        '  react-dom@18.2.0:',
        '    resolution: {integrity: sha512-z}',
        '',
        'snapshots:',
        '',
        '  react-dom@18.2.0(react@18.2.0):',
        '    dependencies:',
        '      react: 18.2.0',
        '',
      ].join('\n'),
    )
    const env = await NodePackagesEnv.capture(join(pkg, 'src'))
    expect([env.name, env.version, env.lockfile]).toEqual(['@org/app', '1.2.0', 'pnpm-lock.yaml'])
    expect(env.dependencies).toEqual({ '@org/lib': 'link:../lib', 'left-pad': '1.3.0', 'react-dom': '18.2.0' })
    expect(env.packages).toEqual([['@scope/thing', '2.0.0'], ['left-pad', '1.3.0'], ['react-dom', '18.2.0']])
    expect(env.node).toBe(process.version)
    expect(env.filename).toMatch(/^@org_app_1\.2\.0_[0-9a-f]{12}$/)
    expect(env.contents()).toMatchObject({ 'CodeEnv type': 'NodePackages', name: '@org/app', version: '1.2.0', lockfile: 'pnpm-lock.yaml', 'node version': process.version })
  })

  it('captures from package-lock.json (v3 with workspaces, and v1)', async () => {
    const v3 = join(tmp, 'npm-v3')
    await mkdir(join(v3, 'packages', 'web'), { recursive: true })
    await writeFile(join(v3, 'package.json'), JSON.stringify({ name: 'npm-root', version: '0.1.0', devDependencies: { vitest: '^1' } }))
    await writeFile(
      join(v3, 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'npm-root', version: '0.1.0', devDependencies: { vitest: '^1' }, workspaces: ['packages/*'] },
          'node_modules/vitest': { version: '1.6.0' },
          'node_modules/web': { resolved: 'packages/web', link: true },
          'node_modules/vitest/node_modules/chai': { version: '4.4.1' },
          'packages/web': { name: 'web', version: '2.0.0', dependencies: { chai: '^5' } },
          'packages/web/node_modules/chai': { version: '5.1.0' },
        },
      }),
    )
    await writeFile(join(v3, 'packages', 'web', 'package.json'), JSON.stringify({ name: 'web', version: '2.0.0', dependencies: { chai: '^5' } }))
    const root = await NodePackagesEnv.capture(v3)
    expect(root.dependencies).toEqual({ vitest: '1.6.0' })
    expect(root.packages).toEqual([['chai', '4.4.1'], ['chai', '5.1.0'], ['vitest', '1.6.0']])
    const web = await NodePackagesEnv.capture(join(v3, 'packages', 'web'))
    expect([web.name, web.version, web.dependencies]).toEqual(['web', '2.0.0', { chai: '5.1.0' }])

    const v1 = join(tmp, 'npm-v1')
    await mkdir(v1)
    await writeFile(join(v1, 'package.json'), JSON.stringify({ name: 'old', version: '3.0.0', dependencies: { a: '*' } }))
    await writeFile(join(v1, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } } } }))
    const old = await NodePackagesEnv.capture(v1)
    expect([old.dependencies, old.packages]).toEqual([{ a: '1.0.0' }, [['a', '1.0.0'], ['b', '2.0.0']]])
  })

  it('fails clearly without a lockfile; captures this repository', async () => {
    const lone = join(tmp, 'no-lock')
    await mkdir(lone)
    await writeFile(join(lone, 'package.json'), JSON.stringify({ name: 'lone' }))
    // tmp is outside any project, so there is no lockfile above either.
    const e = await rejection(NodePackagesEnv.capture(lone))
    expect(isCirrusError(e, 'CODE_ENV')).toBe(true)
    expect(e.message).toMatch(/no pnpm-lock\.yaml, package-lock\.json, npm-shrinkwrap\.json at or above/)
    const self = await NodePackagesEnv.capture(new URL('.', import.meta.url).pathname)
    expect(self.name).toBe('@daf/cirrus')
    expect(self.dependencies['@daf/volume']).toBe('link:../volume')
    expect(self.packages.length).toBeGreaterThan(10)
  })
})

describe('sha256', () => {
  it('matches node:crypto', () => {
    for (const input of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é'.repeat(1000)]) {
      expect(sha256Hex(input)).toBe(createHash('sha256').update(input).digest('hex'))
    }
  })
})
