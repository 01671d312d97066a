/** A small least-recently-used map (Map insertion order = recency). */
export class Lru<K, V> {
  readonly #map = new Map<K, V>()
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.#map.get(key)
    if (v !== undefined || this.#map.has(key)) {
      this.#map.delete(key)
      this.#map.set(key, v as V)
    }
    return v
  }

  has(key: K): boolean {
    return this.#map.has(key)
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return
    this.#map.delete(key)
    this.#map.set(key, value)
    while (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K)
  }

  delete(key: K): void {
    this.#map.delete(key)
  }

  clear(): void {
    this.#map.clear()
  }

  keys(): IterableIterator<K> {
    return this.#map.keys()
  }

  get size(): number {
    return this.#map.size
  }
}
