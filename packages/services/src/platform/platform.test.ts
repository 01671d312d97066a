import { describe, expect, it } from 'vitest'
import { platform } from '#platform'

// The browser side (nothing Node-only reachable, published map mirrors this one) is checked for
// every package by scripts/test/browser-safety.test.ts.
describe('#platform in Node', () => {
  it('resolves to the Node platform (the datastack→server map file)', () => {
    expect(platform.name).toBe('node')
  })
})
