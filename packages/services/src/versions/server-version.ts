/**
 * A service's own version (spec §3.2): a bare JSON string such as `"4.3.1"`. 404 means the server
 * does not say. Unlike Python (§6.3 #4), any other failure also yields "unknown" with a warning, so
 * one service's outage never blocks unrelated work; only the caller's abort propagates.
 */
import { createHttpClient, type HttpClient } from '../http/client.js'
import { isHttpError } from '../http/errors.js'
import type { Logger } from '../http/logger.js'
import { scrubUrl } from '../http/redact.js'

export interface FetchServerVersionOptions {
  /** Absolute URL of the version endpoint, e.g. `https://global.daf-apis.com/info/version`. */
  url: string | URL
  http?: HttpClient
  logger?: Logger
  service?: string
  signal?: AbortSignal
}

/** The version string, or undefined when the server does not report one or cannot be asked. */
export async function fetchServerVersion(options: FetchServerVersionOptions): Promise<string | undefined> {
  const http = options.http ?? createHttpClient(options.logger ? { logger: options.logger } : {})
  const logger = options.logger ?? http.logger
  const what = `${options.service ? `${options.service} ` : ''}server version (${scrubUrl(options.url)})`
  let value: unknown
  try {
    value = await http.send('GET', options.url, options.signal ? { signal: options.signal } : {})
  } catch (e) {
    if (options.signal?.aborted) throw e
    if (isHttpError(e) && e.status === 404) {
      logger.debug?.(`${what}: 404, version unknown`)
      return undefined
    }
    logger.warn(`${what} could not be read, treating it as unknown: ${(e as Error).message}`)
    return undefined
  }
  if (typeof value === 'string' && value.trim()) return value.trim()
  logger.warn(`${what} is not a JSON string, treating it as unknown`)
  return undefined
}
