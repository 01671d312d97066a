import { describe, expect, it } from 'vitest'
import { platform } from '#platform'

describe('#platform in Node', () => {
  it('resolves to the Node platform (files, environment, system opener)', () => {
    expect(platform.name).toBe('node')
    expect(platform.createStore({}).constructor.name).toBe('FileTokenStore')
  })
})
