#!/usr/bin/env node
// Writes src/test/fixtures/fib25-64x64x64-uint64.cseg.gz: the FIB-25 fixture of shared/fixtures,
// compressed_segmentation-encoded (uint64, block 8³) and gzipped (20 KB). The Chromium tests use it
// because the test server only serves files inside the repository; they check it against the
// SHA-256 values of shared/fixtures/README.md, and a Node test checks it against the fixture itself.
import { readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const raw = readFileSync(new URL('../../../../shared/fixtures/fib25-64x64x64-uint64.raw', import.meta.url))
const { init, encodeCompressedSegmentation } = await import('../dist/index.js')
await init()
const data = new BigUint64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
const encoded = encodeCompressedSegmentation(data, [64, 64, 64], [8, 8, 8])
const out = fileURLToPath(new URL('../src/test/fixtures/fib25-64x64x64-uint64.cseg.gz', import.meta.url))
writeFileSync(out, gzipSync(encoded, { level: 9, mtime: 0 }))
console.log(`${out}: ${encoded.byteLength} bytes encoded`)
