/**
 * Retry policy (spec §6.1, §8.5): what is retried, and how long to wait. The Python client retries
 * every POST (risking double merges) and never times out; here only reads are retried by default.
 */

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number
  /** Backoff before retry n (0-based) is random in [0, min(maxDelayMs, baseDelayMs·2^n)]. */
  baseDelayMs: number
  /** Cap for one wait, also for a server's `Retry-After`. */
  maxDelayMs: number
  /** Statuses worth another try; network errors and per-attempt timeouts always are. */
  statuses: readonly number[]
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  retries: 3,
  baseDelayMs: 200,
  maxDelayMs: 20_000,
  statuses: Object.freeze([408, 429, 502, 503, 504]),
})

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request may be sent twice. GET/HEAD/OPTIONS may unless `retryable === false`; others
 * only when the caller says so (a POST that only reads, or an explicit opt-in for a write).
 */
export function mayRetry(method: string, retryable: boolean | undefined): boolean {
  return retryable ?? SAFE_METHODS.has(method)
}

/** Full-jitter exponential backoff ("Exponential Backoff And Jitter", AWS architecture blog). */
export function backoffDelay(retryIndex: number, policy: RetryOptions, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex)
  return Math.floor(random() * ceiling)
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const when = Date.parse(text)
  if (Number.isNaN(when)) return undefined
  return Math.max(0, when - nowMs)
}
