// Test volumes for the codec benchmark (section 5 of shared/specs/compressed-segmentation.md):
// 256^3 jittered-grid Voronoi cells (7^3 = 343 labels, random nonzero 64-bit ids), the same with
// label-0 membranes about 1.5 voxels thick, and the real FIB-25 64^3 chunk from shared/fixtures.
import { readFileSync } from 'node:fs'

export interface Volume {
  name: string
  shape: [number, number, number]
  /** uint64 labels, Fortran order. */
  u64: BigUint64Array
  /** The low 32 bits of each label (the uint32 run). */
  u32: Uint32Array
}

/** mulberry32: small seeded PRNG so every run benchmarks the same volumes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function lowWords(u64: BigUint64Array): Uint32Array {
  const pairs = new Uint32Array(u64.buffer, u64.byteOffset, u64.length * 2)
  const out = new Uint32Array(u64.length)
  for (let i = 0; i < out.length; i++) out[i] = pairs[2 * i] as number
  return out
}

/**
 * Voronoi cells of a jittered `cells^3` grid of seeds in a `size^3` volume. With `membrane`, voxels
 * whose two nearest seeds are almost equally far (a band about 1.5 voxels wide) get label 0.
 */
export function voronoi(size: number, cells: number, membrane: boolean, seed = 1): Volume {
  const random = prng(seed)
  const n = cells * cells * cells
  const sx = new Float64Array(n)
  const sy = new Float64Array(n)
  const sz = new Float64Array(n)
  const ids = new BigUint64Array(n)
  const cell = size / cells
  for (let k = 0, s = 0; k < cells; k++) {
    for (let j = 0; j < cells; j++) {
      for (let i = 0; i < cells; i++, s++) {
        sx[s] = (i + 0.15 + 0.7 * random()) * cell
        sy[s] = (j + 0.15 + 0.7 * random()) * cell
        sz[s] = (k + 0.15 + 0.7 * random()) * cell
        const hi = BigInt(Math.floor(random() * 2 ** 32))
        const lo = BigInt(Math.floor(random() * 2 ** 32) | 1)
        ids[s] = (hi << 32n) | lo
      }
    }
  }
  const u64 = new BigUint64Array(size * size * size)
  let p = 0
  for (let z = 0; z < size; z++) {
    const cz = Math.min(cells - 1, Math.floor((z + 0.5) / cell))
    for (let y = 0; y < size; y++) {
      const cy = Math.min(cells - 1, Math.floor((y + 0.5) / cell))
      for (let x = 0; x < size; x++, p++) {
        const cx = Math.min(cells - 1, Math.floor((x + 0.5) / cell))
        let best = Infinity
        let second = Infinity
        let bestSeed = 0
        for (let k = Math.max(0, cz - 1); k <= Math.min(cells - 1, cz + 1); k++) {
          for (let j = Math.max(0, cy - 1); j <= Math.min(cells - 1, cy + 1); j++) {
            for (let i = Math.max(0, cx - 1); i <= Math.min(cells - 1, cx + 1); i++) {
              const s = i + cells * (j + cells * k)
              const dx = (sx[s] as number) - (x + 0.5)
              const dy = (sy[s] as number) - (y + 0.5)
              const dz = (sz[s] as number) - (z + 0.5)
              const d = dx * dx + dy * dy + dz * dz
              if (d < best) {
                second = best
                best = d
                bestSeed = s
              } else if (d < second) {
                second = d
              }
            }
          }
        }
        u64[p] = membrane && Math.sqrt(second) - Math.sqrt(best) < 1.5 ? 0n : (ids[bestSeed] as bigint)
      }
    }
  }
  return { name: membrane ? 'membrane' : 'voronoi', shape: [size, size, size], u64, u32: lowWords(u64) }
}

/** The FIB-25 fixture: `shared/` sits beside the repository (as in CI). */
export function fib25(): Volume {
  const url = new URL('../../../../../shared/fixtures/fib25-64x64x64-uint64.raw', import.meta.url)
  const raw = readFileSync(url)
  const u64 = new BigUint64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
  return { name: 'FIB-25', shape: [64, 64, 64], u64, u32: lowWords(u64) }
}
