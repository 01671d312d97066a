/** Test helpers: small layers in mem:// or file://, and a storage wrapper that records and fails on demand. */
import {
  type ByteRange,
  CloudVolume,
  MemStorage,
  type NewInfoOptions,
  type Storage,
  type StorageCallOptions,
  type StorageSetOptions,
  type VolumeInfo,
  clearMemoryStore,
} from '@daf/volume'

let counter = 0

/** A fresh `mem://` name per call (stores are process-wide). */
export function memPath(label = 'layer'): string {
  counter++
  return `mem://cirrus-test-${Date.now().toString(36)}-${counter}/${label}`
}

export function clearMem(path: string): void {
  clearMemoryStore(path.slice('mem://'.length).split('/')[0]!)
}

export const INFO: NewInfoOptions = {
  numChannels: 1,
  layerType: 'segmentation',
  dataType: 'uint32',
  encoding: 'raw',
  resolution: [4, 4, 40],
  voxelOffset: [0, 0, 0],
  volumeSize: [64, 64, 16],
  chunkSize: [32, 32, 16],
}

/** Creates the layer's info with a plain CloudVolume (no provenance file). */
export async function makeLayer(path: string, info: NewInfoOptions | VolumeInfo = INFO): Promise<void> {
  const full = 'scales' in info ? info : CloudVolume.createNewInfo(info)
  const vol = await CloudVolume.open(path, { info: full, provenance: { description: '', owners: [], processing: [], sources: [] } })
  await vol.commitInfo()
}

/** Wraps a storage: records `set`/`delete` keys; `failSet` makes `set` of those keys throw. */
export class RecordingStorage implements Storage {
  readonly sets: string[] = []
  readonly deletes: string[] = []
  readonly failSet = new Set<string>()
  /** Called before each `set` completes (to interleave writers). */
  beforeSet: ((key: string) => Promise<void>) | undefined
  /** Called after each successful `set` (to simulate another process writing meanwhile). */
  afterSet: ((key: string) => Promise<void>) | undefined

  constructor(readonly inner: Storage) {}

  static mem(path: string): RecordingStorage {
    const [name, ...rest] = path.slice('mem://'.length).split('/')
    return new RecordingStorage(new MemStorage(name!, rest.join('/')))
  }

  get url(): string {
    return this.inner.url
  }

  get writable(): boolean {
    return this.inner.writable
  }

  get(key: string, options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    return this.inner.get(key, options)
  }

  getRange(key: string, range: ByteRange, options?: StorageCallOptions): Promise<Uint8Array | undefined> {
    return this.inner.getRange(key, range, options)
  }

  async set(key: string, value: Uint8Array, options?: StorageSetOptions): Promise<void> {
    await this.beforeSet?.(key)
    if (this.failSet.has(key)) throw new Error(`injected failure writing ${key}`)
    this.sets.push(key)
    await this.inner.set(key, value, options)
    await this.afterSet?.(key)
  }

  async delete(key: string, options?: StorageCallOptions): Promise<void> {
    this.deletes.push(key)
    await this.inner.delete(key, options)
  }

  list(prefix?: string, options?: StorageCallOptions): AsyncIterable<string> {
    return this.inner.list(prefix, options)
  }

  exists(key: string, options?: StorageCallOptions): Promise<boolean> {
    return this.inner.exists(key, options)
  }
}

export async function keys(storage: Storage): Promise<string[]> {
  const out: string[] = []
  for await (const k of storage.list()) out.push(k)
  return out.sort()
}

export async function text(storage: Storage, key: string): Promise<string | undefined> {
  const bytes = await storage.get(key)
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes)
}
