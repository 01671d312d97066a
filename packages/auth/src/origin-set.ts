import { originOf } from './server-address.js'

/**
 * The origins a token may be sent to. Membership is an exact match on scheme, host and port of a
 * parsed URL, so look-alike hosts (`global.daf-apis.com.evil.com`), userinfo tricks
 * (`https://global.daf-apis.com@evil.com`), other schemes and other ports never match.
 */
export class OriginSet {
  readonly #origins = new Set<string>()

  /** Adds the origin of `urlOrOrigin` (a missing scheme means `https://`); returns that origin. */
  add(urlOrOrigin: string | URL, field = 'origin'): string {
    const origin = originOf(urlOrOrigin, field)
    this.#origins.add(origin)
    return origin
  }

  /**
   * True when `url` is an absolute http(s) URL without credentials whose origin is in the set.
   * Relative or unparsable URLs are never authorized.
   */
  has(url: string | URL): boolean {
    let parsed: URL
    try {
      parsed = url instanceof URL ? url : new URL(url)
    } catch {
      return false
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false
    if (parsed.username !== '' || parsed.password !== '') return false
    return this.#origins.has(parsed.origin)
  }

  /** The origins, in insertion order. */
  values(): string[] {
    return [...this.#origins]
  }
}
