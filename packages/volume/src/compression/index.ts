/**
 * Transport compression helpers (volumes.md §3): decode gzip, deflate, brotli and zstd; encode gzip
 * (and deflate, brotli where the platform has it). Node uses native zlib, browsers
 * `DecompressionStream`/`CompressionStream`; the choice is made by the package's `#compression`
 * import (`node`/`browser` conditions), so browser bundles never see `node:zlib`. zstd decodes with
 * `fzstd` (pure JS) everywhere; `xz` and `bzip2` are recognised and refused with a clear error.
 */
import { decompress as zstdDecompress } from 'fzstd'
import { nativeBrotli, nativeDecode, nativeEncode } from '#compression'
import { DecodeError, UnsupportedEncodingError } from '../errors.js'

/** Transport encodings this package decodes. */
export type TransportEncoding = 'gzip' | 'deflate' | 'br' | 'zstd'
/** Transport encodings this package can write. */
export type TransportWriteEncoding = 'gzip' | 'deflate' | 'br'

export interface CompressionOptions {
  signal?: AbortSignal
  /** gzip/deflate 0–9 (default 9, as CloudVolume), brotli 0–11 (default 5). Ignored in browsers. */
  level?: number
}

const ALIASES: Record<string, TransportEncoding> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  gz: 'gzip',
  deflate: 'deflate',
  br: 'br',
  brotli: 'br',
  zstd: 'zstd',
}

/** The canonical name of a `Content-Encoding` or suffix encoding, `'identity'`, or undefined if unknown. */
export function canonicalEncoding(name: string | null | undefined): TransportEncoding | 'identity' | undefined {
  if (name === null || name === undefined) return 'identity'
  const n = name.trim().toLowerCase()
  if (n === '' || n === 'identity') return 'identity'
  return ALIASES[n]
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

/** True when `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/**
 * `bytes` decoded from `encoding` (`gzip`, `deflate`, `br`, `zstd`, or `identity`, which returns
 * the input). Corrupt input is a `DecodeError`; an encoding that cannot be decoded here (xz, bzip2,
 * brotli in a browser without it) is an `UnsupportedEncodingError` naming it.
 */
export async function decompress(
  bytes: Uint8Array,
  encoding: string,
  options: CompressionOptions & { file?: string } = {},
): Promise<Uint8Array> {
  throwIfAborted(options.signal)
  const canonical = canonicalEncoding(encoding)
  if (canonical === 'identity') return bytes
  if (canonical === undefined) {
    throw new UnsupportedEncodingError(
      `transport encoding "${encoding}"${options.file ? ` of ${options.file}` : ''} is not supported (supported: gzip, deflate, br, zstd)`,
      encoding,
    )
  }
  if (canonical === 'br' && !nativeBrotli) {
    throw new UnsupportedEncodingError(
      `brotli${options.file ? ` (${options.file})` : ''} cannot be decoded in this browser (no DecompressionStream('brotli'))`,
      'br',
    )
  }
  let out: Uint8Array
  try {
    out = canonical === 'zstd' ? zstdDecompress(bytes) : await nativeDecode(bytes, canonical)
  } catch (e) {
    throwIfAborted(options.signal)
    throw new DecodeError(
      `cannot decode ${canonical}${options.file ? ` data of ${options.file}` : ''} (${bytes.byteLength} bytes): ${(e as Error)?.message ?? String(e)}`,
      options.file,
      { cause: e },
    )
  }
  throwIfAborted(options.signal)
  return out
}

/** `bytes` compressed with `encoding` (`gzip` by default). */
export async function compress(
  bytes: Uint8Array,
  encoding: TransportWriteEncoding = 'gzip',
  options: CompressionOptions = {},
): Promise<Uint8Array> {
  throwIfAborted(options.signal)
  if (encoding !== 'gzip' && encoding !== 'deflate' && encoding !== 'br') {
    throw new UnsupportedEncodingError(`cannot write transport encoding "${String(encoding)}" (supported: gzip, deflate, br)`, encoding)
  }
  if (encoding === 'br' && !nativeBrotli) {
    throw new UnsupportedEncodingError('brotli cannot be written in this browser (no CompressionStream("brotli"))', 'br')
  }
  const out = await nativeEncode(bytes, encoding, options.level)
  throwIfAborted(options.signal)
  return out
}

/** gzip-decode `bytes`. */
export function gunzip(bytes: Uint8Array, options: CompressionOptions = {}): Promise<Uint8Array> {
  return decompress(bytes, 'gzip', options)
}

/** gzip-encode `bytes` (level 9 in Node unless given). */
export function gzip(bytes: Uint8Array, options: CompressionOptions = {}): Promise<Uint8Array> {
  return compress(bytes, 'gzip', options)
}
