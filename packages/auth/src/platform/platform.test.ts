import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { platform } from '#platform'

describe('#platform in Node', () => {
  it('resolves to the Node platform (files, environment, system opener)', () => {
    expect(platform.name).toBe('node')
    expect(platform.createStore({}).constructor.name).toBe('FileTokenStore')
  })

  it('is wired in package.json: Node and types get the Node platform, browsers and the rest the browser one', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      imports: Record<string, unknown>
    }
    expect(manifest.imports['#platform']).toEqual({
      types: './src/platform/node.ts',
      browser: './src/platform/browser.ts',
      node: './src/platform/node.ts',
      default: './src/platform/browser.ts',
    })
  })
})
