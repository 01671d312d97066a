import { describe, expect, it } from 'vitest'
import { parseTokenRecord, serializeTokenRecord, tokenFromRecord, updateTokenRecord } from './token-record.js'

describe('token records', () => {
  it('parses JSON objects only and never throws', () => {
    expect(parseTokenRecord('{"token":"t","other":1}')).toEqual({ token: 't', other: 1 })
    expect(parseTokenRecord('[1]')).toBeUndefined()
    expect(parseTokenRecord('"t"')).toBeUndefined()
    expect(parseTokenRecord('null')).toBeUndefined()
    expect(parseTokenRecord('{"token": "secret-value"')).toBeUndefined()
  })

  it('reads non-empty string values of own keys', () => {
    const record = parseTokenRecord('{"token":"t","empty":"","num":5}')
    expect(tokenFromRecord(record, 'token')).toBe('t')
    expect(tokenFromRecord(record, 'empty')).toBeUndefined()
    expect(tokenFromRecord(record, 'num')).toBeUndefined()
    expect(tokenFromRecord(record, 'toString')).toBeUndefined()
    expect(tokenFromRecord(undefined, 'token')).toBeUndefined()
  })

  it('updates: write keeps other keys, unchanged when equal, conflict without overwrite', () => {
    expect(updateTokenRecord(undefined, 'token', 'a', false)).toEqual({ kind: 'write', record: { token: 'a' } })
    expect(updateTokenRecord({ other: 'x' }, 'token', 'a', false)).toEqual({
      kind: 'write',
      record: { other: 'x', token: 'a' },
    })
    expect(updateTokenRecord({ token: 'a' }, 'token', 'a', false)).toEqual({ kind: 'unchanged' })
    expect(updateTokenRecord({ token: 'b' }, 'token', 'a', false)).toEqual({ kind: 'conflict' })
    expect(updateTokenRecord({ token: 'b', k: 1 }, 'token', 'a', true)).toEqual({
      kind: 'write',
      record: { token: 'a', k: 1 },
    })
  })

  it('stores "__proto__" as a plain key', () => {
    const update = updateTokenRecord({}, '__proto__', 'a', false)
    expect(update.kind).toBe('write')
    if (update.kind !== 'write') return
    expect(Object.getPrototypeOf(update.record)).toBe(Object.prototype)
    expect(tokenFromRecord(parseTokenRecord(serializeTokenRecord(update.record)), '__proto__')).toBe('a')
  })
})
