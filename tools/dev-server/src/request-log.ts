/**
 * The request log: one entry per request received (admin routes under `/__dev` excepted), with
 * credentials redacted. Entries are appended when the request arrives and completed when the
 * response is written, so a client that has its response already sees its entry.
 */
import type { IncomingMessage } from 'node:http'
import type { ExtractedToken, TokenSource } from './auth.js'
import { TOKEN_NAME } from './constants.js'

export const REDACTED = '[redacted]'

export interface DevRequestLogEntry {
  /** 1, 2, 3… per server. */
  seq: number
  /** ISO time of arrival. */
  time: string
  method: string
  /** Pathname (no query). */
  path: string
  /** Query parameters (repeated keys become arrays); a `middle_auth_token` value is redacted. */
  query: Record<string, string | string[]>
  /** Request headers, lower-case; `authorization` is removed and the token cookie redacted. */
  headers: Record<string, string | string[]>
  /** The request had an `Authorization` header. */
  hasAuth: boolean
  /** Where the effective token came from (header > query > cookie), if anywhere. */
  tokenSource: TokenSource | null
  /** Whether the effective token is accepted; `null` when the request carried none. */
  tokenValid: boolean | null
  /** Response status, once written (absent when the connection was dropped or is still open). */
  status?: number
  durationMs?: number
  /** Id of the injected fault that acted on this request. */
  fault?: string
  /** The connection was destroyed (fault `dropConnection`, or the client went away). */
  dropped?: boolean
}

export function createLogEntry(
  seq: number,
  req: IncomingMessage,
  url: URL,
  extracted: ExtractedToken,
  tokenValid: boolean | null,
): DevRequestLogEntry {
  const query: Record<string, string | string[]> = {}
  for (const [k, raw] of url.searchParams) {
    const v = k === TOKEN_NAME ? REDACTED : raw
    const prev = query[k]
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  const headers: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'authorization') continue
    headers[k] = k === 'cookie' ? redactCookie(String(v)) : v
  }
  return {
    seq,
    time: new Date().toISOString(),
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query,
    headers,
    hasAuth: extracted.hasAuthHeader,
    tokenSource: extracted.source ?? null,
    tokenValid,
  }
}

function redactCookie(cookie: string): string {
  return cookie
    .split(';')
    .map((part) => {
      const eq = part.indexOf('=')
      return eq >= 0 && part.slice(0, eq).trim() === TOKEN_NAME ? `${part.slice(0, eq + 1)}${REDACTED}` : part
    })
    .join(';')
}
