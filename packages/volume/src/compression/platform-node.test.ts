import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { gzipChunkSize, nativeDecode } from './platform-node.js'

/** Bytes that compress a little (so the gzip stream is not trivially small). */
function sample(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    out[i] = (s >>> 24) & 0x0f
  }
  return out
}

describe('gunzip output buffer sized from the gzip trailer', () => {
  it('reads the decoded size from ISIZE (plus a little), only for gzip streams worth one buffer', () => {
    const data = sample(300_000, 1)
    const gz = gzipSync(data)
    expect(gzipChunkSize(gz)).toBe(300_000 + 64)
    // Not gzip, too short, or no bigger than zlib's own default chunk: no hint.
    expect(gzipChunkSize(data)).toBeUndefined()
    expect(gzipChunkSize(gz.subarray(0, 10))).toBeUndefined()
    expect(gzipChunkSize(gzipSync(sample(1000, 2)))).toBeUndefined()
    // A trailer claiming more than 256 MiB is not trusted as a buffer size.
    const huge = Uint8Array.from(gz)
    new DataView(huge.buffer).setUint32(huge.length - 4, 0x20000000, true)
    expect(gzipChunkSize(huge)).toBeUndefined()
  })

  it('decodes exactly with the hint, and with a multi-member stream whose last trailer understates the size', async () => {
    const data = sample(500_000, 3)
    expect(Buffer.from(await nativeDecode(gzipSync(data), 'gzip')).equals(Buffer.from(data))).toBe(true)
    // Two members: the hint is the second member's size only (100,000 of 600,000 bytes).
    const second = sample(100_000, 4)
    const both = Buffer.concat([gzipSync(data), gzipSync(second)])
    expect(gzipChunkSize(both)).toBe(100_000 + 64)
    const out = await nativeDecode(both, 'gzip')
    expect(Buffer.from(out).equals(Buffer.concat([data, second]))).toBe(true)
  })

  it('a corrupt stream still rejects', async () => {
    const gz = Uint8Array.from(gzipSync(sample(100_000, 5)))
    gz[gz.length - 8] = gz[gz.length - 8]! ^ 0xff // the CRC
    await expect(nativeDecode(gz, 'gzip')).rejects.toThrow()
  })
})
