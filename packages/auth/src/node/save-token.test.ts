import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTokenExistsError, isTokenFileError, isTokenFormatError, type TokenExistsError } from '../errors.js'
import type { AuthWarning } from '../warnings.js'
import { saveToken } from './save-token.js'

const A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
const posix = process.platform !== 'win32'

let root: string
let secrets: string
let warnings: AuthWarning[]
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
const mode = (path: string) => statSync(path).mode & 0o777
const serverFile = () => join(secrets, 'global.daf-apis.com-cave-secret.json')
const genericFile = () => join(secrets, 'cave-secret.json')
const save = (token: string, options: Parameters<typeof saveToken>[1] = {}) =>
  saveToken(token, { secretsDir: secrets, onWarning: (w) => warnings.push(w), ...options })

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'daf-auth-save-'))
  secrets = join(root, 'home', '.cloudvolume', 'secrets')
  warnings = []
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('saveToken (Node files)', () => {
  it('creates the directories (0700) and writes the generic and server files (0600)', async () => {
    const result = await save(A)
    expect(read(genericFile())).toEqual({ token: A })
    expect(read(serverFile())).toEqual({ token: A })
    expect(result).toEqual({
      location: { file: genericFile() },
      written: [genericFile(), serverFile()],
      unchanged: [],
      skipped: [],
    })
    if (posix) {
      expect(mode(genericFile())).toBe(0o600)
      expect(mode(serverFile())).toBe(0o600)
      expect(mode(secrets)).toBe(0o700)
    }
    expect(warnings).toEqual([])
  })

  it('validates and lower-cases the token; the error never contains it', async () => {
    await save(A.toUpperCase())
    expect(read(genericFile())).toEqual({ token: A })
    const bad = `${A.slice(0, 31)}z`
    const error = await rejection(save(bad))
    expect(isTokenFormatError(error)).toBe(true)
    expect(String(error)).not.toContain(bad)
    expect(String(error)).not.toContain(A.slice(0, 31))
  })

  it('refuses to replace a different token without overwrite, naming file and key, writing nothing', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ token: B }))
    const error = await rejection(save(A))
    expect(isTokenExistsError(error)).toBe(true)
    expect((error as TokenExistsError).file).toBe(genericFile())
    expect((error as TokenExistsError).key).toBe('token')
    expect(String(error)).toContain(genericFile())
    expect(String(error)).not.toContain(A)
    expect(String(error)).not.toContain(B)
    expect(read(genericFile())).toEqual({ token: B })
    expect(existsSync(serverFile())).toBe(false)
  })

  it('refuses when only the server-specific copy conflicts, before writing the primary file', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(serverFile(), JSON.stringify({ token: B }))
    const error = await rejection(save(A, { tokenFile: join(root, 'mine.json') }))
    expect((error as TokenExistsError).file).toBe(serverFile())
    expect(existsSync(join(root, 'mine.json'))).toBe(false)
  })

  it('replaces with overwrite, keeping other keys', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ token: B, other: 'keep me', n: 3 }))
    await save(A, { overwrite: true })
    expect(read(genericFile())).toEqual({ token: A, other: 'keep me', n: 3 })
  })

  it('adds a new key next to existing ones without overwrite', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ token: B }))
    await save(A, { tokenKey: 'second' })
    expect(read(genericFile())).toEqual({ token: B, second: A })
    expect(read(serverFile())).toEqual({ second: A })
  })

  it('skips files that already hold the token and fixes their mode', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ token: A }), { mode: 0o644 })
    const before = readFileSync(genericFile(), 'utf8')
    const result = await save(A)
    expect(result.unchanged).toEqual([genericFile()])
    expect(result.written).toEqual([serverFile()])
    expect(readFileSync(genericFile(), 'utf8')).toBe(before)
    if (posix) expect(mode(genericFile())).toBe(0o600)
  })

  it('fixes the mode of an existing file it rewrites', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ other: 1 }), { mode: 0o666 })
    await save(A)
    if (posix) expect(mode(genericFile())).toBe(0o600)
  })

  it('writes to the server-specific file as primary when it exists (the file the lookup reads)', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(serverFile(), JSON.stringify({ other: 1 }))
    const result = await save(A)
    expect(result.location.file).toBe(serverFile())
    expect(result.written).toEqual([serverFile()])
    expect(existsSync(genericFile())).toBe(false)
  })

  it('writes an explicit token file plus the server file; writeServerFile: false writes only the former', async () => {
    const mine = join(root, 'elsewhere', 'mine.json')
    await save(A, { tokenFile: mine })
    expect(read(mine)).toEqual({ token: A })
    expect(read(serverFile())).toEqual({ token: A })
    if (posix) expect(mode(join(root, 'elsewhere'))).toBe(0o700)

    rmSync(secrets, { recursive: true })
    await save(B, { tokenFile: join(root, 'other.json'), writeServerFile: false })
    expect(read(join(root, 'other.json'))).toEqual({ token: B })
    expect(existsSync(serverFile())).toBe(false)
  })

  it('names the server file by the server address netloc', async () => {
    await save(A, { serverAddress: 'http://localhost:8000/' })
    expect(read(join(secrets, 'localhost:8000-cave-secret.json'))).toEqual({ token: A })
  })

  it('writes local-server copies, overwriting them even without overwrite', async () => {
    mkdirSync(secrets, { recursive: true })
    const local = join(secrets, 'minnie.microns-daf.com-cave-secret.json')
    writeFileSync(local, JSON.stringify({ token: B, keep: true }))
    const result = await save(A, { localServer: 'https://minnie.microns-daf.com/' })
    expect(read(local)).toEqual({ token: A, keep: true })
    expect(result.written).toEqual([genericFile(), serverFile(), local])
    if (posix) expect(mode(local)).toBe(0o600)
    await save(A, { localServer: ['a.example', 'http://b.example:81'] })
    expect(read(join(secrets, 'a.example-cave-secret.json'))).toEqual({ token: A })
    expect(read(join(secrets, 'b.example:81-cave-secret.json'))).toEqual({ token: A })
  })

  it('refuses a file that is not a JSON object, without quoting it, and writes nothing', async () => {
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), `{"token": "${B}"`)
    const error = await rejection(save(A, { overwrite: true }))
    expect(isTokenFileError(error)).toBe(true)
    expect(error).toMatchObject({ file: genericFile(), operation: 'parse' })
    expect(String(error)).not.toContain(B)
    expect(existsSync(serverFile())).toBe(false)
  })

  it('leaves no temporary files behind', async () => {
    await save(A)
    await save(B, { overwrite: true, localServer: 'l.example' })
    expect(readdirSync(secrets).sort()).toEqual([
      'cave-secret.json',
      'global.daf-apis.com-cave-secret.json',
      'l.example-cave-secret.json',
    ])
  })

  it('replaces what a symbolic link points to, keeping the link', async () => {
    mkdirSync(secrets, { recursive: true })
    const target = join(root, 'dotfiles', 'cave-secret.json')
    mkdirSync(join(root, 'dotfiles'))
    writeFileSync(target, JSON.stringify({ token: B }))
    symlinkSync(target, genericFile())
    await save(A, { overwrite: true })
    expect(lstatSync(genericFile()).isSymbolicLink()).toBe(true)
    expect(read(target)).toEqual({ token: A })
  })

  it('serialises concurrent saves in one process (no lost keys)', async () => {
    await Promise.all([save(A, { tokenKey: 'one' }), save(B, { tokenKey: 'two' }), save(A, { tokenKey: 'three' })])
    expect(read(genericFile())).toEqual({ one: A, two: B, three: A })
  })

  it('rejects with the abort reason and writes nothing when the signal is aborted', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    expect(await rejection(save(A, { signal: controller.signal }))).toBe(reason)
    expect(existsSync(secrets)).toBe(false)
  })

  it('rejects with the abort reason when aborted while the save is under way', async () => {
    const controller = new AbortController()
    const warn = (w: AuthWarning) => warnings.push(w)
    mkdirSync(secrets, { recursive: true })
    writeFileSync(genericFile(), JSON.stringify({ token: A }), { mode: 0o644 })
    // Aborted while the files are being read: no file is written or touched afterwards.
    const pending = saveToken(A, { secretsDir: secrets, onWarning: warn, signal: controller.signal })
    queueMicrotask(() => controller.abort(new Error('late')))
    const error = await rejection(pending)
    expect((error as Error).message).toBe('late')
    expect(existsSync(serverFile())).toBe(false)
    if (posix) expect(mode(genericFile())).toBe(0o644)
  })
})
