import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { writeFileAtomic } from './atomic-write.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'daf-auth-atomic-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A signal that reports "aborted" from its `after`-th check on (to abort between steps). */
function abortingSignal(after: number, reason: Error): AbortSignal {
  let checks = 0
  return {
    get aborted() {
      checks++
      return checks >= after
    },
    reason,
  } as unknown as AbortSignal
}

describe('writeFileAtomic', () => {
  it('creates directories and writes the file with the requested modes', async () => {
    const file = join(dir, 'a', 'b', 'secret.json')
    await writeFileAtomic(file, '{"token":"x"}\n')
    expect(readFileSync(file, 'utf8')).toBe('{"token":"x"}\n')
    if (process.platform !== 'win32') {
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700)
      expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700)
    }
  })

  it('replaces an existing file and leaves no temporary file', async () => {
    const file = join(dir, 'secret.json')
    writeFileSync(file, 'old', { mode: 0o644 })
    await writeFileAtomic(file, 'new')
    expect(readFileSync(file, 'utf8')).toBe('new')
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir)).toEqual(['secret.json'])
  })

  it('leaves the old file and no temporary file when aborted before the rename', async () => {
    const file = join(dir, 'secret.json')
    writeFileSync(file, 'old')
    const reason = new Error('aborted late')
    await expect(writeFileAtomic(file, 'new', { signal: abortingSignal(2, reason) })).rejects.toBe(reason)
    expect(readFileSync(file, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['secret.json'])
  })
})
