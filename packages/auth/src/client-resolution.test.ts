import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthClient } from './client.js'
import type { AuthWarning } from './warnings.js'

// Node: the lookup order of tokens, in a temporary home directory.
const T = {
  explicit: 'e0000000000000000000000000000000',
  file: 'f0000000000000000000000000000000',
  env: 'e1111111111111111111111111111111',
  server: '51111111111111111111111111111111',
  generic: '6e000000000000000000000000000000',
  legacy: '1e000000000000000000000000000000',
}

let home: string
let secrets: string
let warnings: AuthWarning[]

const write = (name: string, value: unknown) => {
  mkdirSync(secrets, { recursive: true })
  writeFileSync(join(secrets, name), typeof value === 'string' ? value : JSON.stringify(value))
}
const client = (options: ConstructorParameters<typeof AuthClient>[0] = {}) =>
  new AuthClient({ secretsDir: secrets, onWarning: (w) => warnings.push(w), ...options })
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'daf-auth-home-'))
  secrets = join(home, '.cloudvolume', 'secrets')
  warnings = []
  vi.stubEnv('HOME', home)
  vi.stubEnv('CAVE_TOKEN', undefined)
})
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  rmSync(home, { recursive: true, force: true })
})

/** Every source present: each test removes the winners above the step it checks. */
function writeAll() {
  write('global.daf-apis.com-cave-secret.json', { token: T.server })
  write('cave-secret.json', { token: T.generic })
  write('chunkedgraph-secret.json', { token: T.legacy })
  write('mine.json', { token: T.file })
  vi.stubEnv('CAVE_TOKEN', T.env)
}

describe('token lookup order (Node)', () => {
  it('1. the explicit token wins over everything', () => {
    writeAll()
    const c = client({ token: T.explicit, tokenFile: join(secrets, 'mine.json') })
    expect(c.tokenSource).toBe('explicit')
    expect(c.requestHeader()).toEqual(bearer(T.explicit))
    expect(warnings).toEqual([])
  })

  it('2. the explicit token file wins over the environment and the default files', () => {
    writeAll()
    const c = client({ tokenFile: join(secrets, 'mine.json') })
    expect(c.tokenSource).toBe('token-file')
    expect(c.tokenFile).toBe(join(secrets, 'mine.json'))
    expect(c.tokenInfo).toEqual({ source: 'token-file', key: 'token', file: join(secrets, 'mine.json') })
    expect(c.requestHeader()).toEqual(bearer(T.file))
  })

  it('2. … with tokenKey, and a relative or ~ path', () => {
    write('mine.json', { token: T.file, other: T.explicit })
    const c = client({ tokenFile: '~/.cloudvolume/secrets/mine.json', tokenKey: 'other' })
    expect(c.tokenSource).toBe('token-file')
    expect(c.tokenKey).toBe('other')
    expect(c.tokenFile).toBe(join(secrets, 'mine.json'))
    expect(c.requestHeader()).toEqual(bearer(T.explicit))
  })

  it('3. CAVE_TOKEN wins over the secret files', () => {
    writeAll()
    const c = client()
    expect(c.tokenSource).toBe('env')
    expect(c.tokenInfo.variable).toBe('CAVE_TOKEN')
    expect(c.requestHeader()).toEqual(bearer(T.env))
    // The token file (default save target) is still the chosen secret file.
    expect(c.tokenFile).toBe(join(secrets, 'global.daf-apis.com-cave-secret.json'))
  })

  it('3. an empty CAVE_TOKEN is ignored', () => {
    write('cave-secret.json', { token: T.generic })
    vi.stubEnv('CAVE_TOKEN', '  ')
    expect(client().tokenSource).toBe('generic-file')
  })

  it('4. the server-specific file (by host) wins over the generic and legacy files', () => {
    writeAll()
    vi.stubEnv('CAVE_TOKEN', undefined)
    const c = client()
    expect(c.tokenSource).toBe('server-file')
    expect(c.tokenFile).toBe(join(secrets, 'global.daf-apis.com-cave-secret.json'))
    expect(c.requestHeader()).toEqual(bearer(T.server))
  })

  it('4. the server-specific file is named by host:port, with or without a scheme', () => {
    write('cave-secret.json', { token: T.generic })
    write('localhost:8000-cave-secret.json', { token: T.server })
    write('example.org-cave-secret.json', { token: T.file })
    expect(client({ serverAddress: 'http://localhost:8000/' }).requestHeader()).toEqual(bearer(T.server))
    expect(client({ serverAddress: 'example.org' }).requestHeader()).toEqual(bearer(T.file))
    expect(client({ serverAddress: 'https://example.org:8443' }).requestHeader()).toEqual(bearer(T.generic))
  })

  it('5. the generic file wins over the legacy file', () => {
    write('cave-secret.json', { token: T.generic })
    write('chunkedgraph-secret.json', { token: T.legacy })
    const c = client()
    expect(c.tokenSource).toBe('generic-file')
    expect(c.tokenFile).toBe(join(secrets, 'cave-secret.json'))
    expect(c.requestHeader()).toEqual(bearer(T.generic))
    expect(warnings).toEqual([])
  })

  it('6. the legacy file is used last, with a deprecation warning that names it and not the token', () => {
    write('chunkedgraph-secret.json', { token: T.legacy })
    const c = client()
    expect(c.tokenSource).toBe('legacy-file')
    expect(c.tokenInfo.file).toBe(join(secrets, 'chunkedgraph-secret.json'))
    expect(c.tokenFile).toBe(join(secrets, 'cave-secret.json'))
    expect(c.requestHeader()).toEqual(bearer(T.legacy))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ code: 'legacy-token-file', file: join(secrets, 'chunkedgraph-secret.json') })
    expect(JSON.stringify(warnings)).not.toContain(T.legacy)
  })

  it('6. the default warning handler is console.warn', () => {
    write('chunkedgraph-secret.json', { token: T.legacy })
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    new AuthClient({ secretsDir: secrets })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('chunkedgraph-secret.json')
    expect(String(warn.mock.calls[0]?.[0])).not.toContain(T.legacy)
  })

  it('an existing server-specific file without the key hides the generic file (falls to legacy)', () => {
    write('global.daf-apis.com-cave-secret.json', { other: T.server })
    write('cave-secret.json', { token: T.generic })
    write('chunkedgraph-secret.json', { token: T.legacy })
    const c = client()
    expect(c.tokenFile).toBe(join(secrets, 'global.daf-apis.com-cave-secret.json'))
    expect(c.tokenSource).toBe('legacy-file')
    expect(c.requestHeader()).toEqual(bearer(T.legacy))
  })

  it('an explicit token file without the key falls to CAVE_TOKEN, then legacy, never the default files', () => {
    write('mine.json', { other: T.file })
    write('global.daf-apis.com-cave-secret.json', { token: T.server })
    write('cave-secret.json', { token: T.generic })
    const noKey = client({ tokenFile: join(secrets, 'mine.json') })
    expect(noKey.tokenSource).toBe('none')
    expect(noKey.tokenFile).toBe(join(secrets, 'mine.json'))
    vi.stubEnv('CAVE_TOKEN', T.env)
    expect(client({ tokenFile: join(secrets, 'mine.json') }).tokenSource).toBe('env')
    vi.stubEnv('CAVE_TOKEN', undefined)
    write('chunkedgraph-secret.json', { token: T.legacy })
    expect(client({ tokenFile: join(secrets, 'mine.json') }).tokenSource).toBe('legacy-file')
  })

  it('tokenKey applies to every file', () => {
    write('global.daf-apis.com-cave-secret.json', { token: T.server, alt: T.generic })
    const c = client({ tokenKey: 'alt' })
    expect(c.tokenSource).toBe('server-file')
    expect(c.tokenInfo.key).toBe('alt')
    expect(c.requestHeader()).toEqual(bearer(T.generic))
    expect(client({ tokenKey: 'missing' }).tokenSource).toBe('none')
  })

  it('without any token: source none, no headers, the generic file as token file', () => {
    const c = client()
    expect(c.tokenSource).toBe('none')
    expect(c.hasToken).toBe(false)
    expect(c.requestHeader()).toEqual({})
    expect(c.headersFor('https://global.daf-apis.com/info')).toEqual({})
    expect(c.tokenFile).toBe(join(secrets, 'cave-secret.json'))
  })

  it('finds ~/.cloudvolume/secrets through HOME when no secretsDir is given', () => {
    write('cave-secret.json', { token: T.generic })
    const c = new AuthClient({ onWarning: (w) => warnings.push(w) })
    expect(c.tokenSource).toBe('generic-file')
    expect(c.tokenFile).toBe(join(home, '.cloudvolume', 'secrets', 'cave-secret.json'))
  })

  it('uses tokens read from files as they are (no format check), trimmed', () => {
    write('cave-secret.json', { token: ' Not-A-Hex-Token\n' })
    expect(client().requestHeader()).toEqual(bearer('Not-A-Hex-Token'))
  })

  it('treats malformed files as empty, with a warning that does not quote them', () => {
    write('cave-secret.json', `{"token": "${T.generic}"`)
    write('chunkedgraph-secret.json', { token: T.legacy })
    const c = client()
    expect(c.tokenSource).toBe('legacy-file')
    expect(warnings.map((w) => w.code)).toEqual(['unreadable-token-file', 'legacy-token-file'])
    expect(warnings[0]?.file).toBe(join(secrets, 'cave-secret.json'))
    expect(JSON.stringify(warnings)).not.toContain(T.generic)
  })

  it('reload() looks again', () => {
    const c = client()
    expect(c.hasToken).toBe(false)
    write('cave-secret.json', { token: T.generic })
    c.reload()
    expect(c.tokenSource).toBe('generic-file')
    expect(c.requestHeader()).toEqual(bearer(T.generic))
  })
})
