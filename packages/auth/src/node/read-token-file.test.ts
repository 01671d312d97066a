import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTokenFileError } from '../errors.js'
import { readTokenFile } from './read-token-file.js'
import { secretFiles, serverSecretFileName } from './secret-files.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'daf-auth-read-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('readTokenFile', () => {
  it('reads the key (default "token") and reports missing files and keys', () => {
    const file = join(dir, 's.json')
    writeFileSync(file, JSON.stringify({ token: 'abc', other: 'def' }))
    expect(readTokenFile(file)).toEqual({ exists: true, token: 'abc' })
    expect(readTokenFile(file, 'other')).toEqual({ exists: true, token: 'def' })
    expect(readTokenFile(file, 'nope')).toEqual({ exists: true, token: undefined })
    expect(readTokenFile(join(dir, 'missing.json'))).toEqual({ exists: false, token: undefined })
  })

  it('throws TokenFileError for non-objects and unreadable paths, never quoting the content', () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, '"0123456789abcdef0123456789abcdef"')
    let caught: unknown
    try {
      readTokenFile(file)
    } catch (error) {
      caught = error
    }
    expect(isTokenFileError(caught)).toBe(true)
    expect(caught).toMatchObject({ operation: 'parse', file })
    expect(String(caught)).not.toContain('0123456789abcdef')

    mkdirSync(join(dir, 'a-directory.json'))
    expect(() => readTokenFile(join(dir, 'a-directory.json'))).toThrow(/could not be read \(EISDIR\)/)
  })
})

describe('secret file names', () => {
  it('follow the Python client', () => {
    expect(serverSecretFileName('https://global.daf-apis.com/')).toBe('global.daf-apis.com-cave-secret.json')
    expect(serverSecretFileName('localhost:8000')).toBe('localhost:8000-cave-secret.json')
    expect(secretFiles('https://global.daf-apis.com', '/s')).toEqual({
      dir: '/s',
      server: join('/s', 'global.daf-apis.com-cave-secret.json'),
      generic: join('/s', 'cave-secret.json'),
      legacy: join('/s', 'chunkedgraph-secret.json'),
    })
  })
})
