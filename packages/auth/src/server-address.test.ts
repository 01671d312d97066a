import { describe, expect, it } from 'vitest'
import { isAuthConfigError } from './errors.js'
import { netloc, normalizeServerAddress, originOf } from './server-address.js'

describe('normalizeServerAddress', () => {
  it('strips trailing slashes and keeps the path', () => {
    expect(normalizeServerAddress('https://global.daf-apis.com/')).toBe('https://global.daf-apis.com')
    expect(normalizeServerAddress('https://global.daf-apis.com///')).toBe('https://global.daf-apis.com')
    expect(normalizeServerAddress('https://example.org/prefix/')).toBe('https://example.org/prefix')
  })

  it('adds https:// when the scheme is missing and keeps http://', () => {
    expect(normalizeServerAddress('global.daf-apis.com')).toBe('https://global.daf-apis.com')
    expect(normalizeServerAddress('localhost:8000')).toBe('https://localhost:8000')
    expect(normalizeServerAddress('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000')
  })

  it('lower-cases the host and drops default ports, query and fragment', () => {
    expect(normalizeServerAddress('HTTPS://Global.DAF-apis.com:443/?x=1#y')).toBe('https://global.daf-apis.com')
  })

  it('rejects non-URLs, other schemes and credentials with an AuthConfigError naming the field', () => {
    for (const bad of ['', 'https://', 'ftp://example.org', 'https://user:secret@example.org']) {
      let caught: unknown
      try {
        normalizeServerAddress(bad)
      } catch (error) {
        caught = error
      }
      expect(isAuthConfigError(caught), bad).toBe(true)
      expect((caught as { field: string }).field).toBe('serverAddress')
      expect(String(caught)).not.toContain('secret')
    }
  })
})

describe('netloc', () => {
  it('is host[:port]; a missing scheme means https', () => {
    expect(netloc('https://global.daf-apis.com')).toBe('global.daf-apis.com')
    expect(netloc('global.daf-apis.com/some/path')).toBe('global.daf-apis.com')
    expect(netloc('http://localhost:8000/')).toBe('localhost:8000')
    expect(netloc('minnie.microns-daf.com:4443')).toBe('minnie.microns-daf.com:4443')
    expect(netloc(new URL('https://a.example:8443/x'))).toBe('a.example:8443')
  })
})

describe('originOf', () => {
  it('gives scheme://host[:port]', () => {
    expect(originOf('https://a.example/path?q')).toBe('https://a.example')
    expect(originOf('a.example:8443')).toBe('https://a.example:8443')
    expect(originOf('http://a.example:80')).toBe('http://a.example')
  })
})
