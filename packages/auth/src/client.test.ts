import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthClient } from './client.js'
import { DEFAULT_SERVER_ADDRESS } from './constants.js'
import { isAuthConfigError, isTokenExistsError, isTokenFormatError } from './errors.js'
import { MemoryTokenStore } from './memory-token-store.js'
import type { AuthWarning } from './warnings.js'

const TOKEN = '0123456789abcdef0123456789abcdef'
const OTHER = 'fedcba9876543210fedcba9876543210'

let secrets: string
let warnings: AuthWarning[]
const client = (options: ConstructorParameters<typeof AuthClient>[0] = {}) =>
  new AuthClient({ secretsDir: secrets, onWarning: (w) => warnings.push(w), ...options })

beforeEach(() => {
  secrets = mkdtempSync(join(tmpdir(), 'daf-auth-client-'))
  warnings = []
  vi.stubEnv('CAVE_TOKEN', undefined)
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(secrets, { recursive: true, force: true })
})

describe('AuthClient basics', () => {
  it('defaults to the public global server and normalises addresses', () => {
    expect(client().serverAddress).toBe(DEFAULT_SERVER_ADDRESS)
    expect(client({ serverAddress: 'https://global.daf-apis.com///' }).serverAddress).toBe(DEFAULT_SERVER_ADDRESS)
    expect(client({ serverAddress: 'example.org/' }).serverAddress).toBe('https://example.org')
  })

  it('rejects a bad server address, token key or origin with AuthConfigError naming the field', () => {
    const fields = [
      [() => client({ serverAddress: 'ftp://x' }), 'serverAddress'],
      [() => client({ tokenKey: '' }), 'tokenKey'],
      [() => client({ allowedOrigins: ['mailto:a@b'] }), 'allowedOrigins'],
      [() => client({ localServers: ['not a url at all'] }), 'localServer'],
    ] as const
    for (const [make, field] of fields) {
      let caught: unknown
      try {
        make()
      } catch (error) {
        caught = error
      }
      expect(isAuthConfigError(caught), field).toBe(true)
      expect((caught as { field: string }).field).toBe(field)
    }
  })

  it('requestHeader gives the bearer header, or nothing without a token', () => {
    expect(client({ token: TOKEN }).requestHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` })
    expect(client().requestHeader()).toEqual({})
  })

  it('useToken switches the token for the session without storing it', () => {
    const c = client()
    c.useToken(` ${TOKEN} `)
    expect(c.tokenSource).toBe('explicit')
    expect(c.requestHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` })
    expect(() => c.useToken('  ')).toThrow(/non-empty/)
    expect(new AuthClient({ secretsDir: secrets }).hasToken).toBe(false)
  })

  it('accepts a caller-supplied store', async () => {
    const store = new MemoryTokenStore()
    const first = client({ store })
    await first.saveToken(TOKEN)
    expect(client({ store }).tokenSource).toBe('memory')
    expect(client({ store }).requestHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` })
    expect(client({ store, serverAddress: 'https://other.example' }).hasToken).toBe(false)
  })
})

describe('authorizes / headersFor', () => {
  const c = () =>
    client({
      token: TOKEN,
      allowedOrigins: ['https://extra.example:8443'],
    })

  it('authorizes the global server origin, local servers and allowed origins', () => {
    const auth = c()
    expect(auth.authorizes('https://global.daf-apis.com/info/api/v2/datastacks')).toBe(true)
    expect(auth.authorizes('https://extra.example:8443/x')).toBe(true)
    expect(auth.authorizes('https://minnie.microns-daf.com/segmentation')).toBe(false)
    expect(auth.addLocalServer('https://minnie.microns-daf.com/')).toBe('https://minnie.microns-daf.com')
    expect(auth.authorizes('https://minnie.microns-daf.com/segmentation/api/v1')).toBe(true)
    expect(auth.localServers).toEqual(['https://minnie.microns-daf.com'])
    expect(auth.addOrigin('http://localhost:9000/anything')).toBe('http://localhost:9000')
    expect(auth.authorizes('http://localhost:9000/')).toBe(true)
    expect(auth.origins).toEqual([
      'https://global.daf-apis.com',
      'https://extra.example:8443',
      'https://minnie.microns-daf.com',
      'http://localhost:9000',
    ])
  })

  it.each([
    'https://global.daf-apis.com.evil.com/info',
    'http://global.daf-apis.com/info',
    'https://global.daf-apis.com:444/info',
    'https://global.daf-apis.com@evil.com/info',
    'https://evil.com/?https://global.daf-apis.com',
    'https://extra.example/x',
    'https://storage.googleapis.com/bucket/info',
    'gs://bucket/info',
    '/relative/path',
  ])('never sends the token to %s', (url) => {
    const auth = c()
    expect(auth.authorizes(url)).toBe(false)
    expect(auth.headersFor(url)).toEqual({})
  })

  it('headersFor gives the header for authorized URLs and nothing without a token', () => {
    expect(c().headersFor(new URL('https://global.daf-apis.com/auth/api/v1/user/cache'))).toEqual({
      Authorization: `Bearer ${TOKEN}`,
    })
    expect(client().headersFor('https://global.daf-apis.com/x')).toEqual({})
  })

  it('a server address with a path authorizes its whole origin', () => {
    const auth = client({ token: TOKEN, serverAddress: 'https://example.org/cave/' })
    expect(auth.authorizes('https://example.org/other')).toBe(true)
  })
})

describe('the token never leaks', () => {
  it('is absent from toString, JSON, util.inspect and property enumeration', () => {
    const c = client({ token: TOKEN, localServers: ['https://local.example'] })
    expect(String(c)).toBe('AuthClient(https://global.daf-apis.com, token from explicit)')
    expect(JSON.stringify(c)).not.toContain(TOKEN)
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      serverAddress: 'https://global.daf-apis.com',
      tokenSource: 'explicit',
      tokenKey: 'token',
      hasToken: true,
      origins: ['https://global.daf-apis.com', 'https://local.example'],
    })
    for (const text of [inspect(c), inspect(c, { showHidden: true, depth: 10 }), inspect({ nested: [c] })]) {
      expect(text).not.toContain(TOKEN)
      expect(text).toContain('AuthClient')
    }
    expect(Object.keys(c)).toEqual([])
    expect(JSON.stringify(Object.getOwnPropertyDescriptors(c))).not.toContain(TOKEN)
  })

  it('redact replaces the current and every earlier token', async () => {
    const c = client({ token: TOKEN })
    expect(c.redact(`failed: Bearer ${TOKEN}`)).toBe('failed: Bearer [redacted]')
    await c.saveToken(OTHER, { tokenFile: join(secrets, 't.json') })
    expect(c.redact(`${TOKEN} ${OTHER} ${OTHER.toUpperCase()}`)).toBe('[redacted] [redacted] [redacted]')
    expect(client().redact('nothing to hide')).toBe('nothing to hide')
  })

  it('is absent from errors and warnings', async () => {
    const c = client({ token: TOKEN })
    await c.saveToken(TOKEN)
    const errors: unknown[] = []
    for (const attempt of [
      () => c.saveToken(OTHER),
      () => c.saveToken(`${OTHER}x`),
      () => c.saveToken(OTHER.slice(0, 31) + 'q'),
    ]) {
      await attempt().catch((error: unknown) => errors.push(error))
    }
    expect(errors).toHaveLength(3)
    expect(isTokenExistsError(errors[0])).toBe(true)
    expect(isTokenFormatError(errors[1])).toBe(true)
    for (const error of errors) {
      const text = `${String(error)} ${JSON.stringify(error)} ${inspect(error)}`
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain(OTHER.slice(0, 16))
    }
    expect(JSON.stringify(warnings)).not.toContain(TOKEN)
  })
})

describe('saveToken through the client', () => {
  const files = () => ({
    generic: join(secrets, 'cave-secret.json'),
    server: join(secrets, 'global.daf-apis.com-cave-secret.json'),
    local: join(secrets, 'minnie.microns-daf.com-cave-secret.json'),
  })
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown

  it('switchToken (default) makes the client use the new token and file at once', async () => {
    const c = client()
    expect(c.hasToken).toBe(false)
    const result = await c.saveToken(TOKEN.toUpperCase())
    expect(result.location.file).toBe(files().generic)
    expect(c.requestHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` })
    expect(c.tokenInfo).toEqual({ source: 'saved', key: 'token', file: files().generic })
    expect(c.tokenFile).toBe(files().generic)
    expect(read(files().server)).toEqual({ token: TOKEN })
    expect(client().tokenSource).toBe('server-file')
  })

  it('switchToken: false stores the token but keeps the current one', async () => {
    const c = client({ token: OTHER })
    await c.saveToken(TOKEN, { switchToken: false })
    expect(c.requestHeader()).toEqual({ Authorization: `Bearer ${OTHER}` })
    expect(c.tokenSource).toBe('explicit')
    expect(read(files().generic)).toEqual({ token: TOKEN })
  })

  it('switchToken with another tokenFile moves the client to that file', async () => {
    const c = client()
    const mine = join(secrets, 'nested', 'mine.json')
    await c.saveToken(TOKEN, { tokenFile: mine, tokenKey: 'alt' })
    expect(c.tokenFile).toBe(mine)
    expect(c.tokenKey).toBe('alt')
    expect(read(mine)).toEqual({ alt: TOKEN })
  })

  it('refuses to replace a token without overwrite; overwrite replaces it', async () => {
    const c = client()
    await c.saveToken(TOKEN)
    await expect(c.saveToken(OTHER)).rejects.toSatisfy(isTokenExistsError)
    expect(c.requestHeader()).toEqual({ Authorization: `Bearer ${TOKEN}` })
    await c.saveToken(OTHER, { overwrite: true })
    expect(read(files().generic)).toEqual({ token: OTHER })
    expect(c.requestHeader()).toEqual({ Authorization: `Bearer ${OTHER}` })
  })

  it('local-server copies do not switch the active token file (unlike Python)', async () => {
    const c = client({ localServers: ['https://minnie.microns-daf.com'] })
    await c.saveToken(TOKEN, { localServer: true })
    expect(read(files().local)).toEqual({ token: TOKEN })
    expect(c.tokenFile).toBe(files().generic)
    await c.saveToken(OTHER, { overwrite: true, localServer: 'https://other-local.example' })
    expect(read(join(secrets, 'other-local.example-cave-secret.json'))).toEqual({ token: OTHER })
    expect(c.tokenFile).toBe(files().generic)
    expect(c.authorizes('https://other-local.example/')).toBe(false)
  })

  it('rejects with the signal reason when aborted, writing nothing', async () => {
    const c = client()
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await expect(c.saveToken(TOKEN, { signal: controller.signal })).rejects.toThrow('cancelled')
    expect(c.hasToken).toBe(false)
    expect(() => readFileSync(files().generic)).toThrow()
  })
})

describe('token pages', () => {
  it('tokenPageUrl and getNewToken give the deployment pages and warn about invalidation', async () => {
    const c = client({ serverAddress: 'https://example.org/' })
    expect(c.tokenPageUrl()).toBe('https://example.org/sticky_auth/settings/tokens')
    const result = await c.getNewToken()
    expect(result.url).toBe('https://example.org/auth/api/v1/create_token')
    expect(result.tokenPageUrl).toBe('https://example.org/sticky_auth/settings/tokens')
    expect(result.instructions).toContain(result.url)
    expect(result.instructions).toMatch(/invalidates your previous one/)
    expect(warnings.map((w) => w.code)).toEqual(['new-token-invalidates-previous'])
  })

  it('opens the page with the injected opener only when asked', async () => {
    const opened: string[] = []
    const c = client({ opener: (url) => void opened.push(url) })
    await c.getNewToken()
    expect(opened).toEqual([])
    await c.getNewToken({ open: true })
    expect(opened).toEqual(['https://global.daf-apis.com/auth/api/v1/create_token'])
  })

  it('propagates opener failures and honours the abort signal', async () => {
    const c = client({
      opener: async () => {
        throw new Error('no display')
      },
    })
    await expect(c.getNewToken({ open: true })).rejects.toThrow('no display')
    const controller = new AbortController()
    controller.abort()
    await expect(c.getNewToken({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })
})
