import { describe, expect, it } from 'vitest'
import { appendQuery, encodeQuery, jsonArrayText } from './query.js'

describe('encodeQuery', () => {
  it('writes booleans lowercase, numbers and bigints as decimals', () => {
    expect(encodeQuery({ a: true, b: false, t: 1700000000.25, id: 864691135217871271n, n: 0 })).toBe(
      'a=true&b=false&t=1700000000.25&id=864691135217871271&n=0',
    )
  })

  it('comma-joins lists and keeps commas literal', () => {
    expect(encodeQuery({ annotation_ids: [1, 2n, '3'], flags: [true, false] })).toBe('annotation_ids=1,2,3&flags=true,false')
  })

  it('sends JSON array text for operation_ids', () => {
    const q = encodeQuery({ operation_ids: jsonArrayText([1, 18446744073709551615n]) })
    expect(decodeURIComponent(q)).toBe('operation_ids=[1, 18446744073709551615]')
    expect(jsonArrayText(['a"b']).jsonText).toBe('["a\\"b"]')
  })

  it('skips undefined and null, encodes the rest', () => {
    expect(encodeQuery({ a: undefined, b: null, 'c d': 'x&y=z é' })).toBe('c%20d=x%26y%3Dz%20%C3%A9')
    expect(encodeQuery({})).toBe('')
    expect(encodeQuery(undefined)).toBe('')
  })

  it('rejects values that would be sent wrong', () => {
    expect(() => encodeQuery({ t: Number.NaN })).toThrow(/"t" is NaN/)
    expect(() => encodeQuery({ id: 864691135217871271 })).toThrow(/bigint/)
    expect(() => encodeQuery({ ts: new Date() as never })).toThrow(/toEpochSeconds/)
    expect(() => encodeQuery({ ids: [[1]] as never })).toThrow(/nested array/)
  })
})

describe('appendQuery', () => {
  it('adds ? or & as needed', () => {
    expect(appendQuery('https://h/x', { a: 1 })).toBe('https://h/x?a=1')
    expect(appendQuery('https://h/x?z=0', { a: 1 })).toBe('https://h/x?z=0&a=1')
    expect(appendQuery('https://h/x', { a: undefined })).toBe('https://h/x')
  })
})
