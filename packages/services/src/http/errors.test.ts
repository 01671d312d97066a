import { describe, expect, it } from 'vitest'
import {
  AuthError,
  DafError,
  HttpError,
  NetworkError,
  ServerIncompatibilityError,
  TimeoutError,
  isAuthError,
  isDafError,
  isHttpError,
  isNetworkError,
  isServerIncompatibilityError,
  isTimeoutError,
} from './errors.js'

describe('error guards', () => {
  it('follow the hierarchy', () => {
    const auth = new AuthError({ status: 401, method: 'GET', url: 'https://h.test/x' })
    expect(isAuthError(auth)).toBe(true)
    expect(isHttpError(auth)).toBe(true)
    expect(isDafError(auth)).toBe(true)
    expect(auth).toBeInstanceOf(HttpError)
    expect(auth).toBeInstanceOf(DafError)
    const http = new HttpError({ status: 500, method: 'GET', url: 'u' })
    expect(isAuthError(http)).toBe(false)
    expect(isNetworkError(new NetworkError('GET', 'u', new TypeError('fetch failed')))).toBe(true)
    expect(isTimeoutError(new TimeoutError('GET', 'u', 5, 'attempt'))).toBe(true)
    expect(isServerIncompatibilityError(new ServerIncompatibilityError({ feature: 'f', required: '>=1', actual: '0.1' }))).toBe(true)
    expect(isHttpError(new Error('x'))).toBe(false)
    expect(isDafError({ kind: 'HttpError' })).toBe(false)
    expect(isDafError(null)).toBe(false)
  })

  it('recognise an error from another copy of the package by brand and kind', () => {
    // What a second copy's HttpError looks like: no shared class, same global symbol.
    const foreign = Object.assign(new Error('x'), { kind: 'AuthError', status: 403 })
    Object.defineProperty(foreign, Symbol.for('@daf/services.error'), { value: true })
    expect(isAuthError(foreign)).toBe(true)
    expect(isHttpError(foreign)).toBe(true)
  })

  it('say what, which and where', () => {
    const e = new HttpError({ status: 404, statusText: 'Not Found', method: 'GET', url: 'https://h.test/info', serverMessage: 'no such datastack' })
    expect(e.message).toBe('GET https://h.test/info failed with HTTP 404 Not Found: no such datastack')
    expect(e.name).toBe('HttpError')
    const t = new TimeoutError('POST', 'https://h.test/x', 1000, 'total')
    expect(t.message).toContain('total time budget of 1000 ms')
    const n = new NetworkError('GET', 'https://h.test', Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED') }))
    expect(n.message).toContain('ECONNREFUSED')
    const s = new ServerIncompatibilityError({ feature: 'getImageMirrors', required: '>=4.3.1', actual: '4.0.0', service: 'info' })
    expect(s.message).toBe('getImageMirrors requires info server >=4.3.1, but the server reports 4.0.0')
    expect(Object.keys(s)).not.toContain(Symbol.for('@daf/services.error').toString())
  })
})
