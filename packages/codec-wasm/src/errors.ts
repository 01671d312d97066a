/** What went wrong, as a stable string. */
export type CodecErrorCode =
  /** A codec function was called before `init()` resolved. */
  | 'not-initialized'
  /** `init()` could not compile or instantiate the WebAssembly module. */
  | 'init-failed'
  /** An argument has the wrong type, shape or range. */
  | 'invalid-argument'
  /** An input has the wrong length (elements or bytes). */
  | 'invalid-length'
  /** The WebAssembly memory cannot grow to hold the data (wasm32 tops out at 4 GiB). */
  | 'out-of-memory'
  /** Encoding: a lookup table would start at or beyond 2^24 words into its channel. */
  | 'table-offset-overflow'
  /** Encoding: an encoded-values offset (plus the channel offset) would reach 2^24 words. */
  | 'values-offset-overflow'
  /** Decoding: the buffer is shorter than its channel offset table. */
  | 'truncated'
  /** Decoding: a channel offset points past the end of the buffer. */
  | 'invalid-channel-offset'
  /** Decoding: a channel has fewer words than its block headers need. */
  | 'channel-too-short'
  /** Decoding: a block header has an encoded-bits field other than 0, 1, 2, 4, 8, 16 or 32. */
  | 'invalid-encoded-bits'
  /** Decoding: a block's encoded values run past the end of the buffer. */
  | 'values-out-of-range'
  /** Decoding: a block's lookup table starts past the end of the buffer or has no entry. */
  | 'table-out-of-range'
  /** Decoding: an encoded index points past the end of the buffer (outside its lookup table). */
  | 'index-out-of-range'
  /** Remapping: a label is missing from the mapping (and `preserveMissing` is not set). */
  | 'missing-label'
  /** `chunkCodec()`: the encoding is not registered. */
  | 'unknown-encoding'
  /** The data type or platform is not supported by this codec. */
  | 'unsupported'

export interface CodecErrorDetails {
  /** Byte offset in the encoded buffer of the word that is wrong. */
  offset?: number
  /** Channel index. */
  channel?: number
  /** Block grid position `[i, j, k]` (block `i` along x, ...). */
  block?: readonly [number, number, number]
  expected?: number | bigint | string
  found?: number | bigint | string
  cause?: unknown
}

const BRAND = Symbol.for('@daf/codec-wasm/CodecError')

/** Every error the codecs throw. Use `isCodecError(e)` rather than `instanceof` when several copies
 *  of this package may be loaded. */
export class CodecError extends Error {
  override readonly name = 'CodecError'
  readonly code: CodecErrorCode
  readonly offset: number | undefined
  readonly channel: number | undefined
  readonly block: readonly [number, number, number] | undefined
  readonly expected: number | bigint | string | undefined
  readonly found: number | bigint | string | undefined

  constructor(code: CodecErrorCode, message: string, details: CodecErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.code = code
    this.offset = details.offset
    this.channel = details.channel
    this.block = details.block
    this.expected = details.expected
    this.found = details.found
    Object.defineProperty(this, BRAND, { value: true })
  }
}

/** True for a `CodecError` from any copy of `@daf/codec-wasm` (checks a `Symbol.for` brand). */
export function isCodecError(e: unknown): e is CodecError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true
}
