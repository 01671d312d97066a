import { describe, expect, it } from 'vitest'
import { decodeUint64LE, encodeUint64LE, isUint64, toUint64, toUint64Array, UINT64_MAX } from './uint64.js'
import { isInvalidParameterError, isResponseFormatError } from './errors.js'

describe('uint64 ids', () => {
  it('accepts bigints, safe numbers and decimal strings in [0, 2^64)', () => {
    expect(toUint64(864691135217871271n)).toBe(864691135217871271n)
    expect(toUint64('18446744073709551615')).toBe(UINT64_MAX)
    expect(toUint64(42)).toBe(42n)
    expect(isUint64(UINT64_MAX)).toBe(true)
    expect(isUint64(UINT64_MAX + 1n)).toBe(false)
  })

  it('rejects with a message naming the value', () => {
    const bad: [unknown, RegExp][] = [
      [-1n, /must not be negative/],
      [1n << 64n, /does not fit in 64 bits/],
      [1.5, /must be an integer/],
      [864691135217871271, /lost precision/],
      ['12a', /decimal uint64/],
      ['-3', /decimal uint64/],
    ]
    for (const [v, msg] of bad) {
      expect(() => toUint64(v as bigint, 'root_id')).toThrow(msg)
      try {
        toUint64(v as bigint, 'root_id')
      } catch (e) {
        expect(isInvalidParameterError(e)).toBe(true)
      }
    }
    expect(() => toUint64Array([1n, -2n])).toThrow(/ids\[1\]/)
  })
})

describe('packed little-endian uint64', () => {
  const ids = [864691135217871271n, 18446744073709551615n, 0n, 1n]

  it('encodes little-endian', () => {
    const bytes = encodeUint64LE(ids)
    expect(bytes.byteLength).toBe(32)
    expect(Array.from(bytes.slice(8, 16))).toEqual([255, 255, 255, 255, 255, 255, 255, 255])
    expect(Array.from(bytes.slice(24, 32))).toEqual([1, 0, 0, 0, 0, 0, 0, 0])
    const dv = new DataView(bytes.buffer)
    expect(dv.getBigUint64(0, true)).toBe(864691135217871271n)
  })

  it('decodes aligned and unaligned views exactly', () => {
    const bytes = encodeUint64LE(ids)
    expect(Array.from(decodeUint64LE(bytes.buffer))).toEqual(ids)
    const shifted = new Uint8Array(bytes.byteLength + 3)
    shifted.set(bytes, 3)
    expect(Array.from(decodeUint64LE(shifted.subarray(3)))).toEqual(ids)
  })

  it('rejects a length that is not a multiple of 8', () => {
    try {
      decodeUint64LE(new Uint8Array(12))
      expect.unreachable()
    } catch (e) {
      expect(isResponseFormatError(e)).toBe(true)
      expect((e as Error).message).toMatch(/multiple of 8 bytes.*12/)
    }
  })
})
