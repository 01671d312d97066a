/**
 * HTTP plumbing shared by every emulated service: replies as values, error replies, request-body
 * reading (gzip/deflate aware, size-limited, uint64-safe JSON) and response writing (CORS headers,
 * gzip for large bodies, HEAD).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import { parseJson, stringifyJson, type JsonValue } from './json.js'

const gzip = promisify(zlib.gzip)
const gunzip = promisify(zlib.gunzip)
const inflate = promisify(zlib.inflate)

export type HeaderValue = string | string[]

/** A response as a value; handlers return one (or throw `HttpError`). */
export interface Reply {
  status: number
  headers?: Record<string, HeaderValue>
  /** Absent for 204/302. Strings are sent as UTF-8. */
  body?: string | Uint8Array
  /** False: never gzip this body on the fly (static objects served as stored, byte ranges). Default true. */
  compressible?: boolean
}

/** Thrown by handlers and helpers to answer with `reply` instead of continuing. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`)
    this.name = 'HttpError'
  }
}

export const JSON_TYPE = 'application/json'
export const HTML_TYPE = 'text/html; charset=utf-8'
export const TEXT_TYPE = 'text/plain; charset=utf-8'

/** JSON reply; `bigint` values are written as bare numbers. */
export function json(value: unknown, status = 200, headers: Record<string, HeaderValue> = {}): Reply {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: stringifyJson(value) }
}

export function text(body: string, status = 200, contentType = TEXT_TYPE, headers: Record<string, HeaderValue> = {}): Reply {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body }
}

export function html(body: string, status = 200, headers: Record<string, HeaderValue> = {}): Reply {
  return text(body, status, HTML_TYPE, headers)
}

export function redirect(location: string, status = 302, headers: Record<string, HeaderValue> = {}): Reply {
  return { status, headers: { Location: location, ...headers } }
}

/** The `{"message": …}` error body the Flask services send (info, annotation, …). */
export function jsonError(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return json({ ...extra, message }, status)
}

export function notFound(message: string): HttpError {
  return new HttpError(jsonError(404, message))
}

export function badRequest(message: string): HttpError {
  return new HttpError(jsonError(400, message))
}

// ---------------------------------------------------------------------------------------------
// CORS

export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Content-Encoding, X-Requested-With'
export const CORS_ALLOW_METHODS = 'GET, POST, PUT, DELETE, OPTIONS'
export const CORS_EXPOSE_HEADERS = 'WWW-Authenticate, Retry-After'

/** Added to every response. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS,
}

/** The answer to any `OPTIONS` request (preflight); auth is bypassed like middle_auth does. */
export function preflight(): Reply {
  return {
    status: 204,
    headers: {
      'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
      'Access-Control-Allow-Methods': CORS_ALLOW_METHODS,
      'Access-Control-Max-Age': '600',
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Request bodies

export interface BodyOptions {
  /** Maximum decoded size in bytes; larger bodies get 413. Default 64 MiB. */
  limit?: number
}

const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024

/**
 * Reads the whole request body, undoing `Content-Encoding: gzip` / `deflate`. Throws `HttpError`
 * 413 (too large), 415 (unknown encoding) or 400 (corrupt compressed data).
 */
export async function readBody(req: IncomingMessage, options: BodyOptions = {}): Promise<Buffer> {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HttpError(jsonError(413, `Request body larger than ${limit} bytes`))
    chunks.push(chunk)
  }
  const raw = Buffer.concat(chunks, size)
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (encoding === 'identity' || encoding === '') return raw
  const decode = encoding === 'gzip' || encoding === 'x-gzip' ? gunzip : encoding === 'deflate' ? inflate : undefined
  if (!decode) throw new HttpError(jsonError(415, `Unsupported Content-Encoding: ${encoding}`))
  try {
    return await decode(raw, { maxOutputLength: limit })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(jsonError(413, `Request body larger than ${limit} bytes`))
    }
    throw new HttpError(jsonError(400, `Corrupt ${encoding} request body: ${(err as Error).message}`))
  }
}

/** Reads the body as UTF-8 text. */
export async function readText(req: IncomingMessage, options: BodyOptions = {}): Promise<string> {
  return (await readBody(req, options)).toString('utf8')
}

/**
 * Reads the body as JSON with `parseJson` (integers beyond 2^53 arrive as `bigint`, losslessly).
 * Empty or malformed bodies get 400 `{"message": …}`.
 */
export async function readJson(req: IncomingMessage, options: BodyOptions = {}): Promise<JsonValue> {
  const body = await readText(req, options)
  if (body.trim() === '') throw badRequest('Expected a JSON request body')
  try {
    return parseJson(body)
  } catch (err) {
    throw badRequest(`Malformed JSON request body: ${(err as Error).message}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface SendOptions {
  /** Bodies strictly larger than this are gzipped when the client accepts gzip. Default 1024. */
  gzipThreshold?: number
}

/** True when an `Accept-Encoding` header allows gzip (`q=0` excludes it). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (q === undefined || Number(q.slice(2)) > 0) return true
  }
  return false
}

/** Writes `reply` (with CORS headers; gzipped when large and accepted; no body for HEAD). */
export async function sendReply(
  req: IncomingMessage,
  res: ServerResponse,
  reply: Reply,
  options: SendOptions = {},
): Promise<void> {
  if (res.headersSent || res.destroyed) return
  const threshold = options.gzipThreshold ?? 1024
  const headers: Record<string, HeaderValue> = { ...CORS_HEADERS, ...reply.headers }
  let body: Buffer | undefined =
    reply.body === undefined ? undefined : typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : Buffer.from(reply.body)

  const alreadyEncoded = Object.keys(headers).some((k) => k.toLowerCase() === 'content-encoding')
  if (body && body.length > threshold && !alreadyEncoded && reply.compressible !== false && reply.status !== 204 && reply.status !== 304) {
    headers.Vary = 'Accept-Encoding'
    if (acceptsGzip(req.headers['accept-encoding'])) {
      body = await gzip(body)
      headers['Content-Encoding'] = 'gzip'
    }
  }
  if (reply.status !== 204 && reply.status !== 304) headers['Content-Length'] = String(body?.length ?? 0)
  if (res.headersSent || res.destroyed) return
  res.writeHead(reply.status, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}
