import { TokenFormatError } from './errors.js'

const tokenPattern = /^[a-f0-9]{32}$/

/** True when `token` (after lower-casing) looks like a CAVE token: 32 hexadecimal characters. */
export function isWellFormedToken(token: unknown): token is string {
  return typeof token === 'string' && tokenPattern.test(token.trim().toLowerCase())
}

/**
 * The token in canonical form (trimmed, lower-cased), or a `TokenFormatError` naming `field`.
 * Used before a token is stored; tokens read from files are used as they are.
 */
export function normalizeToken(token: unknown, field = 'token'): string {
  if (typeof token !== 'string') throw new TokenFormatError(field, undefined)
  const canonical = token.trim().toLowerCase()
  if (!tokenPattern.test(canonical)) throw new TokenFormatError(field, canonical.length)
  return canonical
}
