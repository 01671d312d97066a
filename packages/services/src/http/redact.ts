/**
 * Keeping the token out of errors and logs: URLs lose token-bearing query parameters and user info,
 * texts go through the Authorizer's `redact` plus patterns for tokens we never knew about.
 */

/** Query parameters that carry credentials (middle_auth accepts `middle_auth_token`). */
const TOKEN_PARAMS = ['middle_auth_token', 'token', 'access_token', 'auth_token', 'api_key', 'key']

export interface Redactor {
  redact(text: string): string
}

/** `url` without credential query parameters and without `user:password@`. Non-URLs pass through redactText. */
export function scrubUrl(url: string | URL): string {
  let u: URL
  try {
    u = new URL(String(url))
  } catch {
    return redactText(String(url))
  }
  u.username = ''
  u.password = ''
  // Touch searchParams only when needed: it re-encodes the whole query.
  for (const name of TOKEN_PARAMS) if (u.searchParams.has(name)) u.searchParams.delete(name)
  const out = u.toString()
  return out.endsWith('?') ? out.slice(0, -1) : out
}

const PATTERNS: [RegExp, string][] = [
  [/(middle_auth_token|access_token|auth_token)=[^&\s"'<>;]+/gi, '$1=[redacted]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1[redacted]'],
  [/("(?:token|access_token|middle_auth_token)"\s*:\s*")[^"]*"/gi, '$1[redacted]"'],
]

/** `text` with known tokens (via `redactor`) and token-shaped fragments replaced by `[redacted]`. */
export function redactText(text: string, redactor?: Redactor): string {
  let out = redactor ? redactor.redact(text) : text
  for (const [re, repl] of PATTERNS) out = out.replace(re, repl)
  return out
}

export const DEFAULT_EXCERPT_BYTES = 2048

/** Redacts first, then truncates, so a token cut in half by the limit cannot slip through. */
export function bodyExcerpt(text: string, redactor?: Redactor, max = DEFAULT_EXCERPT_BYTES): string {
  const clean = redactText(text, redactor)
  if (clean.length <= max) return clean
  return `${clean.slice(0, max)}… (${clean.length - max} more characters)`
}
