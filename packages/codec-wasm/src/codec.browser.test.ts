// Chromium: the shared codec suite, with the codec compiled from the `./codec.wasm` subpath file
// and handed to init({ module }) (the CSP / edge path).
import { beforeAll, expect } from 'vitest'
import { CodecError, decodeCompressedSegmentation, encodeCompressedSegmentation, init, isInitialized } from './index.js'
import { codecSuite } from './test/cases.js'
import { sha256Hex } from './test/util.js'

// The FIB-25 fixture lives in ../shared beside the repository, and the test server serves only
// files inside the repository (Vite fs.allow); the Node suite reads the fixture itself. Here the
// same chunk comes encoded and gzipped from inside the repository (see test/fixtures/README.md).
const COPY = new URL('./test/fixtures/fib25-64x64x64-uint64.cseg.gz', import.meta.url)
const COPY_SHA256 = '00df40db7bba56bd060eb75c60d9e61bd4cf12c29bb73289d539af95b83320f6' // shared/fixtures/README.md

beforeAll(async () => {
  // Nothing has initialised the codec in this page yet.
  expect(isInitialized()).toBe(false)
  expect(() => encodeCompressedSegmentation(Uint32Array.of(1), [1, 1, 1], [1, 1, 1])).toThrow(CodecError)
  const response = await fetch(new URL('./codec.wasm', import.meta.url))
  const module = await WebAssembly.compile(await response.arrayBuffer())
  await init({ module })
  expect(isInitialized()).toBe(true)
})

codecSuite({
  async fib25() {
    // Its SHA-256 is the one the fixture README gives for the encoding; the suite then checks the
    // decoded chunk's SHA-256 and re-encodes it.
    const response = await fetch(COPY)
    let bytes = new Uint8Array(await response.arrayBuffer())
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))
      bytes = new Uint8Array(await new Response(stream).arrayBuffer())
    }
    expect(await sha256Hex(bytes)).toBe(COPY_SHA256)
    const decoded = decodeCompressedSegmentation(bytes, [64, 64, 64], [8, 8, 8], 'uint64')
    return new Uint8Array(decoded.buffer)
  },
})
