import { describe, expect, it } from 'vitest'
import { formatJson, pyFloat, pyString } from './json-format.js'

describe('formatJson (Python json.dumps(indent=2, sort_keys=True))', () => {
  it('sorts keys recursively, indents by two, separators "," and ": "', () => {
    const text = formatJson({ b: 1, a: { d: [1, 2], c: 'x' }, e: [], f: {} })
    expect(text).toBe('{\n  "a": {\n    "c": "x",\n    "d": [\n      1,\n      2\n    ]\n  },\n  "b": 1,\n  "e": [],\n  "f": {}\n}')
  })

  it('escapes non-ASCII as \\uXXXX (surrogate pairs for astral characters) and control characters', () => {
    expect(pyString('é😀')).toBe('"\\u00e9\\ud83d\\ude00"')
    expect(pyString('a"b\\c\n\t\u0001\u007f')).toBe('"a\\"b\\\\c\\n\\t\\u0001\u007f"')
  })

  it('prints floats like Python repr and bigints as bare integers', () => {
    expect(pyFloat(4.5)).toBe('4.5')
    expect(pyFloat(1e-5)).toBe('1e-05')
    expect(pyFloat(0.0001)).toBe('0.0001')
    expect(pyFloat(1.5e16)).toBe('1.5e+16')
    expect(pyFloat(1e22)).toBe('1e+22')
    expect(pyFloat(123456.789)).toBe('123456.789')
    expect(pyFloat(NaN)).toBe('NaN')
    expect(pyFloat(-Infinity)).toBe('-Infinity')
    expect(pyFloat(40)).toBe('40')
    expect(formatJson({ id: 864691135217871271n })).toBe('{\n  "id": 864691135217871271\n}')
  })
})
