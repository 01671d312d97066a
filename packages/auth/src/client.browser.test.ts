import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { platform } from '#platform'
import {
  AuthClient,
  isAuthConfigError,
  isTokenExistsError,
  storageKeyFor,
  type AuthClientOptions,
  type AuthWarning,
  type TokenExistsError,
} from './index.js'

// Real Chromium: `@daf/auth` loads (so it imports no Node module), `#platform` is the browser one,
// and tokens live in localStorage per server.
const TOKEN = '0123456789abcdef0123456789abcdef'
const OTHER = 'fedcba9876543210fedcba9876543210'
const NG = 'ab12ab12ab12ab12ab12ab12ab12ab12'
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

let warnings: AuthWarning[]
const client = (options: AuthClientOptions = {}) => new AuthClient({ onWarning: (w) => warnings.push(w), ...options })
const neuroglancerEntry = (token: string, tokenType = 'Bearer') =>
  JSON.stringify({ tokenType, accessToken: token, url: 'https://global.daf-apis.com/sticky_auth', appUrls: [] })

beforeEach(() => {
  localStorage.clear()
  warnings = []
})
afterEach(() => {
  localStorage.clear()
  vi.restoreAllMocks()
})

describe('@daf/auth in a browser', () => {
  it('uses the browser platform', () => {
    expect(platform.name).toBe('browser')
    expect(typeof (globalThis as { process?: unknown }).process).toBe('undefined')
    expect(client().tokenFile).toBeUndefined()
  })

  it('has no token by default and sends nothing', () => {
    const c = client()
    expect(c.tokenSource).toBe('none')
    expect(c.headersFor('https://global.daf-apis.com/info')).toEqual({})
  })

  it('saveToken writes a per-server localStorage record and switches to it', async () => {
    const c = client()
    const result = await c.saveToken(TOKEN.toUpperCase())
    const key = 'daf_auth_token_v1_https://global.daf-apis.com'
    expect(storageKeyFor('https://global.daf-apis.com/')).toBe(key)
    expect(result).toEqual({ location: { storageKey: key }, written: [key], unchanged: [], skipped: [] })
    expect(JSON.parse(localStorage.getItem(key) ?? 'null')).toEqual({ token: TOKEN })
    expect(c.tokenInfo).toEqual({ source: 'saved', key: 'token', storageKey: key })
    expect(c.requestHeader()).toEqual(bearer(TOKEN))

    const again = client()
    expect(again.tokenSource).toBe('local-storage')
    expect(again.tokenInfo.storageKey).toBe(key)
    expect(again.requestHeader()).toEqual(bearer(TOKEN))
  })

  it('keeps tokens per server', async () => {
    await client({ serverAddress: 'https://a.example' }).saveToken(TOKEN)
    await client({ serverAddress: 'https://b.example:8443' }).saveToken(OTHER)
    expect(client({ serverAddress: 'a.example/' }).requestHeader()).toEqual(bearer(TOKEN))
    expect(client({ serverAddress: 'https://b.example:8443' }).requestHeader()).toEqual(bearer(OTHER))
    expect(client({ serverAddress: 'https://b.example' }).hasToken).toBe(false)
    expect(client().hasToken).toBe(false)
  })

  it('refuses to replace a token without overwrite, keeps other keys, writes local-server copies', async () => {
    const c = client({ localServers: ['https://local.example'] })
    await c.saveToken(TOKEN)
    const key = storageKeyFor('https://global.daf-apis.com')
    const error = await c.saveToken(OTHER).catch((e: unknown) => e)
    expect(isTokenExistsError(error)).toBe(true)
    expect((error as TokenExistsError).storageKey).toBe(key)
    expect(String(error)).not.toContain(OTHER)
    await c.saveToken(OTHER, { tokenKey: 'second', switchToken: false })
    await c.saveToken(OTHER, { overwrite: true, localServer: true })
    expect(JSON.parse(localStorage.getItem(key) ?? 'null')).toEqual({ token: OTHER, second: OTHER })
    expect(JSON.parse(localStorage.getItem(storageKeyFor('https://local.example')) ?? 'null')).toEqual({ token: OTHER })
  })

  it('rejects the Node-only tokenFile option', () => {
    let caught: unknown
    try {
      client({ tokenFile: '~/.cloudvolume/secrets/cave-secret.json' })
    } catch (error) {
      caught = error
    }
    expect(isAuthConfigError(caught)).toBe(true)
    expect((caught as { field: string }).field).toBe('tokenFile')
  })
})

describe('browser lookup order', () => {
  it('explicit token > own localStorage record > neuroglancer entry', () => {
    localStorage.setItem('auth_token_v2_https://global.daf-apis.com/sticky_auth', neuroglancerEntry(NG))
    expect(client().tokenSource).toBe('neuroglancer')
    expect(client().tokenInfo.storageKey).toBe('auth_token_v2_https://global.daf-apis.com/sticky_auth')
    expect(client().requestHeader()).toEqual(bearer(NG))

    localStorage.setItem(storageKeyFor('https://global.daf-apis.com'), JSON.stringify({ token: TOKEN }))
    expect(client().tokenSource).toBe('local-storage')
    expect(client().requestHeader()).toEqual(bearer(TOKEN))

    expect(client({ token: OTHER }).tokenSource).toBe('explicit')
    expect(client({ token: OTHER }).requestHeader()).toEqual(bearer(OTHER))
  })

  it('reads neuroglancer entries for {server}/auth and configured login URLs, Bearer only', () => {
    localStorage.setItem('auth_token_v2_https://global.daf-apis.com/auth', neuroglancerEntry(NG))
    expect(client().requestHeader()).toEqual(bearer(NG))

    localStorage.clear()
    localStorage.setItem('auth_token_v2_https://login.example/sticky_auth', neuroglancerEntry(NG))
    expect(client().hasToken).toBe(false)
    expect(client({ neuroglancerAuthUrls: ['https://login.example/sticky_auth'] }).requestHeader()).toEqual(bearer(NG))
    expect(client({ neuroglancerAuthUrls: false }).hasToken).toBe(false)

    localStorage.setItem('auth_token_v2_https://global.daf-apis.com/sticky_auth', neuroglancerEntry(NG, 'Basic'))
    expect(client().hasToken).toBe(false)
    localStorage.setItem('auth_token_v2_https://global.daf-apis.com/sticky_auth', '{not json')
    expect(client().hasToken).toBe(false)
  })

  it('ignores neuroglancer entries for a non-default token key', () => {
    localStorage.setItem('auth_token_v2_https://global.daf-apis.com/sticky_auth', neuroglancerEntry(NG))
    expect(client({ tokenKey: 'alt' }).hasToken).toBe(false)
  })

  it('falls back to page memory when storage is unavailable, with a warning', async () => {
    const c = client({ storage: null, serverAddress: 'https://memory.example' })
    await c.saveToken(TOKEN)
    expect(warnings.map((w) => w.code)).toEqual(['storage-unavailable'])
    expect(JSON.stringify(warnings)).not.toContain(TOKEN)
    expect(c.requestHeader()).toEqual(bearer(TOKEN))
    expect(localStorage.length).toBe(0)
    const another = client({ storage: null, serverAddress: 'https://memory.example' })
    expect(another.tokenSource).toBe('memory')
    expect(another.requestHeader()).toEqual(bearer(TOKEN))
  })

  it('falls back to memory when localStorage refuses the write (quota)', async () => {
    const full = {
      getItem: (key: string) => localStorage.getItem(key),
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    }
    const c = client({ storage: full, serverAddress: 'https://quota.example' })
    await c.saveToken(OTHER)
    expect(warnings[0]?.code).toBe('storage-unavailable')
    expect(warnings[0]?.message).toContain('QuotaExceededError')
    expect(c.requestHeader()).toEqual(bearer(OTHER))
  })
})

describe('origins and secrecy in a browser', () => {
  it('sends the header only to the deployment origins', () => {
    const c = client({ token: TOKEN, allowedOrigins: [location.origin] })
    c.addLocalServer('https://minnie.microns-daf.com')
    expect(c.headersFor('https://global.daf-apis.com/info/api/v2/datastacks')).toEqual(bearer(TOKEN))
    expect(c.headersFor('https://minnie.microns-daf.com/segmentation/api/v1/table/x')).toEqual(bearer(TOKEN))
    expect(c.headersFor(new URL('/same-origin', location.href))).toEqual(bearer(TOKEN))
    for (const url of [
      'https://global.daf-apis.com.evil.com/',
      'http://global.daf-apis.com/',
      'https://global.daf-apis.com:8443/',
      'https://global.daf-apis.com@evil.com/',
      'https://neuroglancer-demo.appspot.com/',
      'https://storage.googleapis.com/bucket/info',
    ]) {
      expect(c.headersFor(url), url).toEqual({})
    }
  })

  it('keeps the token out of toString and JSON', () => {
    const c = client({ token: TOKEN })
    expect(String(c)).not.toContain(TOKEN)
    expect(JSON.stringify(c)).not.toContain(TOKEN)
    expect(JSON.stringify({ ...c })).toBe('{}')
    expect(c.redact(`Bearer ${TOKEN}`)).toBe('Bearer [redacted]')
  })

  it('getNewToken opens the page with window.open only when asked', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null)
    const c = client()
    const result = await c.getNewToken()
    expect(result.url).toBe('https://global.daf-apis.com/auth/api/v1/create_token')
    expect(open).not.toHaveBeenCalled()
    await c.getNewToken({ open: true })
    expect(open).toHaveBeenCalledWith(result.url, '_blank', 'noopener,noreferrer')
  })
})
