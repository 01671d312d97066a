/**
 * Static hosting of the generated precomputed volumes (`{L}/volumes/<datastack>/<layer>/...`), the
 * way a public bucket serves them: no token needed (and none is ever required of storage), objects
 * stored with `Content-Encoding: gzip` sent as stored to clients that accept gzip (decoded for the
 * others, like GCS's decompressive transcoding), single byte ranges (`Range: bytes=a-b`, `a-`,
 * `-n`) answered with 206 for objects that are not Content-Encoded (shard files), 404 for anything
 * missing. Nothing is gzip'd on the fly. The volumes are generated on first use (see
 * volumes/generate.ts) and shared per seed.
 */
import { gunzipSync } from 'node:zlib'
import type { RequestContext } from '../context.js'
import { findDatastack } from '../dataset.js'
import { acceptsGzip, jsonError, notFound, type Reply } from '../http.js'
import type { DevService } from '../router.js'
import { generatedVolumes } from '../volumes/generate.js'
import type { StaticObject } from '../volumes/store.js'

const EXPOSE = 'Content-Range, Content-Length, Content-Encoding, Accept-Ranges, ETag, WWW-Authenticate, Retry-After'

/** Parses one `bytes=` range against `size`: `[start, end]` inclusive, `'unsatisfiable'`, or undefined (ignore). */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === '' && m[2] === '')) return undefined // multiple or malformed ranges: whole object
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    return [Math.max(0, size - n), size - 1]
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return [start, end]
}

/** The `*path` route parameter, percent-decoded per segment (undefined when malformed). */
export function objectPath(ctx: RequestContext): string | undefined {
  try {
    return (ctx.params.path ?? '').split('/').map(decodeURIComponent).join('/')
  } catch {
    return undefined
  }
}

/**
 * The reply a static bucket would give for `object` (404 when undefined): gzip'd objects as
 * stored or decoded per `Accept-Encoding`, byte ranges for the rest. Reusable for other static
 * routes (the volume benchmark serves its layers through it).
 */
export function staticObjectReply(ctx: RequestContext, object: StaticObject | undefined, name: string): Reply {
  if (!object) return { ...jsonError(404, `No such object: ${name}`), compressible: false }
  const headers: Record<string, string> = {
    'Content-Type': object.contentType,
    'Access-Control-Expose-Headers': EXPOSE,
  }
  if (object.cacheControl) headers['Cache-Control'] = object.cacheControl
  if (object.contentEncoding === 'gzip') {
    // Content-Encoded objects cannot serve byte ranges (NG README): always the whole object.
    headers.Vary = 'Accept-Encoding'
    if (acceptsGzip(ctx.req.headers['accept-encoding'])) {
      headers['Content-Encoding'] = 'gzip'
      return { status: 200, headers, body: object.body, compressible: false }
    }
    return { status: 200, headers, body: new Uint8Array(gunzipSync(object.body)), compressible: false }
  }
  headers['Accept-Ranges'] = 'bytes'
  const size = object.body.byteLength
  const range = parseRange(ctx.req.headers.range, size)
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: '', compressible: false }
  }
  if (range) {
    const [start, end] = range
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    return { status: 206, headers, body: object.body.subarray(start, end + 1), compressible: false }
  }
  return { status: 200, headers, body: object.body, compressible: false }
}

async function serve(ctx: RequestContext): Promise<Reply> {
  const datastack = ctx.params.datastack ?? ''
  if (!findDatastack(ctx.dataset, datastack)) throw notFound(`No volumes for datastack ${datastack}`)
  const path = objectPath(ctx)
  if (path === undefined) throw notFound('Malformed object path')
  const volumes = await generatedVolumes(ctx.dataset.seed)
  return staticObjectReply(ctx, volumes.objects.get(path), `volumes/${datastack}/${path}`)
}

export function volumesService(): DevService {
  return {
    name: 'volumes',
    routes: [{ method: 'GET', path: '/volumes/:datastack/*path', auth: 'public', handler: serve }],
  }
}
