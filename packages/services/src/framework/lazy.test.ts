import { describe, expect, it } from 'vitest'
import { lazyAsync } from './context.js'
import { keyedCache } from './keyed-cache.js'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('lazyAsync', () => {
  it('shares one in-flight load between callers and caches success', async () => {
    let loads = 0
    const gate = deferred<number>()
    const value = lazyAsync(async () => {
      loads++
      return gate.promise
    })
    const a = value()
    const b = value()
    gate.resolve(42)
    expect(await Promise.all([a, b])).toEqual([42, 42])
    expect(await value()).toBe(42)
    expect(loads).toBe(1)
  })

  it('does not cache failure: the next call loads again', async () => {
    let loads = 0
    const value = lazyAsync(async () => {
      loads++
      if (loads === 1) throw new Error('outage')
      return 'ok'
    })
    await expect(value()).rejects.toThrow('outage')
    expect(await value()).toBe('ok')
    expect(loads).toBe(2)
  })

  it("one caller's abort rejects only its own wait; the shared load is not aborted", async () => {
    const gate = deferred<string>()
    let loadSignal: AbortSignal | undefined
    const value = lazyAsync((signal) => {
      loadSignal = signal
      return gate.promise
    })
    const controller = new AbortController()
    const aborted = value({ signal: controller.signal })
    const other = value()
    controller.abort(new Error('caller gave up'))
    await expect(aborted).rejects.toThrow('caller gave up')
    expect(loadSignal?.aborted).toBe(false)
    gate.resolve('done')
    expect(await other).toBe('done')
  })

  it('rejects at once when the signal is already aborted, without loading', async () => {
    let loads = 0
    const value = lazyAsync(async () => ++loads)
    await expect(value({ signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late')
    expect(loads).toBe(0)
  })
})

describe('keyedCache', () => {
  it('caches per key, refresh reloads, and onLoad sees each load', async () => {
    const seen: string[] = []
    let n = 0
    const cache = keyedCache(async (key: string) => `${key}${++n}`, { onLoad: (k, v) => seen.push(`${k}=${v}`) })
    expect(await cache.get('a')).toBe('a1')
    expect(await cache.get('a')).toBe('a1')
    expect(await cache.get('b')).toBe('b2')
    expect(await cache.refresh('a')).toBe('a3')
    expect(cache.peek('a')).toBe('a3')
    expect(seen).toEqual(['a=a1', 'b=b2', 'a=a3'])
  })
})
