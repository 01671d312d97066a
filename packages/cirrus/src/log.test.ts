import { describe, expect, it } from 'vitest'
import { MemStorage, defaultProvenance } from '@daf/volume'
import { applyRequest, withProvenanceLock } from './log.js'
import { Process } from './process.js'
import { DockerEnv } from './envs.js'

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('withProvenanceLock', () => {
  it('serialises critical sections on the same layer across storage objects, not across layers', async () => {
    const a1 = new MemStorage('cirrus-lock-test', 'a')
    const a2 = new MemStorage('cirrus-lock-test', 'a')
    const b = new MemStorage('cirrus-lock-test', 'b')
    const events: string[] = []
    const section = (name: string, s: MemStorage, ms: number) =>
      withProvenanceLock(s, async () => {
        events.push(`${name}+`)
        await tick(ms)
        events.push(`${name}-`)
        return name
      })
    const results = await Promise.all([section('x', a1, 15), section('y', a2, 1), section('z', b, 1)])
    expect(results).toEqual(['x', 'y', 'z'])
    // y waits for x (same url); z runs alongside x.
    expect(events.indexOf('y+')).toBeGreaterThan(events.indexOf('x-'))
    expect(events.indexOf('z-')).toBeLessThan(events.indexOf('x-'))
  })

  it('a failing section releases the lock', async () => {
    const s = new MemStorage('cirrus-lock-test', 'c')
    await expect(withProvenanceLock(s, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await withProvenanceLock(s, async () => 'next')).toBe('next')
  })
})

describe('applyRequest', () => {
  it('is idempotent: applying the same request twice changes nothing the second time', () => {
    const p = defaultProvenance()
    const req = {
      sources: ['a', 'b', 'a'],
      motivation: 'm',
      process: new Process('t', { x: 1 }, [new DockerEnv('i', 't', 'sha256:1')]),
      notes: [{ type: 'RESULT' as const, content: 'r', timestamp: new Date(2020, 0, 1) }],
      timestamp: new Date(2020, 0, 1, 1),
    }
    const first = applyRequest(p, req)
    expect(first.changed).toBe(true)
    expect(first.envFiles.map((f) => f.filename)).toEqual(['i_sha2561'])
    expect(p.sources).toEqual(['a', 'b'])
    const snapshot = structuredClone(p)
    expect(applyRequest(p, req)).toEqual({ changed: false, envFiles: [] })
    expect(p).toEqual(snapshot)
  })
})
