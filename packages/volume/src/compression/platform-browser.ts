/**
 * Transport compression in browsers: `DecompressionStream` / `CompressionStream` (gzip, deflate;
 * brotli only where the browser offers `DecompressionStream('brotli')`). Compression levels are not
 * adjustable here; the stream's default is used.
 */
import type { NativeDecoding, NativeEncoding } from './types.js'

async function through(input: Uint8Array, stream: TransformStream<Uint8Array, Uint8Array>): Promise<Uint8Array> {
  const source = new Blob([input as Uint8Array<ArrayBuffer>]).stream()
  return new Uint8Array(await new Response(source.pipeThrough(stream)).arrayBuffer())
}

function decoder(format: string): TransformStream<Uint8Array, Uint8Array> {
  return new DecompressionStream(format as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>
}

function encoder(format: string): TransformStream<Uint8Array, Uint8Array> {
  return new CompressionStream(format as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>
}

export function nativeDecode(input: Uint8Array, encoding: NativeDecoding): Promise<Uint8Array> {
  return through(input, decoder(encoding === 'br' ? 'brotli' : encoding))
}

export function nativeEncode(input: Uint8Array, encoding: NativeEncoding, _level: number | undefined): Promise<Uint8Array> {
  return through(input, encoder(encoding === 'br' ? 'brotli' : encoding))
}

/** Whether this browser's streams know brotli (Chromium does not, as of 2025). */
export const nativeBrotli: boolean = (() => {
  try {
    new DecompressionStream('brotli' as CompressionFormat)
    return true
  } catch {
    return false
  }
})()
