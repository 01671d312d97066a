import { describe, expect, it } from 'vitest'
import { isTokenFormatError, TokenFormatError } from './errors.js'
import { isWellFormedToken, normalizeToken } from './token-format.js'

const token = '0123456789abcdef0123456789abcdef'

describe('normalizeToken', () => {
  it('accepts 32 hex characters and lower-cases them', () => {
    expect(normalizeToken(token)).toBe(token)
    expect(normalizeToken(` ${token.toUpperCase()}\n`)).toBe(token)
  })

  it.each([
    ['too short', token.slice(1)],
    ['too long', `${token}0`],
    ['not hex', `${token.slice(0, 31)}g`],
    ['empty', ''],
  ])('rejects %s with a TokenFormatError naming the field, without the value', (_name, bad) => {
    let caught: unknown
    try {
      normalizeToken(bad, 'newToken')
    } catch (error) {
      caught = error
    }
    expect(isTokenFormatError(caught)).toBe(true)
    expect(caught).toBeInstanceOf(TokenFormatError)
    const error = caught as TokenFormatError
    expect(error.field).toBe('newToken')
    expect(error.message).toContain('newToken')
    if (bad.length > 4) expect(error.message).not.toContain(bad.slice(0, 8))
    expect(JSON.stringify(error)).not.toContain(bad.slice(0, 8) || '\u0000')
  })

  it('rejects non-strings', () => {
    expect(() => normalizeToken(42)).toThrow(TokenFormatError)
  })
})

describe('isWellFormedToken', () => {
  it('checks the format', () => {
    expect(isWellFormedToken(token)).toBe(true)
    expect(isWellFormedToken(token.toUpperCase())).toBe(true)
    expect(isWellFormedToken('abc')).toBe(false)
    expect(isWellFormedToken(undefined)).toBe(false)
  })
})
