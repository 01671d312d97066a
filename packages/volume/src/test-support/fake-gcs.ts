/**
 * A fake of the parts of Google Cloud Storage the gs:// backend uses, on `node:http` loopback:
 * XML-style object GET/HEAD (`/<bucket>/<object>`, Range, stored Content-Encoding sent when the
 * client accepts it), JSON API multipart upload, delete and paged listing. Requests with an
 * `Authorization` header other than `Bearer <token>` get 401; writes need the bearer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { gunzipSync } from 'node:zlib'

interface Obj {
  data: Buffer
  contentType: string
  contentEncoding?: string
  cacheControl?: string
}

export interface FakeGcs {
  endpoint: string
  objects: Map<string, Obj>
  requests: { method: string; url: string; authorization: string | undefined }[]
  close(): Promise<void>
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => resolve(Buffer.concat(parts)))
    req.on('error', reject)
  })

export async function startFakeGcs(token: string, pageSize = 2): Promise<FakeGcs> {
  const objects = new Map<string, Obj>()
  const requests: FakeGcs['requests'] = []
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const auth = req.headers.authorization
      requests.push({ method: req.method ?? '', url: url.pathname + url.search, authorization: auth })
      if (auth !== undefined && auth !== `Bearer ${token}`) return void res.writeHead(401).end('{"error":"bad token"}')
      const authed = auth === `Bearer ${token}`
      let m: RegExpExecArray | null
      if (req.method === 'POST' && (m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname))) {
        if (!authed) return void res.writeHead(401).end()
        if (url.searchParams.get('uploadType') !== 'multipart') return void res.writeHead(400).end('uploadType')
        const boundary = /boundary=([^;]+)/.exec(String(req.headers['content-type']))?.[1]
        const body = await read(req)
        const text = body.toString('latin1')
        const parts = text.split(`--${boundary}`).slice(1, -1)
        const [metaPart, dataPart] = parts
        const meta = JSON.parse(metaPart!.slice(metaPart!.indexOf('\r\n\r\n') + 4).trimEnd()) as Record<string, string>
        const dataStart = dataPart!.indexOf('\r\n\r\n') + 4
        const data = Buffer.from(dataPart!.slice(dataStart, dataPart!.length - 2), 'latin1')
        objects.set(`${decodeURIComponent(m[1]!)}/${meta['name']}`, {
          data,
          contentType: meta['contentType'] ?? 'application/octet-stream',
          ...(meta['contentEncoding'] && { contentEncoding: meta['contentEncoding'] }),
          ...(meta['cacheControl'] && { cacheControl: meta['cacheControl'] }),
        })
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: meta['name'] }))
      }
      if (req.method === 'DELETE' && (m = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname))) {
        if (!authed) return void res.writeHead(401).end()
        const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`
        if (!objects.delete(key)) return void res.writeHead(404).end()
        return void res.writeHead(204).end()
      }
      if (req.method === 'GET' && (m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname))) {
        const bucket = decodeURIComponent(m[1]!)
        const prefix = url.searchParams.get('prefix') ?? ''
        const names = [...objects.keys()]
          .filter((k) => k.startsWith(`${bucket}/`))
          .map((k) => k.slice(bucket.length + 1))
          .filter((k) => k.startsWith(prefix))
          .sort()
        const start = Number(url.searchParams.get('pageToken') ?? '0')
        const page = names.slice(start, start + pageSize)
        const out: Record<string, unknown> = { items: page.map((name) => ({ name })) }
        if (start + pageSize < names.length) out['nextPageToken'] = String(start + pageSize)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out))
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const obj = objects.get(decodeURIComponent(url.pathname.slice(1)))
        if (!obj) return void res.writeHead(404).end('No such object')
        let data = obj.data
        const headers: Record<string, string | number> = { 'content-type': obj.contentType }
        const range = req.headers.range
        const accepts = /gzip/.test(String(req.headers['accept-encoding'] ?? ''))
        if (obj.contentEncoding === 'gzip' && (!accepts || range)) {
          data = gunzipSync(data) // decompressive transcoding
        } else if (obj.contentEncoding) {
          headers['content-encoding'] = obj.contentEncoding
        }
        const r = range && !(obj.contentEncoding === 'gzip') ? /^bytes=(\d+)-(\d+)$/.exec(range) : null
        if (r) {
          const a = Number(r[1])
          if (a >= data.length) return void res.writeHead(416).end()
          const part = data.subarray(a, Math.min(Number(r[2]), data.length - 1) + 1)
          res.writeHead(206, { ...headers, 'content-length': part.length })
          return void res.end(req.method === 'HEAD' ? undefined : part)
        }
        res.writeHead(200, { ...headers, 'content-length': data.length })
        return void res.end(req.method === 'HEAD' ? undefined : data)
      }
      res.writeHead(405).end()
    })().catch((e) => res.writeHead(500).end(String(e)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
