/**
 * CORS from a real browser: cross-origin requests with an Authorization header (preflighted),
 * readable WWW-Authenticate and Retry-After headers, admin routes usable from a page.
 * Needs the dev server from `vitest-global-setup.ts` (the browser project's global setup).
 */
import { describe, expect, inject, it } from 'vitest'
import { DEMO_DATASTACK, DEV_TOKEN } from './constants.js'

const url = inject('devServerUrl')
const INFO = `/info/api/v2/datastack/full/${DEMO_DATASTACK}`

describe('dev server from the browser', () => {
  it('answers a preflighted request with a Bearer token', async () => {
    const res = await fetch(`${url}${INFO}`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { local_server: string }).local_server).toBe(url)
  })

  it('a browser request is programmatic (Origin): 401 with a readable WWW-Authenticate', async () => {
    const res = await fetch(`${url}${INFO}`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer realm=')
  })

  it('faults set over HTTP; Retry-After is readable', async () => {
    // The server is shared by the whole browser project: fault only this test's own URL.
    const id = Math.random().toString(36).slice(2)
    const mine = `${INFO}?cors_test=${id}`
    const add = await fetch(`${url}/__dev/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pathRegex: `cors_test=${id}`, status: 429, retryAfter: '1', times: 1 }),
    })
    expect(add.status).toBe(201)
    const res = await fetch(`${url}${mine}`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('1')
    expect((await fetch(`${url}${mine}`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` } })).status).toBe(200)
  })
})
