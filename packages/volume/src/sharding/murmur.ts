/**
 * MurmurHash3 x86_128 (Austin Appleby's public-domain algorithm), written from its description:
 * 32-bit arithmetic with `Math.imul`. The sharded format hashes a uint64 chunk id given as 8
 * little-endian bytes with seed 0 and keeps the low 64 bits, `h1 | (h2 << 32)` (volumes.md §4.3).
 */

const C1 = 0x239b961b
const C2 = 0xab0e9789
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r))

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

const word = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0

/** The four 32-bit words `[h1, h2, h3, h4]` of MurmurHash3_x86_128(`bytes`, `seed`). */
export function murmurHash3X86_128(bytes: Uint8Array, seed = 0): [number, number, number, number] {
  const len = bytes.byteLength
  const blocks = len >>> 4
  let h1 = seed >>> 0
  let h2 = seed >>> 0
  let h3 = seed >>> 0
  let h4 = seed >>> 0
  for (let b = 0; b < blocks; b++) {
    const i = b * 16
    let k1 = word(bytes, i)
    let k2 = word(bytes, i + 4)
    let k3 = word(bytes, i + 8)
    let k4 = word(bytes, i + 12)

    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
    h1 ^= k1
    h1 = rotl(h1, 19)
    h1 = (h1 + h2) | 0
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0

    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
    h2 ^= k2
    h2 = rotl(h2, 17)
    h2 = (h2 + h3) | 0
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0

    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
    h3 ^= k3
    h3 = rotl(h3, 15)
    h3 = (h3 + h4) | 0
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0

    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
    h4 ^= k4
    h4 = rotl(h4, 13)
    h4 = (h4 + h1) | 0
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0
  }

  const tail = blocks * 16
  const rest = len & 15
  let k1 = 0
  let k2 = 0
  let k3 = 0
  let k4 = 0
  const t = (j: number) => bytes[tail + j]!
  /* eslint-disable no-fallthrough */
  switch (rest) {
    case 15:
      k4 ^= t(14) << 16
    case 14:
      k4 ^= t(13) << 8
    case 13:
      k4 ^= t(12)
      k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1)
      h4 ^= k4
    case 12:
      k3 ^= t(11) << 24
    case 11:
      k3 ^= t(10) << 16
    case 10:
      k3 ^= t(9) << 8
    case 9:
      k3 ^= t(8)
      k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4)
      h3 ^= k3
    case 8:
      k2 ^= t(7) << 24
    case 7:
      k2 ^= t(6) << 16
    case 6:
      k2 ^= t(5) << 8
    case 5:
      k2 ^= t(4)
      k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3)
      h2 ^= k2
    case 4:
      k1 ^= t(3) << 24
    case 3:
      k1 ^= t(2) << 16
    case 2:
      k1 ^= t(1) << 8
    case 1:
      k1 ^= t(0)
      k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2)
      h1 ^= k1
  }
  /* eslint-enable no-fallthrough */

  h1 ^= len
  h2 ^= len
  h3 ^= len
  h4 ^= len
  h1 = (h1 + h2) | 0
  h1 = (h1 + h3) | 0
  h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix32(h1)
  h2 = fmix32(h2)
  h3 = fmix32(h3)
  h4 = fmix32(h4)
  h1 = (h1 + h2) | 0
  h1 = (h1 + h3) | 0
  h1 = (h1 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

const MASK64 = (1n << 64n) - 1n
const scratch = new Uint8Array(8)
const scratchView = new DataView(scratch.buffer)

/** The sharded format's hash of a uint64: low 64 bits of MurmurHash3_x86_128 of its 8 LE bytes, seed 0. */
export function murmurHash64(id: bigint): bigint {
  scratchView.setBigUint64(0, id & MASK64, true)
  const [h1, h2] = murmurHash3X86_128(scratch, 0)
  return (BigInt(h2) << 32n) | BigInt(h1)
}
