import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { isCirrusError } from './errors.js'
import { parsePackageLock, parsePnpmLock, parseYamlMappings } from './lockfile.js'

describe('pnpm-lock.yaml', () => {
  it('lockfile v6: /name@version(peers) keys, top-level dependencies', () => {
    const lock = [
      "lockfileVersion: '6.0'",
      '',
      'dependencies:',
      '  react-dom:',
      '    specifier: ^18',
      '    version: 18.2.0(react@18.2.0)',
      '',
      'devDependencies:',
      "  '@babel/core':",
      '    specifier: ^7',
      '    version: 7.24.0',
      '',
      'packages:',
      '',
      '  /react-dom@18.2.0(react@18.2.0):',
      '    resolution: {integrity: sha512-x}',
      '    dependencies:',
      '      react: 18.2.0',
      '',
      '  /@babel/core@7.24.0:',
      '    resolution: {integrity: sha512-y}',
      '  # a comment',
      '  /react@18.2.0:',
      '    resolution: {integrity: sha512-z}',
    ].join('\n')
    expect(parsePnpmLock(lock)).toEqual({
      kind: 'pnpm-lock.yaml',
      packages: [['@babel/core', '7.24.0'], ['react', '18.2.0'], ['react-dom', '18.2.0']],
      dependencies: { 'react-dom': '18.2.0', '@babel/core': '7.24.0' },
    })
  })

  it('lockfile v5: /name/version_peers keys, plain dependency versions', () => {
    const lock = [
      'lockfileVersion: 5.4',
      '',
      'specifiers:',
      '  react-dom: ^18',
      '',
      'dependencies:',
      '  react-dom: 18.2.0_react@18.2.0',
      '',
      'packages:',
      '',
      '  /react-dom/18.2.0_react@18.2.0:',
      '    resolution: {integrity: sha512-x}',
      '  /@babel/core/7.24.0:',
      '    resolution: {integrity: sha512-y}',
    ].join('\n')
    const parsed = parsePnpmLock(lock)
    expect(parsed.packages).toEqual([['@babel/core', '7.24.0'], ['react-dom', '18.2.0']])
    expect(parsed.dependencies).toEqual({ 'react-dom': '18.2.0' })
  })

  it('reads this workspace lockfile (v9): the importer of this package', async () => {
    const text = await readFile(new URL('../../../pnpm-lock.yaml', import.meta.url), 'utf8')
    const parsed = parsePnpmLock(text, 'packages/cirrus')
    expect(parsed.dependencies['@daf/volume']).toBe('link:../volume')
    expect(parsed.packages.some(([n]) => n === 'typescript')).toBe(true)
    expect(new Set(parsed.packages.map(([n, v]) => `${n}@${v}`)).size).toBe(parsed.packages.length)
  })

  it('fails without lockfileVersion; the reader handles quoted keys and comments', () => {
    expect(isCirrusError((() => { try { parsePnpmLock('packages:\n') } catch (e) { return e } })(), 'CODE_ENV')).toBe(true)
    const tree = parseYamlMappings("a:\n  'b: c': 'x' # comment\n  \"d\": \"y\\\"z\"\n  e: {f: 1}\n  - item\n")
    const a = tree.children.get('a')!
    expect([...a.children.keys()]).toEqual(['b: c', 'd', 'e'])
    expect([a.children.get('b: c')!.value, a.children.get('d')!.value, a.children.get('e')!.value]).toEqual(['x', 'y"z', '{f: 1}'])
  })
})

describe('package-lock.json', () => {
  it('refuses non-JSON and lockfiles without packages', () => {
    for (const text of ['{', '{"lockfileVersion": 3}']) {
      let error: unknown
      try {
        parsePackageLock(text)
      } catch (e) {
        error = e
      }
      expect(isCirrusError(error, 'CODE_ENV')).toBe(true)
    }
  })

  it('links resolve to the workspace package version', () => {
    const lock = JSON.stringify({
      lockfileVersion: 2,
      packages: {
        '': { dependencies: { lib: '*' } },
        'node_modules/lib': { resolved: 'packages/lib', link: true },
        'packages/lib': { name: 'lib', version: '4.5.6' },
      },
    })
    expect(parsePackageLock(lock).dependencies).toEqual({ lib: '4.5.6' })
  })
})
