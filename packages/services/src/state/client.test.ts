import { describe, expect, it } from 'vitest'
import { createStateClient, idFromAnswer } from './client.js'
import {
  isHttpError,
  isInvalidParameterError,
  isPayloadTooLargeError,
  isServerIncompatibilityError,
  type PayloadTooLargeError,
} from '../http/errors.js'
import { parseJson } from '../http/json.js'
import { ELSEWHERE, GLOBAL, TOKEN } from '../test-support/fake-auth.js'
import { demoRecord, fakeContext, jsonResponse, routedFetch } from '../test-support/routed-fetch.js'

const J = `${GLOBAL}/nglstate/api/v1`
const BIG_ID = 2n ** 60n + 12345n // above 2^53: must survive as bigint

function setup(options: { version?: string | 404; pinned?: number; datastack?: string; nglUrl?: string } = {}) {
  const stored = new Map<string, string>()
  let next = BIG_ID
  const post = (prefix: string) => (req: { body: string | undefined }) => {
    const id = next++
    stored.set(String(id), req.body ?? '')
    return jsonResponse(`https://proxy.example/nglstate/api/v1${prefix}/${id}`)
  }
  const f = routedFetch({
    [`GET ${J}/version`]: () => (options.version === 404 ? jsonResponse({ message: 'x' }, 404) : jsonResponse(options.version ?? '0.7.2')),
    [`POST ${J}/post`]: post(''),
    [`POST ${J}/property/post`]: post('/property'),
    [`POST ${GLOBAL}/nglstate/post`]: post(''),
  })
  const getStored = (req: { url: URL }) => {
    const id = req.url.pathname.split('/').filter(Boolean).find((s) => /^\d+$/.test(s)) ?? ''
    const text = stored.get(id)
    return text === undefined ? jsonResponse({ message: 'no such state' }, 404) : new Response(text, { headers: { 'content-type': 'application/json' } })
  }
  f.on(`GET ${J}/${BIG_ID}`, getStored)
  f.on(`GET ${J}/property/${BIG_ID}/info`, getStored)
  f.on(`GET ${GLOBAL}/nglstate/${BIG_ID}`, getStored)
  const { ctx, logger } = fakeContext({
    fetch: f.fetch,
    ...(options.datastack !== undefined && { datastack: options.datastack, info: demoRecord() }),
    ...(options.pinned !== undefined && { pinnedVersions: { state: options.pinned } }),
  })
  const state = createStateClient(ctx, options.nglUrl ? { nglUrl: options.nglUrl } : {})
  return { f, state, logger, stored }
}

describe('state client: states', () => {
  it('uploads a state and reads it back; ids above 2^53 round-trip as bigint', async () => {
    const { f, state, stored } = setup()
    const doc = { layers: [{ type: 'segmentation', segments: ['864691135000000001'] }], big: 2n ** 63n + 1n }
    const id = await state.uploadStateJson(doc)
    expect(id).toBe(BIG_ID)
    expect(typeof id).toBe('bigint')
    const [upload] = f.callsTo('POST /nglstate/api/v1/post')
    expect(upload?.headers.get('content-type')).toBe('application/json')
    expect(upload?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(stored.get(String(BIG_ID))).toContain('"big":9223372036854775809')
    expect(await state.getStateJson(id)).toEqual(doc)
    expect(await state.getStateJson(String(id))).toEqual(doc)
    expect(state.stateServiceEndpoint).toBe(`${J}/post`)
  })

  it('writes bigints as strings with bigintAsString (neuroglancer segment ids)', async () => {
    const { state, stored } = setup()
    await state.uploadStateJson({ segments: [864691135000000001n] }, { bigintAsString: true })
    expect(parseJson(stored.get(String(BIG_ID)) as string)).toEqual({ segments: ['864691135000000001'] })
  })

  it('sends JSON text as is, and refuses text that is not JSON', async () => {
    const { f, state, stored } = setup()
    await state.uploadStateJson('{"layers": [], "id": 18446744073709551615}')
    expect(stored.get(String(BIG_ID))).toBe('{"layers": [], "id": 18446744073709551615}')
    await expect(state.uploadStateJson('{nope')).rejects.toSatisfy(isInvalidParameterError)
    await expect(state.uploadStateJson(undefined)).rejects.toSatisfy(isInvalidParameterError)
    expect(f.callsTo('POST /nglstate/api/v1/post')).toHaveLength(1)
  })

  it('refuses uploads above 2.5 MB before any request, naming size and cap', async () => {
    const { f, state } = setup()
    const big = { blob: 'x'.repeat(2_500_000) }
    const e = await state.uploadStateJson(big).catch((x: unknown) => x)
    expect(isPayloadTooLargeError(e)).toBe(true)
    const p = e as PayloadTooLargeError
    expect(p.size).toBe(2_500_011)
    expect(p.limit).toBe(2_500_000)
    expect(p.message).toMatch(/^state is 2500011 bytes as JSON, more than the 2500000-byte upload limit; nothing was sent/)
    await expect(state.uploadPropertyJson(big)).rejects.toSatisfy(isPayloadTooLargeError)
    expect(f.calls).toHaveLength(0)
    // The cap is adjustable, and counts UTF-8 bytes.
    await expect(state.uploadStateJson({ s: 'é'.repeat(10) }, { maxSizeBytes: 20 })).rejects.toSatisfy(isPayloadTooLargeError)
    expect(await state.uploadStateJson(big, { maxSizeBytes: null })).toBe(BIG_ID)
  })

  it('does not retry an upload on 503 (it might store twice) unless asked', async () => {
    const { f, state } = setup()
    f.on(`POST ${J}/post`, jsonResponse({ message: 'busy' }, 503))
    await expect(state.uploadStateJson({})).rejects.toSatisfy((e) => isHttpError(e) && e.status === 503)
    expect(f.callsTo('POST /nglstate/api/v1/post')).toHaveLength(1)
    await expect(state.uploadStateJson({}, { retryable: true })).rejects.toSatisfy(isHttpError)
    expect(f.callsTo('POST /nglstate/api/v1/post')).toHaveLength(5)
  })

  it('uploads under a chosen id (admin) and checks timestamp needs it', async () => {
    const { f, state } = setup()
    f.on(`POST ${J}/post/${BIG_ID}`, jsonResponse(`${J}/${BIG_ID}`))
    expect(await state.uploadStateJson({}, { stateId: BIG_ID, timestamp: new Date() })).toBe(BIG_ID)
    await expect(state.uploadStateJson({}, { timestamp: Date.now() })).rejects.toSatisfy(isInvalidParameterError)
    await expect(state.uploadStateJson({}, { stateId: -1 })).rejects.toSatisfy(isInvalidParameterError)
    await expect(state.uploadStateJson({}, { stateId: 2 ** 60 })).rejects.toThrow(/above 2\^53/)
  })

  it('fetches a foreign URL without the token, and the deployment’s own URL with it', async () => {
    const { f, state } = setup()
    f.on(`GET ${ELSEWHERE}/states/a.json`, jsonResponse({ foreign: true }))
    f.on(`GET ${GLOBAL}/static/b.json`, jsonResponse({ own: true }))
    expect(await state.getStateJson(`${ELSEWHERE}/states/a.json`)).toEqual({ foreign: true })
    expect(await state.getStateJson(new URL(`middleauth+${GLOBAL}/static/b.json`.replace('middleauth+', '')))).toEqual({ own: true })
    expect(await state.getStateJson(`middleauth+${GLOBAL}/static/b.json`)).toEqual({ own: true })
    const foreign = f.calls.find((c) => c.url.origin === ELSEWHERE)
    expect(foreign?.headers.get('authorization')).toBeNull()
    const own = f.calls.filter((c) => c.url.origin === GLOBAL)
    expect(own.every((c) => c.headers.get('authorization') === `Bearer ${TOKEN}`)).toBe(true)
    await expect(state.getStateJson('not a url')).rejects.toSatisfy(isInvalidParameterError)
    await expect(state.getStateJson('ftp://x/y.json')).rejects.toSatisfy(isInvalidParameterError)
  })

  it('parses only the trailing integer of the upload answer', () => {
    expect(idFromAnswer('https://elsewhere/nglstate/api/v1/12345678901234567890')).toBe(12345678901234567890n)
    expect(idFromAnswer('http://h/x/5/')).toBe(5n)
    expect(idFromAnswer(7)).toBe(7n)
    expect(() => idFromAnswer({ id: 1 })).toThrow(/no trailing state id/)
  })
})

describe('state client: property files', () => {
  it('uploads and reads property files on server ≥ 0.4.0', async () => {
    const { state } = setup()
    const id = await state.uploadPropertyJson({ '@type': 'neuroglancer_segment_properties', inline: { ids: ['1'] } })
    expect(await state.getPropertyJson(id)).toEqual({ '@type': 'neuroglancer_segment_properties', inline: { ids: ['1'] } })
  })

  it('fails fast on an older server and warns (but tries) when the version is unknown', async () => {
    const old = setup({ version: '0.3.9' })
    const e = await old.state.getPropertyJson(1).catch((x: unknown) => x)
    expect(isServerIncompatibilityError(e)).toBe(true)
    expect((e as Error).message).toContain('>=0.4.0')
    await expect(old.state.uploadPropertyJson({})).rejects.toSatisfy(isServerIncompatibilityError)
    expect(old.f.calls.map((c) => c.url.pathname)).toEqual(['/nglstate/api/v1/version'])

    const unknown = setup({ version: 404 })
    expect(await unknown.state.uploadPropertyJson({ a: 1 })).toBe(BIG_ID)
    expect(unknown.logger.warnings.join('\n')).toMatch(/requires state server >=0\.4\.0; the server reported no version/)
  })
})

describe('state client: neuroglancer links', () => {
  const ngl = 'https://viewer.example'
  it('builds seunglab and spelunker links with and without a trailing slash (spec §4.5)', async () => {
    const { f, state } = setup()
    expect(await state.buildNeuroglancerUrl(BIG_ID, { nglUrl: `${ngl}/`, targetSite: 'seunglab' })).toBe(`${ngl}/?json_url=${J}/${BIG_ID}`)
    expect(await state.buildNeuroglancerUrl(BIG_ID, { nglUrl: ngl, targetSite: 'seunglab' })).toBe(`${ngl}/?json_url=${J}/${BIG_ID}`)
    expect(await state.buildNeuroglancerUrl(5, { nglUrl: `${ngl}/`, targetSite: 'spelunker' })).toBe(`${ngl}/#!middleauth+${J}/5`)
    expect(await state.buildNeuroglancerUrl('5', { nglUrl: ngl, targetSite: 'mainline' })).toBe(`${ngl}/#!middleauth+${J}/5`)
    expect(await state.buildNeuroglancerUrl(5, { nglUrl: ngl, targetSite: 'cave-explorer' })).toBe(`${ngl}/#!middleauth+${J}/5`)
    const file = 'https://bucket.example/state.json'
    expect(await state.buildNeuroglancerUrl(file, { nglUrl: ngl, targetSite: 'seunglab', staticUrl: true })).toBe(`${ngl}/?json_url=${file}`)
    expect(await state.buildNeuroglancerUrl(file, { nglUrl: ngl, targetSite: 'spelunker', staticUrl: true })).toBe(`${ngl}/#!${file}`)
    expect(await state.buildNeuroglancerUrl(BIG_ID, { formatProperties: true })).toBe(`precomputed://middleauth+${J}/property/${BIG_ID}`)
    expect(f.calls).toHaveLength(0)
    await expect(state.buildNeuroglancerUrl(5, { targetSite: 'graphene' as never })).rejects.toSatisfy(isInvalidParameterError)
    await expect(state.buildNeuroglancerUrl('x', { staticUrl: true, targetSite: 'seunglab' })).rejects.toSatisfy(isInvalidParameterError)
  })

  it('asks {ngl}/version.json for the site, without the token: non-empty ⇒ spelunker, {} or 404 ⇒ seunglab', async () => {
    const { f, state } = setup()
    f.on(`GET ${ngl}/spelunker/version.json`, jsonResponse({ version: '2.40' }))
    f.on(`GET ${ngl}/empty/version.json`, jsonResponse({}))
    f.on(`GET ${ngl}/html/version.json`, new Response('<html></html>', { headers: { 'content-type': 'text/html' } }))
    expect(await state.buildNeuroglancerUrl(1, { nglUrl: `${ngl}/spelunker/` })).toBe(`${ngl}/spelunker/#!middleauth+${J}/1`)
    expect(await state.buildNeuroglancerUrl(1, { nglUrl: `${ngl}/empty` })).toBe(`${ngl}/empty/?json_url=${J}/1`)
    expect(await state.buildNeuroglancerUrl(1, { nglUrl: `${ngl}/missing` })).toBe(`${ngl}/missing/?json_url=${J}/1`)
    expect(await state.getNeuroglancerInfo(`${ngl}/html`)).toEqual({})
    expect(await state.getNeuroglancerInfo(`${ngl}/spelunker`)).toEqual({ version: '2.40' })
    const probes = f.calls.filter((c) => c.url.pathname.endsWith('/version.json'))
    expect(probes.map((c) => c.url.pathname)).toContain('/spelunker/version.json')
    expect(probes.every((c) => c.headers.get('authorization') === null)).toBe(true)
    f.on(`GET ${ngl}/broken/version.json`, jsonResponse({ message: 'x' }, 500))
    await expect(state.getNeuroglancerInfo(`${ngl}/broken`)).rejects.toSatisfy(isHttpError)
  })

  it('defaults the viewer to the client option, then the datastack’s viewer_site, then neuroglancer.neuvue.io', async () => {
    const opt = setup({ nglUrl: ngl })
    expect(await opt.state.buildNeuroglancerUrl(1, { targetSite: 'seunglab' })).toBe(`${ngl}/?json_url=${J}/1`)
    const ds = setup({ datastack: 'ds1' })
    expect(await ds.state.buildNeuroglancerUrl(1, { targetSite: 'spelunker' })).toBe(`https://viewer.test/#!middleauth+${J}/1`)
    const global = setup()
    expect(await global.state.buildNeuroglancerUrl(1, { targetSite: 'seunglab' })).toBe(`https://neuroglancer.neuvue.io/?json_url=${J}/1`)
  })
})

describe('state client: legacy v0', () => {
  it('uses /nglstate/post and /nglstate/{id} when pinned, and has no property files', async () => {
    const { f, state } = setup({ pinned: 0 })
    expect(state.apiVersion).toBe(0)
    const id = await state.uploadStateJson({ v: 0 })
    expect(await state.getStateJson(id)).toEqual({ v: 0 })
    expect(f.calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['POST /nglstate/post', `GET /nglstate/${BIG_ID}`])
    expect(await state.buildNeuroglancerUrl(id, { nglUrl: ngl(), targetSite: 'spelunker' })).toBe(`${ngl()}/#!middleauth+${GLOBAL}/nglstate/${id}`)
    await expect(state.getPropertyJson(1)).rejects.toSatisfy(isServerIncompatibilityError)
    await expect(state.uploadStateJson({}, { stateId: 3 })).rejects.toSatisfy(isServerIncompatibilityError)
    expect(await state.getServerVersion()).toBeUndefined()
    expect(() => setup({ pinned: 2 })).toThrow(/state API v2 is not supported/)
  })
  const ngl = () => 'https://viewer.example'
})
