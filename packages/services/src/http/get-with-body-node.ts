/**
 * Node `#get-with-body`: four PyChunkedGraph routes are GET-only yet read a JSON body (spec §4.4),
 * which fetch refuses to send, so they go through `node:http(s)`.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable, pipeline, type Transform } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import type { GetWithBodyRequest, SendGetWithBody } from './get-with-body.js'

export const sendGetWithBody: SendGetWithBody = (req: GetWithBodyRequest) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(req.url)
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const headers = {
      'accept-encoding': 'gzip, deflate, br',
      ...req.headers,
      'content-length': String(req.body.byteLength),
    }
    const outgoing = send(url, { method: 'GET', headers, signal: req.signal }, (res) => {
      try {
        resolve(toResponse(res, req.signal))
      } catch (e) {
        res.destroy()
        reject(e)
      }
    })
    outgoing.on('error', reject)
    outgoing.end(req.body)
  })

const NULL_BODY = new Set([101, 204, 205, 304])

function toResponse(res: IncomingMessage, signal: AbortSignal): Response {
  // The abort must also stop a body that is still streaming in.
  const onAbort = () => res.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
  signal.addEventListener('abort', onAbort, { once: true })
  res.once('close', () => signal.removeEventListener('abort', onAbort))

  const headers = new Headers()
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string)
  }
  const status = res.statusCode ?? 0
  if (NULL_BODY.has(status)) {
    res.resume()
    return new Response(null, { status, statusText: res.statusMessage ?? '', headers })
  }
  let body: Readable = res
  const decoder = decoderFor(headers.get('content-encoding'))
  if (decoder) {
    // Like fetch: hand back decoded bytes, without the headers that describe the encoded ones.
    headers.delete('content-encoding')
    headers.delete('content-length')
    body = pipeline(res, decoder, () => {})
  }
  const stream = Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>
  return new Response(stream, { status, statusText: res.statusMessage ?? '', headers })
}

function decoderFor(encoding: string | null): Transform | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip()
    case 'deflate':
      return createInflate()
    case 'br':
      return createBrotliDecompress()
    default:
      return undefined
  }
}
