/**
 * Small deterministic random numbers for the generated dataset. Every generator is derived from the
 * dataset seed plus a stream name, so adding a new stream (a later service's data) never changes the
 * numbers an existing stream produces.
 */

/** A seed as the options accept it: a number (its low 32 bits) or any string (hashed). */
export type Seed = number | string

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Normalises a seed to an unsigned 32-bit integer. */
export function normalizeSeed(seed: Seed): number {
  if (typeof seed === 'string') return hashString(seed)
  if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number or a string, got ${seed}`)
  return Math.trunc(seed) >>> 0
}

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string
}

/** mulberry32 seeded with hash(seed, stream). */
export function createRng(seed: Seed, stream = ''): Rng {
  let state = (normalizeSeed(seed) ^ hashString(stream)) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1))
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick from an empty array')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    hex(bytes) {
      let out = ''
      for (let i = 0; i < bytes; i++) out += Math.floor(next() * 256).toString(16).padStart(2, '0')
      return out
    },
  }
}
