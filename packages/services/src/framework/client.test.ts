import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { AuthClient } from '@daf/auth'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CaveClient, FrameworkClient } from './client.js'
import { isGlobalClientError, isInvalidParameterError } from '../http/errors.js'
import { DATASTACK_MAP_FILE } from '../platform/platform.js'
import { GLOBAL, LOCAL, TOKEN, recordingLogger } from '../test-support/fake-auth.js'
import { demoRecord, jsonResponse, routedFetch } from '../test-support/routed-fetch.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'daf-framework-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const mapFile = () => join(dir, DATASTACK_MAP_FILE)

function deployment() {
  return routedFetch({
    [`GET ${GLOBAL}/info/api/v2/datastack/full/ds1`]: jsonResponse(demoRecord()),
    [`GET ${GLOBAL}/info/api/v2/datastacks`]: jsonResponse(['ds1']),
    [`GET ${GLOBAL}/schema/versions`]: jsonResponse([1, 2]),
    [`GET ${GLOBAL}/schema/api/v2/type`]: jsonResponse(['synapse']),
  })
}

const base = (f: ReturnType<typeof routedFetch>) => ({ fetch: f.fetch, secretsDir: dir, logger: recordingLogger() })

describe('FrameworkClient', () => {
  it('sends nothing at construction and creates each sub-client once, on first access', async () => {
    const f = deployment()
    const client = new FrameworkClient('ds1', { ...base(f), serverAddress: `${GLOBAL}/`, authToken: TOKEN })
    expect(f.calls).toHaveLength(0)
    expect(client.datastack).toBe('ds1')
    expect(client.serverAddress).toBe(GLOBAL)
    expect(client.info).toBe(client.info)
    expect(client.schema).toBe(client.schema)
    expect(client.state).toBe(client.state)
    expect(client.annotation).toBe(client.annotation)
    expect(client.chunkedgraph).toBe(client.chunkedgraph)
    expect(f.calls).toHaveLength(0)
    expect((await client.info.getDatastackInfo()).local_server).toBe(`${LOCAL}/`)
    expect(await client.schema.getSchemas()).toEqual(['synapse'])
    expect(f.calls.every((c) => c.headers.get('authorization') === `Bearer ${TOKEN}`)).toBe(true)
  })

  it('accepts the datastack positionally or in options, and CaveClient is the same class', () => {
    const f = deployment()
    expect(new FrameworkClient({ datastack: 'ds1', ...base(f), serverAddress: GLOBAL }).datastack).toBe('ds1')
    expect(new CaveClient('ds1', { ...base(f), serverAddress: GLOBAL })).toBeInstanceOf(FrameworkClient)
    expect(new FrameworkClient({ ...base(f), serverAddress: GLOBAL }).datastack).toBeUndefined()
    expect(() => new FrameworkClient('a', { datastack: 'b' })).toThrow(/two different datastacks/)
    expect(() => new FrameworkClient('  ')).toThrow(/non-empty/)
    const auth = new AuthClient({ serverAddress: GLOBAL, token: TOKEN })
    let error: unknown
    try {
      new FrameworkClient('ds1', { auth, authToken: TOKEN })
    } catch (e) {
      error = e
    }
    expect(isInvalidParameterError(error) && error.message).toBe('pass either auth (an AuthClient) or authToken, not both')
    expect(() => new FrameworkClient('ds1', { auth, serverAddress: 'https://other.test' })).toThrow(/differs from the auth client/)
  })

  it('shares one AuthClient: the local server is learnt from the info record and gets the token', async () => {
    const f = deployment()
    const auth = new AuthClient({ serverAddress: GLOBAL, token: TOKEN })
    const client = new FrameworkClient('ds1', { ...base(f), auth })
    expect(client.auth).toBe(auth)
    expect(auth.authorizes(`${LOCAL}/annotation`)).toBe(false)
    expect(await client.context.localServer()).toBe(LOCAL)
    expect(auth.authorizes(`${LOCAL}/annotation`)).toBe(true)
    expect(auth.localServers).toEqual([LOCAL])
  })

  it('a global-only client has info, schema and state, and a clear error for datastack services', async () => {
    const f = deployment()
    const client = new FrameworkClient({ ...base(f), serverAddress: GLOBAL, authToken: TOKEN })
    expect(await client.info.getDatastacks()).toEqual(['ds1'])
    expect(client.state.stateServiceEndpoint).toBe(`${GLOBAL}/nglstate/api/v1/post`)
    let thrown: unknown
    try {
      void client.annotation
    } catch (x) {
      thrown = x
    }
    expect(isGlobalClientError(thrown)).toBe(true)
    expect((thrown as Error).message).toBe(
      "client.annotation needs a datastack, but no datastack was set on this client. Create the client with one: new FrameworkClient('my_datastack', { ... }) or new FrameworkClient({ datastack: 'my_datastack', ... })",
    )
    expect(() => client.chunkedgraph).toThrow(/^client\.chunkedgraph needs a datastack, but no datastack was set on this client/)
    expect(f.calls.map((c) => c.url.pathname)).toEqual(['/info/api/v2/datastacks'])
    const e = await client.context.datastackInfo().catch((x: unknown) => x)
    expect(isGlobalClientError(e)).toBe(true)
    expect((e as Error).message).toMatch(/no datastack was set/)
    expect((e as Error).message).toContain("new FrameworkClient('my_datastack'")
  })

  it('never shows the token in toString, JSON or inspect', () => {
    const f = deployment()
    const client = new FrameworkClient('ds1', { ...base(f), serverAddress: GLOBAL, authToken: TOKEN })
    for (const text of [String(client), JSON.stringify(client), inspect(client, { depth: 10 }), inspect(client, { showHidden: true })]) {
      expect(text).not.toContain(TOKEN)
      expect(text).toContain('ds1')
    }
    expect(String(client)).toBe(`FrameworkClient(ds1 @ ${GLOBAL}, token from explicit)`)
    expect(JSON.parse(JSON.stringify(client))).toMatchObject({ datastack: 'ds1', serverAddress: GLOBAL, auth: { hasToken: true } })
  })

  it('passes fetch, retry, timeouts and pinned versions through', async () => {
    const f = deployment()
    let failures = 2
    f.on(`GET ${GLOBAL}/info/api/v2/datastacks`, () => (failures-- > 0 ? jsonResponse({ message: 'busy' }, 503) : jsonResponse(['ds1'])))
    const client = new FrameworkClient({ ...base(f), serverAddress: GLOBAL, retry: { retries: 1, baseDelayMs: 1 } })
    await expect(client.info.getDatastacks()).rejects.toThrow(/503/)
    const pinned = new FrameworkClient({ ...base(f), serverAddress: GLOBAL, pinnedVersions: { schema: 1, info: 1, state: 0 } })
    expect(await pinned.schema.getApiVersion()).toBe(1)
    expect(pinned.info.apiVersion).toBe(1)
    expect(pinned.state.apiVersion).toBe(0)
    expect(f.callsTo('GET /schema/versions')).toHaveLength(0)
  })

  it('hands the timestamp option to client.chunkedgraph, which reaches the local server with the token', async () => {
    const f = deployment()
    f.on(`GET ${LOCAL}/segmentation/api/versions`, jsonResponse([0, 1]))
    f.on(`GET ${LOCAL}/segmentation/api/version`, jsonResponse('2.18.0'))
    f.on(`GET ${LOCAL}/segmentation/api/v1/table/t1/node/5/root`, jsonResponse({ root_id: 864691135000000001n.toString() }))
    const client = new FrameworkClient('ds1', { ...base(f), serverAddress: GLOBAL, authToken: TOKEN, timestamp: new Date(1_700_000_000_250) })
    expect(await client.chunkedgraph.getRootId(5)).toBe(864691135000000001n)
    const [call] = f.callsTo('GET /segmentation/api/v1/table/t1/node/5/root')
    expect(call?.url.searchParams.get('timestamp')).toBe('1700000000.25')
    expect(call?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
  })

  it('looks fetch up at call time when none is given', async () => {
    const f = deployment()
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(f.fetch)
    try {
      const client = new FrameworkClient({ serverAddress: GLOBAL, secretsDir: dir, logger: recordingLogger() })
      expect(await client.info.getDatastacks()).toEqual(['ds1'])
      expect(spy).toHaveBeenCalledTimes(1)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('FrameworkClient: datastack → server map (Node)', () => {
  it('reads the server for a datastack given without one; unknown datastack → the default server', async () => {
    await writeFile(mapFile(), JSON.stringify({ ds1: `${GLOBAL}/`, other: 'https://else.test' }))
    expect(new FrameworkClient('ds1', { secretsDir: dir }).serverAddress).toBe(GLOBAL)
    expect(new FrameworkClient('nope', { secretsDir: dir }).serverAddress).toBe('https://global.daf-apis.com')
    // An explicit server wins over the map.
    expect(new FrameworkClient('ds1', { secretsDir: dir, serverAddress: 'https://mine.test' }).serverAddress).toBe('https://mine.test')
  })

  it('treats a malformed or unreadable file as empty', async () => {
    await writeFile(mapFile(), '{not json')
    expect(new FrameworkClient('ds1', { secretsDir: dir }).serverAddress).toBe('https://global.daf-apis.com')
    await writeFile(mapFile(), JSON.stringify(['ds1']))
    expect(new FrameworkClient('ds1', { secretsDir: dir }).serverAddress).toBe('https://global.daf-apis.com')
    await writeFile(mapFile(), JSON.stringify({ ds1: 42 }))
    expect(new FrameworkClient('ds1', { secretsDir: dir }).serverAddress).toBe('https://global.daf-apis.com')
  })

  it('writes the entry after the first successful info fetch (not at construction), keeping other entries', async () => {
    await writeFile(mapFile(), JSON.stringify({ other: 'https://else.test' }))
    const f = deployment()
    const client = new FrameworkClient('ds1', { ...base(f), serverAddress: GLOBAL, authToken: TOKEN })
    await new Promise((r) => setTimeout(r, 20))
    expect(JSON.parse(await readFile(mapFile(), 'utf8'))).toEqual({ other: 'https://else.test' })
    await client.info.getDatastackInfo()
    await vi.waitFor(async () => expect(JSON.parse(await readFile(mapFile(), 'utf8'))).toEqual({ other: 'https://else.test', ds1: GLOBAL }))
  })

  it('does not write after a failed fetch, without an explicit server, or with writeServerCache: false', async () => {
    const f = deployment()
    f.on(`GET ${GLOBAL}/info/api/v2/datastack/full/ds1`, jsonResponse({ message: 'no' }, 403))
    const failing = new FrameworkClient('ds1', { ...base(f), serverAddress: GLOBAL })
    await expect(failing.info.getDatastackInfo()).rejects.toThrow(/403/)
    const ok = deployment()
    await new FrameworkClient('ds1', { ...base(ok), serverAddress: GLOBAL, writeServerCache: false }).info.getDatastackInfo()
    const auth = new AuthClient({ serverAddress: GLOBAL, token: TOKEN })
    await new FrameworkClient('ds1', { ...base(ok), auth }).info.getDatastackInfo()
    await new Promise((r) => setTimeout(r, 50))
    await expect(readFile(mapFile(), 'utf8')).rejects.toThrow(/ENOENT/)
  })

  it('skips an unwritable location quietly', async () => {
    const notADir = join(dir, 'file')
    await writeFile(notADir, 'x')
    const f = deployment()
    const logger = recordingLogger()
    const client = new FrameworkClient('ds1', { fetch: f.fetch, logger, secretsDir: join(notADir, 'secrets'), serverAddress: GLOBAL, authToken: TOKEN })
    expect((await client.info.getDatastackInfo()).description).toBe('demo')
    await vi.waitFor(() => expect(logger.debugs.join('\n')).toMatch(/datastack map not updated: .* is not writable/))
    expect(logger.warnings).toEqual([])
  })
})
