import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isTokenFileError } from '../errors.js'
import type { AuthWarning } from '../warnings.js'
import { saveToken } from './save-token.js'

// Read-only locations. Tests run as root in CI containers, where chmod does not stop writes, so the
// file system is made to answer EROFS for paths under `readOnly` (what a read-only mount does).
const readOnly = new Set<string>()
const refuse = (path: unknown) => {
  const text = String(path)
  for (const dir of readOnly) {
    if (text === dir || text.startsWith(dir + sep)) {
      throw Object.assign(new Error(`EROFS: read-only file system, '${text}'`), { code: 'EROFS' })
    }
  }
}
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      refuse(args[0])
      return fn(...args)
    }
  return {
    ...fs,
    mkdir: guard(fs.mkdir as (...a: unknown[]) => Promise<unknown>),
    open: guard(fs.open as (...a: unknown[]) => Promise<unknown>),
    rename: async (from: string, to: string) => {
      refuse(to)
      return fs.rename(from, to)
    },
    chmod: guard(fs.chmod as (...a: unknown[]) => Promise<unknown>),
  }
})

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
let root: string
let warnings: AuthWarning[]

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'daf-auth-ro-'))
  warnings = []
  readOnly.clear()
})
afterEach(() => {
  chmodSync(root, 0o700)
  rmSync(root, { recursive: true, force: true })
})

describe('saveToken and read-only locations', () => {
  it('skips secondary copies in a read-only secrets directory, with warnings', async () => {
    const secrets = join(root, 'secrets')
    const mine = join(root, 'writable', 'mine.json')
    readOnly.add(secrets)
    const result = await saveToken(A, {
      tokenFile: mine,
      secretsDir: secrets,
      localServer: 'local.example',
      onWarning: (w) => warnings.push(w),
    })
    expect(JSON.parse(readFileSync(mine, 'utf8'))).toEqual({ token: A })
    const server = join(secrets, 'global.daf-apis.com-cave-secret.json')
    const local = join(secrets, 'local.example-cave-secret.json')
    expect(result.written).toEqual([mine])
    expect(result.skipped).toEqual([server, local])
    expect(warnings.map((w) => [w.code, w.file])).toEqual([
      ['secondary-write-skipped', server],
      ['secondary-write-skipped', local],
    ])
    expect(warnings[0]?.message).toContain('EROFS')
    expect(JSON.stringify(warnings)).not.toContain(A)
    expect(existsSync(secrets)).toBe(false)
  })

  it('fails with TokenFileError when the primary file is read-only', async () => {
    const secrets = join(root, 'secrets')
    readOnly.add(secrets)
    let caught: unknown
    try {
      await saveToken(A, { secretsDir: secrets, onWarning: (w) => warnings.push(w) })
    } catch (error) {
      caught = error
    }
    expect(isTokenFileError(caught)).toBe(true)
    expect(caught).toMatchObject({ operation: 'write', reason: 'EROFS', file: join(secrets, 'cave-secret.json') })
    expect(String(caught)).not.toContain(A)
  })

  const root_ = typeof process.getuid === 'function' && process.getuid() === 0
  it.skipIf(root_ || process.platform === 'win32')('skips a secondary copy in a chmod 0500 directory (non-root)', async () => {
    const secrets = join(root, 'secrets')
    mkdirSync(secrets)
    chmodSync(secrets, 0o500)
    const mine = join(root, 'mine.json')
    const result = await saveToken(A, { tokenFile: mine, secretsDir: secrets, onWarning: (w) => warnings.push(w) })
    expect(result.written).toEqual([mine])
    expect(result.skipped).toEqual([join(secrets, 'global.daf-apis.com-cave-secret.json')])
    expect(warnings[0]?.code).toBe('secondary-write-skipped')
  })
})
