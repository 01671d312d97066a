import { describe, expect, it } from 'vitest'
import {
  AuthConfigError,
  DafAuthError,
  isAuthConfigError,
  isDafAuthError,
  isTokenExistsError,
  isTokenFileError,
  TokenExistsError,
  TokenFileError,
} from './errors.js'

describe('errors', () => {
  it('subclasses share the DafAuthError base and carry structured fields', () => {
    const exists = new TokenExistsError({ file: '/h/.cloudvolume/secrets/cave-secret.json' }, 'token')
    expect(exists).toBeInstanceOf(DafAuthError)
    expect(exists).toBeInstanceOf(Error)
    expect(exists.name).toBe('TokenExistsError')
    expect(exists.code).toBe('TOKEN_EXISTS')
    expect(exists.file).toBe('/h/.cloudvolume/secrets/cave-secret.json')
    expect(exists.key).toBe('token')
    expect(exists.message).toContain('/h/.cloudvolume/secrets/cave-secret.json')
    expect(exists.message).toContain('"token"')

    const file = new TokenFileError('/x.json', 'write', 'EROFS')
    expect(file.operation).toBe('write')
    expect(file.reason).toBe('EROFS')
    expect(file.message).toBe('secret file /x.json could not be written (EROFS)')

    const config = new AuthConfigError('tokenKey', 'bad')
    expect(config.field).toBe('tokenKey')
  })

  it('guards recognise errors by brand and code, not by class identity', () => {
    const exists = new TokenExistsError({ storageKey: 'k' }, 'token')
    expect(isDafAuthError(exists)).toBe(true)
    expect(isTokenExistsError(exists)).toBe(true)
    expect(isTokenFileError(exists)).toBe(false)
    expect(isDafAuthError(exists, 'TOKEN_EXISTS')).toBe(true)
    expect(isDafAuthError(exists, 'AUTH_CONFIG')).toBe(false)

    // What an error from another copy of the package looks like: same global brand, other class.
    const foreign = Object.assign(new Error('x'), { code: 'AUTH_CONFIG', field: 'serverAddress' })
    Object.defineProperty(foreign, Symbol.for('@daf/auth.error'), { value: true })
    expect(foreign).not.toBeInstanceOf(DafAuthError)
    expect(isDafAuthError(foreign)).toBe(true)
    expect(isAuthConfigError(foreign)).toBe(true)

    expect(isDafAuthError(new Error('x'))).toBe(false)
    expect(isDafAuthError(Object.assign(new Error('x'), { code: 'TOKEN_EXISTS' }))).toBe(false)
    expect(isDafAuthError(null)).toBe(false)
    expect(isDafAuthError('TOKEN_EXISTS')).toBe(false)
  })

  it('keeps the brand out of enumerable properties', () => {
    const error = new AuthConfigError('tokenFile', 'no files here')
    const brand = Symbol.for('@daf/auth.error')
    expect(Object.getOwnPropertySymbols(error)).toContain(brand)
    expect(Object.prototype.propertyIsEnumerable.call(error, brand)).toBe(false)
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'AUTH_CONFIG', name: 'AuthConfigError', field: 'tokenFile' })
  })
})
