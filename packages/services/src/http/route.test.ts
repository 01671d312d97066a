import { describe, expect, it } from 'vitest'
import { fillPath, parseRoute } from './route.js'
import { isInvalidParameterError, InvalidParameterError } from './errors.js'

describe('parseRoute', () => {
  it('splits method, path and placeholders', () => {
    expect(parseRoute('GET /info/api/v2/datastack/full/{datastack}')).toEqual({
      method: 'GET',
      path: '/info/api/v2/datastack/full/{datastack}',
      params: ['datastack'],
    })
    expect(parseRoute('POST /a/{x}/b/{y_2}').params).toEqual(['x', 'y_2'])
  })

  it('rejects routes without a method or a leading slash', () => {
    expect(() => parseRoute('/info/api/v2/datastacks')).toThrow(InvalidParameterError)
    expect(() => parseRoute('FETCH /x')).toThrow(/GET \/path/)
    expect(() => parseRoute('GET info')).toThrow(InvalidParameterError)
  })
})

describe('fillPath', () => {
  const route = parseRoute('GET /info/api/v2/aligned_volume/{aligned_volume}/x/{id}')

  it('URL-encodes each value', () => {
    expect(fillPath(route, { aligned_volume: 'a b/c?d#e%', id: 7 })).toBe('/info/api/v2/aligned_volume/a%20b%2Fc%3Fd%23e%25/x/7')
  })

  it('writes bigint ids exactly', () => {
    expect(fillPath(route, { aligned_volume: 'v', id: 18446744073709551615n })).toBe('/info/api/v2/aligned_volume/v/x/18446744073709551615')
  })

  it('names a missing parameter', () => {
    try {
      fillPath(route, { aligned_volume: 'v' })
      expect.unreachable()
    } catch (e) {
      expect(isInvalidParameterError(e)).toBe(true)
      expect((e as InvalidParameterError).parameter).toBe('id')
      expect((e as Error).message).toContain('needs parameter "id"')
      expect((e as Error).message).toContain('/x/{id}')
    }
  })

  it('rejects unknown, empty, dot-segment and imprecise values', () => {
    expect(() => fillPath(route, { aligned_volume: 'v', id: 1, idd: 2 })).toThrow(/no parameter "idd"/)
    expect(() => fillPath(route, { aligned_volume: '', id: 1 })).toThrow(/must not be ""/)
    expect(() => fillPath(route, { aligned_volume: '..', id: 1 })).toThrow(/must not be "\.\."/)
    expect(() => fillPath(route, { aligned_volume: 'v', id: 864691135217871271 })).toThrow(/above 2\^53/)
    expect(() => fillPath(route, { aligned_volume: 'v', id: Number.NaN })).toThrow(/finite/)
  })
})
