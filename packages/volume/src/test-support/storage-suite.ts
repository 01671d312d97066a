/**
 * One behavioural test suite for every `Storage` backend: each backend's test file calls
 * `storageSuite(name, open)` and gets the same checks. Read-only backends (http) give a writable
 * `seed` storage over the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isInvalidArgumentError, isReadOnlyException } from '../errors.js'
import type { Storage } from '../storage/storage.js'

export interface SuiteTarget {
  /** The backend under test. */
  storage: Storage
  /** Writes the fixtures when `storage` is read-only; defaults to `storage`. */
  seed?: Storage
  /** Whether `list` is supported. Default true. */
  list?: boolean
  cleanup?: () => Promise<void>
}

const bytes = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + start) & 255)
const collect = async (it: AsyncIterable<string>) => {
  const out: string[] = []
  for await (const k of it) out.push(k)
  return out.sort()
}

export function storageSuite(name: string, open: () => Promise<SuiteTarget>): void {
  describe(`Storage behaviour: ${name}`, () => {
    let t: SuiteTarget
    let s: Storage
    let seed: Storage
    let n = 0
    // Each test works below its own prefix, so the tests never see each other's objects.
    const k = (key: string) => `t${n}/${key}`

    beforeAll(async () => {
      t = await open()
      s = t.storage
      seed = t.seed ?? t.storage
    })
    afterAll(async () => {
      await t?.cleanup?.()
    })
    const fresh = () => {
      n += 1
    }

    it('a missing object is undefined and does not exist', async () => {
      fresh()
      expect(await s.get(k('nothing'))).toBeUndefined()
      expect(await s.exists(k('nothing'))).toBe(false)
      expect(await s.getRange(k('nothing'), { offset: 0, length: 4 })).toBeUndefined()
    })

    it('round-trips every byte value, and an overwrite replaces the bytes', async () => {
      fresh()
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      await seed.set(k('info'), all, { contentType: 'application/octet-stream' })
      expect(await s.get(k('info'))).toEqual(all)
      expect(await s.exists(k('info'))).toBe(true)
      await seed.set(k('info'), bytes(10, 3))
      expect(await s.get(k('info'))).toEqual(bytes(10, 3))
    })

    it('gzip transport compression is invisible to readers; a plain rewrite leaves no stale variant', async () => {
      fresh()
      const value = bytes(5000)
      await seed.set(k('8_8_40/0-64_0-64_0-64'), value, { compress: 'gzip' })
      expect(await s.get(k('8_8_40/0-64_0-64_0-64'))).toEqual(value)
      expect(await s.exists(k('8_8_40/0-64_0-64_0-64'))).toBe(true)
      if (t.list !== false) expect(await collect(s.list(k('8_8_40/')))).toEqual([k('8_8_40/0-64_0-64_0-64')])
      await seed.set(k('8_8_40/0-64_0-64_0-64'), bytes(7, 1))
      expect(await s.get(k('8_8_40/0-64_0-64_0-64'))).toEqual(bytes(7, 1))
      await seed.set(k('8_8_40/0-64_0-64_0-64'), bytes(9, 2), { compress: 'gzip' })
      expect(await s.get(k('8_8_40/0-64_0-64_0-64'))).toEqual(bytes(9, 2))
      if (t.list !== false) expect(await collect(s.list(k('8_8_40/')))).toEqual([k('8_8_40/0-64_0-64_0-64')])
    })

    it('byte ranges: inside, cut at the end, past the end', async () => {
      fresh()
      const value = bytes(1000)
      await seed.set(k('0.shard'), value)
      expect(await s.getRange(k('0.shard'), { offset: 16, length: 32 })).toEqual(value.subarray(16, 48))
      expect(await s.getRange(k('0.shard'), { offset: 0, length: 1 })).toEqual(value.subarray(0, 1))
      expect(await s.getRange(k('0.shard'), { offset: 990, length: 100 })).toEqual(value.subarray(990))
      expect((await s.getRange(k('0.shard'), { offset: 5000, length: 10 }))?.byteLength ?? 0).toBe(0)
      expect((await s.getRange(k('0.shard'), { offset: 10, length: 0 }))?.byteLength).toBe(0)
    })

    it('a zero-byte object counts as missing', async () => {
      fresh()
      await seed.set(k('empty'), new Uint8Array(0))
      expect(await s.get(k('empty'))).toBeUndefined()
      expect(await s.exists(k('empty'))).toBe(false)
    })

    it('delete removes every variant; deleting a missing object is fine', async () => {
      fresh()
      await seed.set(k('a'), bytes(100), { compress: 'gzip' })
      await seed.delete(k('a'))
      expect(await s.get(k('a'))).toBeUndefined()
      expect(await s.exists(k('a'))).toBe(false)
      await seed.delete(k('never-there'))
    })

    it('keys normalise "." and ".." and refuse to climb above the root', async () => {
      fresh()
      await seed.set(k('x/./y/../z'), bytes(3))
      expect(await s.get(k('x/z'))).toEqual(bytes(3))
      await expect(s.get('../outside')).rejects.toSatisfy(isInvalidArgumentError)
      await expect(s.get('/abs')).rejects.toSatisfy(isInvalidArgumentError)
      await expect(s.get('gs://b/x')).rejects.toSatisfy(isInvalidArgumentError)
    })

    it('list: prefixes are plain string prefixes of keys; suffixes stripped; no duplicates', async () => {
      fresh()
      if (t.list === false) {
        await expect(collect(s.list(k('')))).rejects.toThrow(/list/i)
        return
      }
      await seed.set(k('a/1'), bytes(2))
      await seed.set(k('a/2'), bytes(2), { compress: 'gzip' })
      await seed.set(k('a/deep/3'), bytes(2))
      await seed.set(k('ab/4'), bytes(2))
      await seed.set(k('b/5'), bytes(2))
      expect(await collect(s.list(k('a/')))).toEqual([k('a/1'), k('a/2'), k('a/deep/3')])
      expect(await collect(s.list(k('a')))).toEqual([k('a/1'), k('a/2'), k('a/deep/3'), k('ab/4')])
      expect(await collect(s.list(k('')))).toEqual([k('a/1'), k('a/2'), k('a/deep/3'), k('ab/4'), k('b/5')])
      expect(await collect(s.list(k('zzz/')))).toEqual([])
    })

    it('an aborted signal rejects', async () => {
      fresh()
      const c = new AbortController()
      c.abort()
      await expect(s.get(k('x'), { signal: c.signal })).rejects.toThrow()
      await expect(s.exists(k('x'), { signal: c.signal })).rejects.toThrow()
    })

    it('writability is reported, and a read-only backend refuses writes', async () => {
      fresh()
      if (s.writable) {
        await s.set(k('w'), bytes(1))
        expect(await s.get(k('w'))).toEqual(bytes(1))
      } else {
        await expect(s.set(k('w'), bytes(1))).rejects.toSatisfy(isReadOnlyException)
        await expect(s.delete(k('w'))).rejects.toSatisfy(isReadOnlyException)
      }
      expect(s.url).not.toMatch(/secret|token|password/i)
    })
  })
}
