/**
 * API-version negotiation (spec §3.1): ask the service which API versions it speaks and use the
 * highest one both sides know. Python swallows probe failures silently (§6.3 #2); here a failed
 * probe still falls back, but says so through the logger.
 */
import { createHttpClient, type HttpClient } from '../http/client.js'
import { InvalidParameterError, ServerIncompatibilityError } from '../http/errors.js'
import type { Logger } from '../http/logger.js'
import { scrubUrl } from '../http/redact.js'

export interface NegotiateApiVersionOptions {
  /** Absolute URL answering a JSON list of ints (e.g. `{L}/segmentation/api/versions`); none = no probe. */
  probeUrl?: string | URL
  /** The API versions this client implements. */
  clientVersions: readonly number[]
  /** Used without a probe or when the probe fails. Default: the highest client version. */
  fallback?: number
  /** A version the caller insists on; no probe is sent. Must be one of `clientVersions`. */
  pinned?: number
  service?: string
  http?: HttpClient
  logger?: Logger
  signal?: AbortSignal
}

export interface NegotiatedApiVersion {
  version: number
  source: 'pinned' | 'probe' | 'fallback'
  /** What the probe reported, when it answered. */
  serverVersions?: number[]
}

export async function negotiateApiVersion(options: NegotiateApiVersionOptions): Promise<NegotiatedApiVersion> {
  const service = options.service ?? 'service'
  const client = [...options.clientVersions]
  if (client.length === 0 || !client.every(Number.isInteger)) {
    throw new InvalidParameterError('clientVersions', `clientVersions of ${service} must be a non-empty list of integers`)
  }
  if (options.pinned !== undefined) {
    if (!client.includes(options.pinned)) {
      throw new InvalidParameterError('pinned', `${service} API v${options.pinned} is not supported; this client knows v${client.join(', v')}`)
    }
    return { version: options.pinned, source: 'pinned' }
  }
  const fallback = options.fallback ?? Math.max(...client)
  if (!client.includes(fallback)) {
    throw new InvalidParameterError('fallback', `fallback v${fallback} of ${service} is not one of v${client.join(', v')}`)
  }
  if (options.probeUrl === undefined) return { version: fallback, source: 'fallback' }

  const http = options.http ?? createHttpClient(options.logger ? { logger: options.logger } : {})
  const logger = options.logger ?? http.logger
  const probe = scrubUrl(options.probeUrl)
  let answer: unknown
  try {
    answer = await http.send('GET', options.probeUrl, options.signal ? { signal: options.signal } : {})
  } catch (e) {
    if (options.signal?.aborted) throw e
    logger.warn(`${service} API version probe ${probe} failed (${(e as Error).message}); using v${fallback}`)
    return { version: fallback, source: 'fallback' }
  }
  if (!Array.isArray(answer) || !answer.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    logger.warn(`${service} API version probe ${probe} did not answer a list of integers; using v${fallback}`)
    return { version: fallback, source: 'fallback' }
  }
  const server = answer as number[]
  const common = client.filter((v) => server.includes(v))
  if (common.length === 0) {
    throw new ServerIncompatibilityError(
      { feature: `${service} API`, required: `one of v${client.join(', v')}`, actual: `v${server.join(', v') || ' (none)'}` },
      `${service} at ${probe} speaks API v${server.join(', v') || ' (none)'}, but this client only knows v${client.join(', v')}`,
    )
  }
  return { version: Math.max(...common), source: 'probe', serverVersions: server }
}
