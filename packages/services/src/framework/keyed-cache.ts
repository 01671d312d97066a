/**
 * A keyed version of `lazyAsync`: one cached value per key, concurrent callers of a key share one
 * in-flight load, success is cached and failure is not. A caller's signal aborts only its own wait.
 */
import type { CallOptions } from './context.js'

export interface KeyedCache<K, V> {
  /** The cached value, loading it (once, shared) when absent. */
  get(key: K, options?: CallOptions): Promise<V>
  /** Loads again (not shared with a cached value) and caches the result. */
  refresh(key: K, options?: CallOptions): Promise<V>
  peek(key: K): V | undefined
  set(key: K, value: V): void
  keys(): K[]
  clear(): void
}

/** The part of `Map` the cache uses; a `Map` is one. */
export interface CacheStore<K, V> {
  has(key: K): boolean
  get(key: K): V | undefined
  set(key: K, value: V): unknown
  keys(): Iterable<K>
  clear(): void
}

export interface KeyedCacheOptions<K, V> {
  /** Backing store for values (e.g. a caller's `Map` shared between clients). Default a new Map. */
  store?: CacheStore<K, V>
  /** Called after each successful load (not for `set`). */
  onLoad?: (key: K, value: V) => void
}

export function keyedCache<K, V>(
  load: (key: K, signal: AbortSignal | undefined) => Promise<V>,
  options: KeyedCacheOptions<K, V> = {},
): KeyedCache<K, V> {
  const store: CacheStore<K, V> = options.store ?? new Map<K, V>()
  const inflight = new Map<K, Promise<V>>()

  function loaded(key: K, value: V): V {
    store.set(key, value)
    options.onLoad?.(key, value)
    return value
  }

  return {
    async get(key, o = {}) {
      if (store.has(key)) return store.get(key) as V
      o.signal?.throwIfAborted()
      let p = inflight.get(key)
      if (!p) {
        // Shared between callers, so not tied to one caller's signal.
        p = load(key, undefined).then(
          (value) => {
            inflight.delete(key)
            return loaded(key, value)
          },
          (error: unknown) => {
            inflight.delete(key)
            throw error
          },
        )
        inflight.set(key, p)
      }
      return o.signal ? raceAbort(p, o.signal) : p
    },
    async refresh(key, o = {}) {
      o.signal?.throwIfAborted()
      return loaded(key, await load(key, o.signal))
    },
    peek: (key) => store.get(key),
    set: (key, value) => void store.set(key, value),
    keys: () => [...store.keys()],
    clear: () => store.clear(),
  }
}

/** `promise`, or the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}
