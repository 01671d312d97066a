import { describe, expect, it } from 'vitest'
import { extractServerMessage } from './server-message.js'

describe('extractServerMessage', () => {
  it('reads JSON message, PyChunkedGraph error bodies and middle_auth JSON', () => {
    expect(extractServerMessage('{"message": "Table description required"}', 'application/json')).toBe('Table description required')
    const pcg = JSON.stringify({ code: 400, duration: 0.1, message: 'Supervoxel 5 is not in root 7', timestamp: 't', traceback: ['File "x.py"', 'ValueError'] })
    expect(extractServerMessage(pcg, 'application/json')).toBe('Supervoxel 5 is not in root 7')
    expect(extractServerMessage('{"error":"invalid_token"}', 'application/json')).toBe('invalid_token')
  })

  it('reads JSON-encoded strings, plain text and HTML titles', () => {
    expect(extractServerMessage('"root id 5 is on the refusal list"', 'application/json')).toBe('root id 5 is on the refusal list')
    expect(extractServerMessage('Missing permission: view for dataset fly\n', 'text/plain')).toBe('Missing permission: view for dataset fly')
    const nginx = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>'
    expect(extractServerMessage(nginx, 'text/html')).toBe('502 Bad Gateway')
    expect(extractServerMessage('<!doctype html><h1>Oops &amp; more</h1>', '')).toBe('Oops & more')
    // Flask (middle_auth) sends plain strings with Content-Type text/html.
    expect(extractServerMessage('Missing permission: view for dataset fly_v31', 'text/html; charset=utf-8')).toBe(
      'Missing permission: view for dataset fly_v31',
    )
  })

  it('returns undefined for empty bodies and clips long ones', () => {
    expect(extractServerMessage('   ', 'text/plain')).toBeUndefined()
    expect(extractServerMessage('x'.repeat(2000))?.length).toBe(501)
  })
})
