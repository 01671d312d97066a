// Runs in Chromium: the package must load without Node built-ins, and the browser-only paths apply.
import { describe, expect, it } from 'vitest'
import {
  createHttpClient,
  decodeUint64LE,
  encodeUint64LE,
  isUnsupportedInBrowserError,
  parseJson,
  stringifyJson,
  type UnsupportedInBrowserError,
} from '../index.js'
import { ELSEWHERE, GLOBAL, TOKEN, fakeAuth } from '../test-support/fake-auth.js'
import { json, scriptedFetch } from '../test-support/scripted-fetch.js'

describe('@daf/services in a browser', () => {
  it('loads in a real browser', () => {
    expect(typeof window).toBe('object')
    expect(typeof createHttpClient).toBe('function')
  })

  it('refuses GET with a body with UnsupportedInBrowserError, sending nothing', async () => {
    const { fetch, calls } = scriptedFetch([json(1)])
    const client = createHttpClient({ fetch, auth: fakeAuth() })
    const e = await client
      .send('GET', `${GLOBAL}/segmentation/api/v1/table/t/past_id_mapping?middle_auth_token=${TOKEN}`, { json: { root_ids: [1n] } })
      .catch((x: unknown) => x)
    expect(isUnsupportedInBrowserError(e)).toBe(true)
    expect((e as UnsupportedInBrowserError).message).toContain(`GET ${GLOBAL}/segmentation/api/v1/table/t/past_id_mapping needs a request body`)
    expect((e as Error).message).not.toContain(TOKEN)
    expect(calls).toHaveLength(0)
  })

  it('attaches the token only for origins the Authorizer allows', async () => {
    const { fetch, calls } = scriptedFetch([json(1)])
    const client = createHttpClient({ fetch, auth: fakeAuth([GLOBAL]) })
    await client.send('GET', `${GLOBAL}/info/api/v2/datastacks`)
    await client.send('GET', `${ELSEWHERE}/bucket/info`)
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(calls[1]?.headers.get('authorization')).toBeNull()
    expect(calls.every((c) => c.init.credentials !== 'include')).toBe(true)
  })

  it('parses and writes uint64 ids losslessly', () => {
    const v = parseJson('{"root_id":864691135217871271,"max":18446744073709551615,"n":1}') as Record<string, unknown>
    expect(v.root_id).toBe(864691135217871271n)
    expect(v.max).toBe(18446744073709551615n)
    expect(v.n).toBe(1)
    expect(stringifyJson(v)).toBe('{"root_id":864691135217871271,"max":18446744073709551615,"n":1}')
    const ids = [864691135217871271n, 18446744073709551615n]
    expect(Array.from(decodeUint64LE(encodeUint64LE(ids)))).toEqual(ids)
  })
})
