import { describe, expect, it } from 'vitest'
import { DockerEnv } from './envs.js'
import { isCirrusError } from './errors.js'
import { jsonEqual, toJsonValue } from './json.js'
import { Process, checkEnvFilename, codefileAbsent, processAbsent } from './process.js'

describe('Process (§8.3)', () => {
  it('builds the entry {task, parameters, code_envfiles} with env files in order', () => {
    const a = new DockerEnv('org/a', '1', 'sha256:aa')
    const b = new DockerEnv('b', '2', 'sha256:bb')
    const p = new Process('giving a demo of cirrus', { metaLevel: 5 }, [a, b])
    expect(p.entry()).toEqual({ task: 'giving a demo of cirrus', parameters: { metaLevel: 5 }, code_envfiles: ['org_a_sha256aa', 'b_sha256bb'] })
    expect(JSON.parse(JSON.stringify(p))).toEqual(p.entry())
    expect(p.envFiles()[0]).toEqual({ filename: 'org_a_sha256aa', contents: { 'CodeEnv type': 'Docker', 'image name': 'org/a', tag: '1', 'image ID': 'sha256:aa' } })
    expect(Process.isProcess(p)).toBe(true)
    expect(Process.isProcess({ description: 'x' })).toBe(false)
    expect(Object.isFrozen(p)).toBe(true)
    expect(new Process('no parameters').entry()).toEqual({ task: 'no parameters', parameters: {}, code_envfiles: [] })
  })

  it('refuses bad descriptions, parameters that are not plain JSON objects, and things that are not code envs', () => {
    const bad: Array<() => unknown> = [
      () => new Process('', {}),
      () => new Process(3 as never, {}),
      () => new Process('t', [1, 2] as never),
      () => new Process('t', { f: () => 1 }),
      () => new Process('t', { m: new Map() }),
      () => new Process('t', { n: NaN }),
      () => new Process('t', { s: Symbol('x') }),
      () => {
        const o: Record<string, unknown> = {}
        o.self = o
        return new Process('t', o)
      },
      () => new Process('t', {}, [{ filename: 'x' } as never]),
      () => new Process('t', {}, [{ filename: 'info', contents: () => ({}) }]),
      () => new Process('t', {}, 'env' as never),
    ]
    for (const f of bad) {
      let error: unknown
      try {
        f()
      } catch (e) {
        error = e
      }
      expect(isCirrusError(error, 'INVALID_ARGUMENT'), String(f)).toBe(true)
    }
    expect(() => new Process('t', { m: new Map() })).toThrow(/parameters\.m: only plain objects/)
  })
})

describe('JSON normalisation and comparison', () => {
  it('normalises like json.loads(json.dumps(x))', () => {
    expect(toJsonValue({ t: new Uint8Array([1, 2]), u: undefined, a: [undefined, 1], d: new Date(Date.UTC(2020, 0, 1)), big: 5n, huge: 2n ** 64n, nil: null }, 'p')).toEqual({
      t: [1, 2],
      a: [null, 1],
      d: '2020-01-01T00:00:00.000Z',
      big: 5,
      huge: 2n ** 64n,
      nil: null,
    })
    expect(toJsonValue(Object.create(null) as object, 'p')).toEqual({})
  })

  it('compares deeply, ignoring key order; numbers and bigints by value', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true)
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(jsonEqual([1, 2], [2, 1])).toBe(false)
    expect(jsonEqual(2n ** 64n, 2n ** 64n)).toBe(true)
    expect(jsonEqual(5, 5n)).toBe(true)
    expect(jsonEqual(0.5, 0.5)).toBe(true)
    expect(jsonEqual(0.5, 1n)).toBe(false)
    expect(jsonEqual({ a: [] }, { a: {} })).toBe(false)
    expect(jsonEqual(null, {})).toBe(false)
  })
})

describe('processAbsent / codefileAbsent', () => {
  const processing = [
    { by: 'igneous', date: '2022-01-01 10:00 UTC', method: { task: 'x' } },
    { task: 'no parameters key' },
    { task: 'testing', parameters: { a: [1, 2, 3], b: { c: 1 } }, code_envfiles: ['env_1'] },
    { code_envfiles: 'not a list' },
  ]

  it('matches task and normalised parameters; skips entries without task or parameters; ignores code envs', () => {
    expect(processAbsent(processing, new Process('testing', { b: { c: 1 }, a: new Int8Array([1, 2, 3]) }))).toBe(false)
    expect(processAbsent(processing, new Process('testing', { b: { c: 1 }, a: [1, 2, 3] }, [new DockerEnv('i', 't', 'x')]))).toBe(false)
    expect(processAbsent(processing, new Process('testing', { a: [1, 2, 3] }))).toBe(true)
    expect(processAbsent(processing, new Process('no parameters key', {}))).toBe(true)
    expect(processAbsent(processing, new Process('x', {}))).toBe(true)
    expect(processAbsent([], new Process('x', {}))).toBe(true)
  })

  it('codefileAbsent looks through every code_envfiles list', () => {
    expect(codefileAbsent(processing, 'env_1')).toBe(false)
    expect(codefileAbsent(processing, 'env_2')).toBe(true)
    expect(codefileAbsent(processing, 'not a list')).toBe(true)
  })

  it('env file names may not escape the layer or replace info/provenance', () => {
    for (const bad of ['', 'a/b', '..', 'info', 'provenance', 'a\\b', 'a\nb']) expect(() => checkEnvFilename(bad), bad).toThrow(/cannot be used/)
    expect(checkEnvFilename('repo_abc')).toBe('repo_abc')
  })
})
