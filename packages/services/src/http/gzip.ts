/** gzip for large request bodies (`Content-Encoding: gzip`), via the platform's CompressionStream. */

export const DEFAULT_GZIP_THRESHOLD_BYTES = 1 << 20

export async function gzip(bytes: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array<ArrayBuffer>> {
  options.signal?.throwIfAborted()
  const compressed = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'), options.signal ? { signal: options.signal } : {})
  return new Uint8Array(await new Response(compressed).arrayBuffer())
}
