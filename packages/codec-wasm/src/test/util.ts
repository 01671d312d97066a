// Test helpers shared by the Node and Chromium suites (not part of the package build).

/** mulberry32: a small seeded PRNG, so failures reproduce. */
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

export const randomInt = (random: () => number, n: number): number => Math.floor(random() * n)

export function randomU64(random: () => number): bigint {
  return (BigInt(randomInt(random, 2 ** 32)) << 32n) | BigInt(randomInt(random, 2 ** 32))
}

/** `length` values drawn from `numPossibleValues` random labels (uint64 labels include ids >= 2^63). */
export function randomVolume(random: () => number, length: number, numPossibleValues: number, dataType: 'uint32' | 'uint64'): Uint32Array | BigUint64Array {
  if (dataType === 'uint32') {
    const pool = Array.from({ length: numPossibleValues }, () => randomInt(random, 2 ** 32))
    return Uint32Array.from({ length }, () => pool[randomInt(random, pool.length)] as number)
  }
  const pool = Array.from({ length: numPossibleValues }, () => randomU64(random))
  return BigUint64Array.from({ length }, () => pool[randomInt(random, pool.length)] as bigint)
}

export function words(bytes: Uint8Array): number[] {
  return Array.from(new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)))
}

export function bytesOfWords(values: readonly number[]): Uint8Array {
  return new Uint8Array(Uint32Array.from(values).buffer)
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes.slice())
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * A deliberately plain implementation of the reference encoder algorithm (spec section 2):
 * blocks x fastest, sorted distinct values, smallest width in {0,1,2,4,8,16,32}, zero padding,
 * [values][table] with exact-match table reuse per channel. Slow; used to cross-check the wasm
 * encoder on random inputs.
 */
export function referenceEncode(data: Uint32Array | BigUint64Array, shape: readonly number[], block: readonly number[]): Uint32Array {
  const [sx = 0, sy = 0, sz = 0, nc = 1] = shape
  const [bx = 1, by = 1, bz = 1] = block
  const u64 = data instanceof BigUint64Array
  const gx = Math.ceil(sx / bx)
  const gy = Math.ceil(sy / by)
  const gz = Math.ceil(sz / bz)
  const out: number[] = new Array<number>(nc).fill(0)
  for (let c = 0; c < nc; c++) {
    out[c] = out.length
    const base = out.length
    for (let i = 0; i < 2 * gx * gy * gz; i++) out.push(0)
    const cache = new Map<string, number>()
    for (let k = 0, blk = 0; k < gz; k++) {
      for (let j = 0; j < gy; j++) {
        for (let i = 0; i < gx; i++, blk++) {
          const ax = Math.min(bx, sx - i * bx)
          const ay = Math.min(by, sy - j * by)
          const az = Math.min(bz, sz - k * bz)
          const at = (x: number, y: number, z: number): bigint =>
            BigInt(data[c * sx * sy * sz + i * bx + x + sx * (j * by + y + sy * (k * bz + z))] as number | bigint)
          const set = new Set<bigint>()
          for (let z = 0; z < az; z++) for (let y = 0; y < ay; y++) for (let x = 0; x < ax; x++) set.add(at(x, y, z))
          const values = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          const index = new Map(values.map((v, n) => [v, n]))
          const u = values.length
          const bits = u === 1 ? 0 : ([1, 2, 4, 8, 16, 32].find((b) => 2 ** b >= u) as number)
          const valuesOffset = out.length - base
          const nWords = Math.ceil((bits * bx * by * bz) / 32)
          for (let n = 0; n < nWords; n++) out.push(0)
          if (bits > 0) {
            for (let z = 0; z < az; z++) {
              for (let y = 0; y < ay; y++) {
                for (let x = 0; x < ax; x++) {
                  const bitPos = bits * (x + bx * (y + by * z))
                  const w = base + valuesOffset + Math.floor(bitPos / 32)
                  out[w] = ((out[w] as number) + (index.get(at(x, y, z)) as number) * 2 ** (bitPos % 32)) >>> 0
                }
              }
            }
          }
          const key = values.join(',')
          let tableOffset = cache.get(key)
          if (tableOffset === undefined) {
            tableOffset = out.length - base
            for (const v of values) {
              if (u64) out.push(Number(v & 0xffffffffn), Number(v >> 32n))
              else out.push(Number(v))
            }
            cache.set(key, tableOffset)
          }
          out[base + 2 * blk] = (tableOffset + bits * 2 ** 24) >>> 0
          out[base + 2 * blk + 1] = valuesOffset
        }
      }
    }
  }
  return Uint32Array.from(out)
}
