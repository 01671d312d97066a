import { AuthConfigError } from './errors.js'

/** `key` when it is a usable record key (a non-empty string), else an `AuthConfigError` for `tokenKey`. */
export function validateTokenKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AuthConfigError('tokenKey', 'tokenKey must be a non-empty string')
  }
  return key
}
