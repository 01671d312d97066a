/** Transport compression in Node: native zlib (gzip, deflate, brotli) on the libuv thread pool. */
import { brotliCompress, brotliDecompress, constants, deflate, gunzip, gzip, inflate } from 'node:zlib'
import type { NativeDecoding, NativeEncoding } from './types.js'

type Callback = (error: Error | null, result: Buffer) => void

function run(fn: (input: Uint8Array, options: object, cb: Callback) => void, input: Uint8Array, options: object) {
  return new Promise<Uint8Array>((resolve, reject) => {
    fn(input, options, (error, result) => {
      if (error) reject(error)
      // A plain Uint8Array view: Buffer's slice() semantics must not leak to callers.
      else resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength))
    })
  })
}

/**
 * zlib's output buffer size for a gzip stream: the decoded size its trailer records (ISIZE, the
 * size mod 2^32 of the last member), plus a little so the end of the stream fits too. The whole
 * output then comes back in one buffer: one callback on the main thread instead of one per
 * 16 KiB, and no concatenation. Only a hint: a wrong value just means more, or bigger, buffers.
 */
export function gzipChunkSize(input: Uint8Array): number | undefined {
  const n = input.byteLength
  if (n < 18 || input[0] !== 0x1f || input[1] !== 0x8b) return undefined
  const size = (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16) | (input[n - 1]! << 24)) >>> 0
  if (size <= constants.Z_DEFAULT_CHUNK || size > MAX_CHUNK_HINT) return undefined
  return size + 64
}

/** Above this the trailer is not trusted as a buffer size (and one buffer is not wanted). */
const MAX_CHUNK_HINT = 256 * 1024 * 1024

export function nativeDecode(input: Uint8Array, encoding: NativeDecoding): Promise<Uint8Array> {
  switch (encoding) {
    case 'gzip': {
      const chunkSize = gzipChunkSize(input)
      return run(gunzip, input, chunkSize === undefined ? {} : { chunkSize })
    }
    case 'deflate':
      return run(inflate, input, {})
    case 'br':
      return run(brotliDecompress, input, {})
  }
}

export function nativeEncode(input: Uint8Array, encoding: NativeEncoding, level: number | undefined): Promise<Uint8Array> {
  switch (encoding) {
    case 'gzip':
      return run(gzip, input, { level: level ?? 9 })
    case 'deflate':
      return run(deflate, input, { level: level ?? 9 })
    case 'br':
      return run(brotliCompress, input, {
        params: { [constants.BROTLI_PARAM_QUALITY]: level ?? 5, [constants.BROTLI_PARAM_SIZE_HINT]: input.byteLength },
      })
  }
}

export const nativeBrotli = true
