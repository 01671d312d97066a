/**
 * Server address + path. The Python client concatenates blindly, so `https://host/` produced `//`
 * in every path (spec §1.5, §6.3 #13); here the address is normalised once.
 */
import { InvalidParameterError } from './errors.js'

/** `address` without trailing slashes; must be an absolute http(s) URL without query or fragment. */
export function normalizeBaseUrl(address: string | URL, parameter = 'baseUrl'): string {
  const raw = String(address).trim()
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new InvalidParameterError(parameter, `${parameter} must be an absolute http(s) URL, got "${raw}"`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidParameterError(parameter, `${parameter} must use http or https, got "${u.protocol}"`)
  }
  if (u.search || u.hash) {
    throw new InvalidParameterError(parameter, `${parameter} must not contain a query or fragment`)
  }
  return raw.replace(/\/+$/, '')
}

/** `baseUrl` + `path` (which starts with `/`), with exactly one slash between them. */
export function joinUrl(baseUrl: string | URL, path: string): string {
  const base = normalizeBaseUrl(baseUrl)
  return `${base}/${path.replace(/^\/+/, '')}`
}
