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

export function nativeDecode(input: Uint8Array, encoding: NativeDecoding): Promise<Uint8Array> {
  switch (encoding) {
    case 'gzip':
      return run(gunzip, input, {})
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
