import { describe, expect, it } from 'vitest'
import { OriginSet } from './origin-set.js'

describe('OriginSet', () => {
  const set = new OriginSet()
  set.add('https://global.daf-apis.com')
  set.add('http://localhost:8000')

  it('matches URLs on an added origin, any path', () => {
    expect(set.has('https://global.daf-apis.com/info/api/v2/datastacks')).toBe(true)
    expect(set.has('https://GLOBAL.daf-apis.com:443/x')).toBe(true)
    expect(set.has(new URL('https://global.daf-apis.com/auth'))).toBe(true)
    expect(set.has('http://localhost:8000/segmentation')).toBe(true)
  })

  it.each([
    ['look-alike suffix', 'https://global.daf-apis.com.evil.com/info'],
    ['look-alike prefix', 'https://evilglobal.daf-apis.com/'],
    ['subdomain', 'https://x.global.daf-apis.com/'],
    ['other scheme', 'http://global.daf-apis.com/'],
    ['other port', 'https://global.daf-apis.com:8443/'],
    ['userinfo trick', 'https://global.daf-apis.com@evil.com/'],
    ['userinfo trick with port', 'https://global.daf-apis.com:443@evil.com/'],
    ['credentials on the right host', 'https://user:pw@global.daf-apis.com/'],
    ['https on the http origin', 'https://localhost:8000/'],
    ['other port on localhost', 'http://localhost:8001/'],
    ['websocket', 'wss://global.daf-apis.com/'],
    ['relative URL', '/info/api/v2'],
    ['protocol-relative URL', '//global.daf-apis.com/info'],
    ['no scheme', 'global.daf-apis.com/info'],
    ['garbage', 'not a url'],
    ['data URL', 'data:text/plain,https://global.daf-apis.com'],
    ['backslash trick', 'https://evil.com\\@global.daf-apis.com/'],
  ])('refuses %s', (_name, url) => {
    expect(set.has(url)).toBe(false)
  })

  it('lists origins in insertion order', () => {
    expect(set.values()).toEqual(['https://global.daf-apis.com', 'http://localhost:8000'])
  })
})
