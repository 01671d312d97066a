import { request } from 'node:http'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptsGzip, json, parseJson, Router, startDevServer, stringifyJson, type DevServer } from './index.js'

let server: DevServer

beforeAll(async () => {
  server = await startDevServer({
    services: [
      {
        name: 'test',
        routes: [
          {
            method: 'POST',
            path: '/test/echo',
            auth: 'public',
            handler: async (ctx) => {
              const body = await ctx.json()
              const id = (body as { id?: unknown }).id
              return json({ echo: body, idType: typeof id })
            },
          },
          { method: 'GET', path: '/test/big', auth: 'public', handler: () => json({ text: 'x'.repeat(5000) }) },
          { method: 'GET', path: '/test/small', auth: 'public', handler: () => json({ text: 'x'.repeat(100) }) },
          {
            method: 'GET',
            path: '/test/boom',
            auth: 'public',
            handler: () => {
              throw new Error('boom')
            },
          },
          {
            method: 'GET',
            path: '/test/files/*rest',
            auth: 'public',
            handler: (ctx) => json(ctx.params),
          },
        ],
      },
    ],
  })
})
afterAll(async () => {
  await server.close()
})

/** Raw GET (no transparent decompression) → status, headers, body bytes. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('responses', () => {
  it('gzips bodies over 1 KiB when the client accepts gzip', async () => {
    const big = await rawGet('/test/big', { 'Accept-Encoding': 'gzip, deflate' })
    expect(big.headers['content-encoding']).toBe('gzip')
    expect(big.headers.vary).toBe('Accept-Encoding')
    expect(big.body.length).toBeLessThan(1024)
    const plain = await rawGet('/test/big', {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.length).toBeGreaterThan(5000)
    const small = await rawGet('/test/small', { 'Accept-Encoding': 'gzip' })
    expect(small.headers['content-encoding']).toBeUndefined()
    // fetch decompresses transparently.
    const res = await fetch(`${server.url}/test/big`, { headers: { 'Accept-Encoding': 'gzip' } })
    expect(((await res.json()) as { text: string }).text).toHaveLength(5000)
  })

  it('acceptsGzip honours q=0', () => {
    expect(acceptsGzip('gzip')).toBe(true)
    expect(acceptsGzip('br, gzip;q=0.5')).toBe(true)
    expect(acceptsGzip('gzip;q=0')).toBe(false)
    expect(acceptsGzip('identity')).toBe(false)
    expect(acceptsGzip(undefined)).toBe(false)
  })

  it('a handler exception → 500 JSON with message', async () => {
    const res = await fetch(`${server.url}/test/boom`)
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ code: 500, message: 'boom', traceback: expect.any(Array) })
  })

  it('*rest route parameters', async () => {
    const res = await fetch(`${server.url}/test/files/a/b%20c/d`)
    expect(await res.json()).toEqual({ rest: 'a/b%20c/d' })
  })
})

describe('request bodies', () => {
  const bigId = '864691135012345678'

  it('reads gzip-encoded JSON bodies, keeping uint64 ids exact', async () => {
    const text = `{"id": ${bigId}, "small": 12, "f": 1.5, "list": [${bigId}, -1]}`
    const res = await fetch(`${server.url}/test/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(text),
    })
    expect(res.status).toBe(200)
    const out = await res.text()
    expect(out).toBe(`{"echo":{"id":${bigId},"small":12,"f":1.5,"list":[${bigId},-1]},"idType":"bigint"}`)
  })

  it('reads plain bodies; malformed JSON, bad gzip and unknown encodings are rejected', async () => {
    const post = (body: BodyInit, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${server.url}/test/echo`, { method: 'POST', headers, body })
    const ok = await post('{"id": 1}')
    expect(await ok.json()).toEqual({ echo: { id: 1 }, idType: 'number' })
    expect((await post('{"id": ')).status).toBe(400)
    expect((await post('')).status).toBe(400)
    expect((await post('not gzip', { 'Content-Encoding': 'gzip' })).status).toBe(400)
    expect((await post('{}', { 'Content-Encoding': 'br' })).status).toBe(415)
  })
})

describe('uint64-safe JSON', () => {
  it('parses like JSON.parse except unsafe integers', () => {
    const samples = [
      '{"a":[1,2.5,-3e2,true,false,null,"s\\n\\u00e9\\"x"],"b":{}}',
      '[]',
      ' 0 ',
      '"\\ud83d\\ude00"',
      '{"__proto__": 1}',
      '9007199254740991',
      '1e400',
      '-0',
    ]
    for (const s of samples) expect(parseJson(s)).toEqual(JSON.parse(s))
    expect(Object.keys(parseJson('{"__proto__": 1}') as object)).toEqual(['__proto__'])
    expect(parseJson('9007199254740993')).toBe(9007199254740993n)
    expect(parseJson('-18446744073709551615')).toBe(-18446744073709551615n)
    expect(parseJson('9007199254740993.0')).toBe(9007199254740992) // not an integer literal
  })

  it('rejects what JSON.parse rejects', () => {
    for (const s of ['', '{', '[1,]', '{"a" 1}', '01', '"\t"', 'tru', '1 2', "{'a':1}", '"\\x"', 'NaN']) {
      expect(() => JSON.parse(s), s).toThrow()
      expect(() => parseJson(s), s).toThrow(SyntaxError)
    }
  })

  it('stringifies bigint as bare digits, otherwise like JSON.stringify', () => {
    const value = { a: 1n << 64n, b: [undefined, () => 1, NaN], c: undefined, d: new Date(0), e: 's"' }
    expect(stringifyJson(value)).toBe(
      `{"a":18446744073709551616,"b":[null,null,null],"d":"1970-01-01T00:00:00.000Z","e":"s\\""}`,
    )
    const plain = { x: [1, 'two', { y: null }], z: true }
    expect(stringifyJson(plain)).toBe(JSON.stringify(plain))
  })
})

describe('Router', () => {
  it('matches params, rest and HEAD→GET; reports 405 methods', () => {
    const h = () => json(null)
    const router = new Router([
      {
        name: 't',
        routes: [
          { method: 'GET', path: '/a/:x', handler: h },
          { method: 'POST', path: '/a/:x', handler: h },
          { method: 'GET', path: '/v/*path', handler: h },
        ],
      },
    ])
    expect(router.match('GET', '/a/b%2Fc')).toMatchObject({ kind: 'found', params: { x: 'b/c' } })
    expect(router.match('HEAD', '/a/1')).toMatchObject({ kind: 'found', route: { method: 'GET' } })
    expect(router.match('PUT', '/a/1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'HEAD', 'POST'] })
    expect(router.match('GET', '/v')).toMatchObject({ kind: 'found', params: { path: '' } })
    expect(router.match('GET', '/v/x/y.json')).toMatchObject({ kind: 'found', params: { path: 'x/y.json' } })
    expect(router.match('GET', '/a/1/2')).toEqual({ kind: 'not-found' })
    expect(router.routes()).toHaveLength(3)
  })
})
