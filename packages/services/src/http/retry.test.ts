import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY, backoffDelay, mayRetry, parseRetryAfter } from './retry.js'

describe('retry policy', () => {
  it('retries reads by default and writes only when opted in', () => {
    expect(mayRetry('GET', undefined)).toBe(true)
    expect(mayRetry('HEAD', undefined)).toBe(true)
    expect(mayRetry('POST', undefined)).toBe(false)
    expect(mayRetry('PUT', undefined)).toBe(false)
    expect(mayRetry('DELETE', undefined)).toBe(false)
    expect(mayRetry('POST', true)).toBe(true)
    expect(mayRetry('GET', false)).toBe(false)
  })

  it('uses full jitter under an exponential ceiling with a cap', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999])
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
    expect(backoffDelay(2, policy, () => 0.5)).toBe(200)
  })

  it('parses Retry-After as delta-seconds or HTTP-date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('defaults to 3 retries on 408/429/502/503/504', () => {
    expect(DEFAULT_RETRY.retries).toBe(3)
    expect([...DEFAULT_RETRY.statuses]).toEqual([408, 429, 502, 503, 504])
  })
})
