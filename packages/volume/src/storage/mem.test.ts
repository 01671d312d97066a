import { describe, expect, it } from 'vitest'
import { gzip } from '../compression/index.js'
import { storageSuite } from '../test-support/storage-suite.js'
import { storageFor } from './factory.js'
import { MemStorage, clearMemoryStore } from './mem.js'

let id = 0
storageSuite('mem://', async () => {
  const name = `suite-${++id}-${Date.now()}`
  return { storage: new MemStorage(name, 'layer'), cleanup: async () => clearMemoryStore(name) }
})

describe('mem://', () => {
  it('two opens of the same name share one store; other names do not', async () => {
    const a = storageFor('mem://shared-x/layer')
    const b = storageFor('precomputed://mem://shared-x/layer')
    await a.set('info', new Uint8Array([1, 2, 3]))
    expect(await b.get('info')).toEqual(new Uint8Array([1, 2, 3]))
    expect(await storageFor('mem://shared-y/layer').get('info')).toBeUndefined()
    // The parent sees the layer's objects below its own root.
    const keys: string[] = []
    for await (const key of storageFor('mem://shared-x').list()) keys.push(key)
    expect(keys).toEqual(['layer/info'])
    clearMemoryStore('shared-x')
    expect(await a.get('info')).toBeUndefined()
  })

  it('stores compressed variants under suffixes and probes .gz before the bare key (CloudFiles order)', async () => {
    const s = new MemStorage('probe-order')
    await s.set('k', new Uint8Array([9]), { compress: 'gzip' })
    const raw = new MemStorage('probe-order')
    // What is stored is gzip under k.gz, read raw through a key that names the suffix.
    const stored = await raw.get('k.gz')
    expect(stored?.[0]).toBe(0x1f)
    expect(stored?.[1]).toBe(0x8b)
    clearMemoryStore('probe-order')
  })

  it('returns copies: mutating what get returned or what was set does not change the store', async () => {
    const s = new MemStorage('copies')
    const v = new Uint8Array([1, 2])
    await s.set('k', v)
    v[0] = 99
    const got = (await s.get('k'))!
    got[1] = 77
    expect(await s.get('k')).toEqual(new Uint8Array([1, 2]))
    clearMemoryStore('copies')
  })

  it('a hand-made .gz variant decodes', async () => {
    const s = new MemStorage('handmade')
    await s.set('c.gz', await gzip(new Uint8Array([4, 5, 6])))
    expect(await s.get('c')).toEqual(new Uint8Array([4, 5, 6]))
    clearMemoryStore('handmade')
  })
})
