import { REDACTED } from './constants.js'

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `text` with every occurrence of each secret (case-insensitively) replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const patterns = [...secrets].filter((s) => s.length > 0).map(escape)
  if (patterns.length === 0) return text
  // Longest first, so a secret containing another is replaced whole.
  patterns.sort((a, b) => b.length - a.length)
  return text.replace(new RegExp(patterns.join('|'), 'gi'), REDACTED)
}
