/**
 * A small `node:http` static server for storage tests: serves a directory laid out as CloudVolume
 * writes it (`<key>.gz` sent with `Content-Encoding: gzip` when the client accepts gzip and asks for
 * no Range; otherwise decoded), honours `Range`, and lets a test script faults per path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { join, normalize } from 'node:path'
import { gunzipSync } from 'node:zlib'

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
}

export interface StaticServer {
  url: string
  requests: RecordedRequest[]
  /** Answer the next `times` requests for `path` with `status` (and headers) instead. */
  fault(path: string, status: number, times: number, headers?: Record<string, string>): void
  /** Fixed answers for paths (e.g. 401, 403). */
  fixed: Map<string, number>
  /** Ignore Range headers (answer 200 with the whole body). */
  ignoreRange: boolean
  close(): Promise<void>
}

export async function startStaticServer(root: string): Promise<StaticServer> {
  const faults = new Map<string, { status: number; times: number; headers: Record<string, string> }>()
  const requests: RecordedRequest[] = []
  const state = { ignoreRange: false }
  const fixed = new Map<string, number>()

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers })
    const fault = faults.get(path)
    if (fault && fault.times > 0) {
      fault.times -= 1
      res.writeHead(fault.status, fault.headers).end(`fault ${fault.status}`)
      return
    }
    const fixedStatus = fixed.get(path)
    if (fixedStatus) {
      res.writeHead(fixedStatus, { 'content-type': 'text/plain' }).end(`status ${fixedStatus}`)
      return
    }
    const file = join(root, normalize(path).replace(/^(\.\.(\/|$))+/, ''))
    let body: Buffer | undefined
    let gz = false
    try {
      if ((await stat(file)).isFile()) body = await readFile(file)
    } catch {
      // Try the .gz variant.
    }
    if (!body) {
      try {
        body = await readFile(`${file}.gz`)
        gz = true
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
        return
      }
    }
    const range = state.ignoreRange ? undefined : req.headers.range
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    if (gz && (!acceptsGzip || range)) {
      body = gunzipSync(body)
      gz = false
    }
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' }
    if (gz) headers['content-encoding'] = 'gzip'
    const m = range ? /^bytes=(\d+)-(\d+)?$/.exec(range) : null
    if (m) {
      const start = Number(m[1])
      const end = Math.min(m[2] === undefined ? body.length - 1 : Number(m[2]), body.length - 1)
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end()
        return
      }
      const part = body.subarray(start, end + 1)
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': part.length })
      res.end(req.method === 'HEAD' ? undefined : part)
      return
    }
    res.writeHead(200, { ...headers, 'content-length': body.length })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => res.writeHead(500).end(String(e)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    fixed,
    fault(path, status, times, headers = {}) {
      faults.set(path, { status, times, headers })
    },
    get ignoreRange() {
      return state.ignoreRange
    },
    set ignoreRange(v: boolean) {
      state.ignoreRange = v
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
