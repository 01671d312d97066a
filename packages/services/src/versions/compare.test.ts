import { describe, expect, it } from 'vitest'
import { compareVersions, parseVersion, satisfies } from './compare.js'

describe('compareVersions', () => {
  it('orders releases numerically and pads missing parts', () => {
    expect(compareVersions('4.3.1', '4.3.0')).toBe(1)
    expect(compareVersions('4.10.0', '4.9.9')).toBe(1)
    expect(compareVersions('1.0', '1.0.0')).toBe(0)
    expect(compareVersions('v2.18.0', '2.18.0')).toBe(0)
  })

  it('orders dev < alpha < beta < rc < final < post (PEP 440) and semver pre-releases', () => {
    const order = ['1.0.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.1']
    for (let i = 1; i < order.length; i++) expect(compareVersions(order[i - 1] as string, order[i] as string)).toBe(-1)
    expect(compareVersions('1.0.0-beta.1', '1.0.0')).toBe(-1)
    expect(compareVersions('1.0.0-rc.1', '1.0.0-beta.3')).toBe(1)
    expect(compareVersions('1.0.0+local.7', '1.0.0')).toBe(0)
  })

  it('rejects what is not a version', () => {
    expect(parseVersion('latest')).toBeUndefined()
    expect(() => compareVersions('latest', '1.0')).toThrow(/not a version/)
  })
})

describe('satisfies', () => {
  it('treats commas as AND and arrays as OR', () => {
    const mcn = ['>=2.18.0,<3', '>=3.0.5,<4']
    expect(satisfies('2.18.0', mcn)).toBe(true)
    expect(satisfies('2.17.9', mcn)).toBe(false)
    expect(satisfies('3.0.4', mcn)).toBe(false)
    expect(satisfies('3.0.5', mcn)).toBe(true)
    expect(satisfies('4.0.0', mcn)).toBe(false)
  })

  it('knows ==, !=, wildcards, ~= and bare versions', () => {
    expect(satisfies('4.3.1', '>=4.3.1')).toBe(true)
    expect(satisfies('4.3.0', '>=4.3.1')).toBe(false)
    expect(satisfies('3.2.1', '==3.*')).toBe(true)
    expect(satisfies('4.0', '!=3.*')).toBe(true)
    expect(satisfies('4.3.7', '~=4.3.1')).toBe(true)
    expect(satisfies('4.4.0', '~=4.3.1')).toBe(false)
    expect(satisfies('1.2', '1.2.0')).toBe(true)
    expect(satisfies('0.9', '<1')).toBe(true)
  })

  it('rejects malformed constraints', () => {
    expect(() => satisfies('1.0', '>=banana')).toThrow(/not a version/)
    expect(() => satisfies('1.0', [])).toThrow(/empty/)
  })
})
