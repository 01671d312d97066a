import { describe, expect, it } from 'vitest'
import { parseJson, stringifyJson } from './json.js'

describe('uint64-safe JSON', () => {
  it('parses ids beyond 2^53 as exact bigints and small ints as numbers', () => {
    const v = parseJson('{"root_id": 864691135217871271, "max": 18446744073709551615, "n": 3, "f": 0.5, "neg": -9007199254740993}') as Record<string, unknown>
    expect(v.root_id).toBe(864691135217871271n)
    expect(v.max).toBe(18446744073709551615n)
    expect(v.n).toBe(3)
    expect(v.f).toBe(0.5)
    expect(v.neg).toBe(-9007199254740993n)
  })

  it('keeps MAX_SAFE_INTEGER a number and floats with long digits floats', () => {
    expect(parseJson('[9007199254740991, 9007199254740992, 1.2345678901234567, 1e300]')).toEqual([
      9007199254740991,
      9007199254740992n,
      1.2345678901234567,
      1e300,
    ])
  })

  it('round-trips through stringify with bare integers', () => {
    const text = '{"leaf_ids":[864691135217871271,18446744073709551615],"s":"864691135217871271"}'
    const v = parseJson(text)
    expect(stringifyJson(v)).toBe(text)
    expect(stringifyJson({ ids: new BigUint64Array([18446744073709551615n, 1n]) })).toBe('{"ids":[18446744073709551615,1]}')
    expect(stringifyJson([1n, 2.5, null, 'x'])).toBe('[1,2.5,null,"x"]')
  })

  it('agrees with JSON.parse on ordinary documents (fast path)', () => {
    const text = '{"a":[1,2,{"b":"c"}],"d":true,"e":null}'
    expect(parseJson(text)).toEqual(JSON.parse(text))
  })

  it('reports invalid JSON and unserialisable values', () => {
    expect(() => parseJson('{"a": 12345678901234567 ')).toThrow()
    expect(() => stringifyJson(undefined)).toThrow(/not serialisable/)
  })
})
