import { describe, expect, it } from 'vitest'
import { zeroFill } from './zero-fill-node.js'

describe('zeroFill (Node: readv from /dev/zero on the libuv pool)', () => {
  it('zeroes more views than one readv takes (IOV_MAX 1024) and nothing between them', async () => {
    // 2,500 views of 7 bytes, each followed by a 3-byte gap that must keep its value.
    const bytes = new Uint8Array(2500 * 10).fill(0xcd)
    const views = Array.from({ length: 2500 }, (_, i) => bytes.subarray(i * 10, i * 10 + 7))
    views.push(bytes.subarray(0, 0)) // an empty view is skipped
    await zeroFill!(views)
    for (let i = 0; i < bytes.length; i++) {
      const want = i % 10 < 7 ? 0 : 0xcd
      if (bytes[i] !== want) expect(`byte ${i} is ${bytes[i]}`).toBe(`byte ${i} is ${want}`)
    }
  })

  it('an empty list resolves at once', async () => {
    await expect(zeroFill!([])).resolves.toBeUndefined()
  })
})
