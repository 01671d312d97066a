import { AuthConfigError } from './errors.js'

const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i

/** Parses `address` as a URL, treating a missing scheme as `https://`; undefined when it cannot. */
function parseWithScheme(address: string | URL): URL | undefined {
  if (address instanceof URL) return new URL(address.href)
  const text = address.trim()
  if (text === '') return undefined
  try {
    return new URL(hasScheme.test(text) ? text : `https://${text}`)
  } catch {
    return undefined
  }
}

/** Parses a server address or origin that must be an http(s) URL without credentials. */
export function parseServerUrl(address: string | URL, field: string): URL {
  const url = parseWithScheme(address)
  if (url === undefined) throw new AuthConfigError(field, `${field} is not a URL`)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthConfigError(field, `${field} must be an http(s) URL (got scheme ${url.protocol})`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new AuthConfigError(field, `${field} must not contain credentials`)
  }
  return url
}

/**
 * The canonical form of a server address: scheme added when missing (`https://`), query and fragment
 * dropped, trailing slashes stripped. `global.daf-apis.com/` → `https://global.daf-apis.com`.
 */
export function normalizeServerAddress(address: string | URL, field = 'serverAddress'): string {
  const url = parseServerUrl(address, field)
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

/**
 * host[:port] of a server address, as used in `{netloc}-cave-secret.json`; a missing scheme means
 * `https://`. Hosts are lower-cased and a default port (443 for https, 80 for http) is dropped.
 */
export function netloc(address: string | URL): string {
  return parseServerUrl(address, 'address').host
}

/** The origin (scheme://host[:port]) of a server address or origin; a missing scheme means `https://`. */
export function originOf(address: string | URL, field = 'origin'): string {
  return parseServerUrl(address, field).origin
}
