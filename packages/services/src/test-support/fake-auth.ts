/** A fake Authorizer for tests: one deployment origin, one known token. */
import type { Authorizer } from '@daf/auth'

export const TOKEN = '0123456789abcdef0123456789abcdef'
export const GLOBAL = 'https://global.test'
export const LOCAL = 'https://local.test'
export const ELSEWHERE = 'https://bucket.storage.test'

export function fakeAuth(origins: string[] = [GLOBAL, LOCAL], token = TOKEN): Authorizer {
  const authorizes = (url: string | URL) => origins.includes(new URL(String(url)).origin)
  return {
    authorizes,
    headersFor: (url): Record<string, string> => (authorizes(url) ? { Authorization: `Bearer ${token}` } : {}),
    redact: (text) => text.split(token).join('[redacted]'),
  }
}

/** A logger that remembers what it was told. */
export function recordingLogger() {
  const warnings: string[] = []
  const debugs: string[] = []
  return { warnings, debugs, warn: (m: string) => void warnings.push(m), debug: (m: string) => void debugs.push(m) }
}

/** Every place a secret could leak from an error. */
export function errorSurfaces(e: unknown): string {
  const o = e as Record<string, unknown>
  return [String(o.message), String(o.stack), String(o.url), String(o.bodyExcerpt), String(o.serverMessage), JSON.stringify(e), JSON.stringify(o.headers ?? {})].join('\n')
}
