import { describe, expect, it } from 'vitest'
import { CirrusError, ProvenanceRequiredError, describeValue, isCirrusError, isProvenanceRequiredError } from './errors.js'

describe('errors', () => {
  it('one base class; guards recognise any copy of the package through the Symbol.for brand', () => {
    const e = new ProvenanceRequiredError({ missing: ['process'], invalid: [{ field: 'sources', value: [1], reason: 'bad' }], operation: 'delete', cloudpath: 'mem://a/b' })
    expect(e).toBeInstanceOf(CirrusError)
    expect([e.name, e.code]).toEqual(['ProvenanceRequiredError', 'PROVENANCE_REQUIRED'])
    expect(e.message).toBe(
      [
        'Need to define sources, motivation and process in order to write to this volume.',
        'DEFINED: sources: True, motivation: True, process: False',
        'process: missing (a Process: task description, parameters and code environments)',
        'sources: invalid, got [1]: bad',
        'Refused: delete on mem://a/b; nothing was written.',
      ].join('\n'),
    )
    const foreign = Object.assign(new Error('x'), { code: 'PROVENANCE_REQUIRED', [Symbol.for('@daf/cirrus.error')]: true })
    expect(isProvenanceRequiredError(foreign)).toBe(true)
    expect(isCirrusError(new Error('x'))).toBe(false)
    expect(isCirrusError(null)).toBe(false)
    expect(isCirrusError(new CirrusError('CODE_ENV', 'x'), 'INVALID_ARGUMENT')).toBe(false)
  })

  it('describeValue prints values readably and briefly', () => {
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(() => 1)).toBe('a function')
    expect(describeValue(3n)).toBe('3n')
    expect(describeValue(NaN)).toBe('NaN')
    expect(describeValue(new Map())).toBe('Map {}')
    expect(describeValue('x'.repeat(300)).length).toBe(200)
    const cyc: Record<string, unknown> = {}
    cyc.self = cyc
    expect(describeValue(cyc)).toBe('[object Object]')
  })
})
