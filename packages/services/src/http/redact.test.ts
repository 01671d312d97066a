import { describe, expect, it } from 'vitest'
import { bodyExcerpt, redactText, scrubUrl } from './redact.js'
import { TOKEN, fakeAuth } from '../test-support/fake-auth.js'

describe('redaction', () => {
  it('drops credential query parameters and user info from URLs', () => {
    expect(scrubUrl(`https://u:p@h.test/x?middle_auth_token=${TOKEN}&a=1`)).toBe('https://h.test/x?a=1')
    expect(scrubUrl(`https://h.test/x?middle_auth_token=${TOKEN}`)).toBe('https://h.test/x')
    expect(scrubUrl('https://h.test/x?operation_ids=[1, 2]')).toBe('https://h.test/x?operation_ids=[1,%202]')
  })

  it('redacts known tokens and token-shaped fragments', () => {
    const text = `Bearer ${TOKEN} middle_auth_token=${TOKEN}; {"token": "${TOKEN}"} Bearer othersecret`
    const out = redactText(text, fakeAuth())
    expect(out).not.toContain(TOKEN)
    expect(out).not.toContain('othersecret')
  })

  it('redacts before truncating', () => {
    const text = `${'a'.repeat(2040)}${TOKEN}`
    const ex = bodyExcerpt(text, fakeAuth())
    expect(ex).not.toContain(TOKEN.slice(0, 8))
    expect(ex).toMatch(/more characters\)$/)
  })
})
