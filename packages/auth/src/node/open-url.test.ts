import { EventEmitter } from 'node:events'
import type { SpawnOptions } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { isOpenUrlError } from '../errors.js'
import { openerCommand, openWithSystem, type Spawn } from './open-url.js'

const url = 'https://global.daf-apis.com/auth/api/v1/create_token'

describe('openerCommand', () => {
  it('uses xdg-open, open or cmd start, with the URL as one argument', () => {
    expect(openerCommand(url, 'linux')).toEqual({ command: 'xdg-open', args: [url], windowsVerbatimArguments: false })
    expect(openerCommand(url, 'freebsd').command).toBe('xdg-open')
    expect(openerCommand(url, 'darwin')).toEqual({ command: 'open', args: [url], windowsVerbatimArguments: false })
    expect(openerCommand(`${url}?a=1&b=2`, 'win32')).toEqual({
      command: 'cmd.exe',
      args: ['/d', '/s', '/c', 'start', '""', `${url}?a=1^&b=2`],
      windowsVerbatimArguments: true,
    })
  })

  it('refuses non-http(s) URLs and, on Windows, % (cmd variables)', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'not a url', '--help']) {
      expect(() => openerCommand(bad, 'linux'), bad).toThrow(/http|absolute/)
    }
    expect(() => openerCommand('https://x.example/%PATH%', 'win32')).toThrow(/%/)
  })
})

class FakeChild extends EventEmitter {
  unrefs = 0
  unref() {
    this.unrefs++
  }
}

describe('openWithSystem', () => {
  it('spawns the opener detached and resolves once it started', async () => {
    const calls: { command: string; args: readonly string[]; options: SpawnOptions }[] = []
    let child: FakeChild | undefined
    const spawn: Spawn = (command, args, options) => {
      calls.push({ command, args, options })
      child = new FakeChild()
      queueMicrotask(() => child?.emit('spawn'))
      return child
    }
    await openWithSystem(url, { spawn, platform: 'linux' })
    expect(calls).toEqual([
      { command: 'xdg-open', args: [url], options: { stdio: 'ignore', detached: true, windowsVerbatimArguments: false } },
    ])
    expect(child?.unrefs).toBe(1)
  })

  it('rejects with OpenUrlError when the opener is missing', async () => {
    const spawn: Spawn = () => {
      const child = new FakeChild()
      queueMicrotask(() => child.emit('error', Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' })))
      return child
    }
    const error = await openWithSystem(url, { spawn, platform: 'linux' }).catch((e: unknown) => e)
    expect(isOpenUrlError(error)).toBe(true)
    expect(error).toMatchObject({ url, command: 'xdg-open' })
    expect(String(error)).toContain('ENOENT')
  })

  it('does not spawn when the signal is already aborted', async () => {
    let spawned = false
    const spawn: Spawn = () => {
      spawned = true
      return new FakeChild()
    }
    const controller = new AbortController()
    controller.abort(new Error('nope'))
    await expect(openWithSystem(url, { spawn, signal: controller.signal })).rejects.toThrow('nope')
    expect(spawned).toBe(false)
  })
})
