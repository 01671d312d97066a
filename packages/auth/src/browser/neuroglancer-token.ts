import { parseTokenRecord } from '../token-record.js'
import type { KeyValueStorage } from './key-value-storage.js'

/**
 * Neuroglancer's middleauth login stores `{tokenType: "Bearer", accessToken, url, appUrls}` under
 * `localStorage["auth_token_v2_" + authUrl]`, where `authUrl` is the `login_url` a service's
 * `/auth_info` reports (on CAVE deployments `{server}/sticky_auth` or `{server}/auth`). Reading it
 * lets a web app on the same origin as neuroglancer reuse its login. This package never writes it.
 */
export const NEUROGLANCER_KEY_PREFIX = 'auth_token_v2_'

/** The login URLs tried when none are configured. */
export function defaultNeuroglancerAuthUrls(serverAddress: string): string[] {
  return [`${serverAddress}/sticky_auth`, `${serverAddress}/auth`]
}

/** The bearer token neuroglancer stored for the first of `authUrls` that has one. */
export function readNeuroglancerToken(
  storage: Pick<KeyValueStorage, 'getItem'>,
  authUrls: readonly string[],
): { token: string; storageKey: string } | undefined {
  for (const authUrl of authUrls) {
    const storageKey = `${NEUROGLANCER_KEY_PREFIX}${authUrl}`
    const text = storage.getItem(storageKey)
    if (text === null) continue
    const record = parseTokenRecord(text)
    const token = record?.['accessToken']
    const type = record?.['tokenType']
    if (typeof token !== 'string' || token === '') continue
    if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) continue
    return { token, storageKey }
  }
  return undefined
}
