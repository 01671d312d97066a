// Node: the shared codec suite, with the FIB-25 fixture read from shared/ beside the repository.
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { beforeAll, expect, it } from 'vitest'
import { encodeCompressedSegmentation, init } from './index.js'
import { codecSuite } from './test/cases.js'

// packages/codec-wasm/src -> repository root -> its parent, where CI and developers keep shared/.
const FIXTURE = new URL('../../../../shared/fixtures/fib25-64x64x64-uint64.raw', import.meta.url)

beforeAll(async () => {
  await init()
})

codecSuite({
  async fib25() {
    return new Uint8Array(await readFile(FIXTURE))
  },
})

it('the browser copy of FIB-25 (src/test/fixtures) is the encoding of the shared fixture', async () => {
  const raw = new Uint8Array(await readFile(FIXTURE))
  const encoded = encodeCompressedSegmentation(new BigUint64Array(raw.buffer, raw.byteOffset, raw.byteLength / 8), [64, 64, 64], [8, 8, 8])
  const copy = gunzipSync(await readFile(new URL('./test/fixtures/fib25-64x64x64-uint64.cseg.gz', import.meta.url)))
  expect(Buffer.from(encoded).equals(copy)).toBe(true)
})
