/** Small helpers shared by the backends. */
import { InvalidArgumentError, ReadOnlyException } from '../errors.js'
import { compress } from '../compression/index.js'
import type { ByteRange, StorageSetOptions } from './storage.js'

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

export function checkRange(range: ByteRange): void {
  if (!Number.isSafeInteger(range?.offset) || range.offset < 0) {
    throw new InvalidArgumentError('range.offset', range?.offset, 'a non-negative integer')
  }
  if (!Number.isSafeInteger(range.length) || range.length < 0) {
    throw new InvalidArgumentError('range.length', range.length, 'a non-negative integer')
  }
}

/** `bytes[offset, offset+length)` cut at the end; a copy-free view. */
export function sliceRange(bytes: Uint8Array, range: ByteRange): Uint8Array {
  const start = Math.min(range.offset, bytes.byteLength)
  const end = Math.min(range.offset + range.length, bytes.byteLength)
  return bytes.subarray(start, end)
}

export function checkBytes(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('value', value, 'a Uint8Array')
}

export function readOnly(url: string, what: string): ReadOnlyException {
  return new ReadOnlyException(`${url} is read-only: cannot ${what}`)
}

/** The bytes a `set` stores: `value` compressed as `options.compress` asks (level and signal passed on), else `value` itself. */
export async function compressForStorage(value: Uint8Array, options: StorageSetOptions): Promise<Uint8Array> {
  if (!options.compress) return value
  return compress(value, options.compress, {
    ...(options.compressLevel !== undefined && { level: options.compressLevel }),
    ...(options.signal && { signal: options.signal }),
  })
}
