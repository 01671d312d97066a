import { describe, expect, it } from 'vitest'
import { joinUrl, normalizeBaseUrl } from './url.js'

describe('URL joining', () => {
  it('never produces a double slash', () => {
    expect(joinUrl('https://global.test', '/info/api/v2/datastacks')).toBe('https://global.test/info/api/v2/datastacks')
    expect(joinUrl('https://global.test/', '/info')).toBe('https://global.test/info')
    expect(joinUrl('https://global.test///', '/info')).toBe('https://global.test/info')
    expect(joinUrl('https://host.test/prefix/', '/info')).toBe('https://host.test/prefix/info')
  })

  it('normalises once and rejects non-http addresses', () => {
    expect(normalizeBaseUrl(' https://global.test/ ')).toBe('https://global.test')
    expect(() => normalizeBaseUrl('global.test')).toThrow(/absolute http\(s\) URL/)
    expect(() => normalizeBaseUrl('gs://bucket')).toThrow(/http or https/)
    expect(() => normalizeBaseUrl('https://h.test/?a=1')).toThrow(/query or fragment/)
  })
})
