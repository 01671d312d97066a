import { describe, expect, it } from 'vitest'
import { redactSecrets } from './redact.js'

describe('redactSecrets', () => {
  it('replaces every occurrence, case-insensitively', () => {
    const secret = 'abcdef0123456789abcdef0123456789'
    const text = `GET x?middle_auth_token=${secret} failed; header Bearer ${secret.toUpperCase()}`
    expect(redactSecrets(text, [secret])).toBe('GET x?middle_auth_token=[redacted] failed; header Bearer [redacted]')
  })

  it('handles several secrets, regex characters and no secrets', () => {
    expect(redactSecrets('a.b a+b aXb', ['a.b', 'a+b'])).toBe('[redacted] [redacted] aXb')
    expect(redactSecrets('unchanged', [])).toBe('unchanged')
    expect(redactSecrets('unchanged', [''])).toBe('unchanged')
  })
})
