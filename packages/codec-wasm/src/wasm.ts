// Loader for the AssemblyScript module: compile once, instantiate once, then synchronous calls.
import { CodecError } from './errors.js'
import { WASM_BASE64 } from './wasm-binary.generated.js'

/** Raw exports of codec.wasm (see assembly/index.ts). Every value is an i32. */
export interface CodecExports {
  readonly memory: WebAssembly.Memory
  abiVersion(): number
  heapBase(): number
  ensure(bytes: number): number
  errorInfo(i: number): number
  encodeBegin(elemSize: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, flags: number, slabBytes: number): number
  encodeRegionU32(c: number, k0: number, k1: number, j0: number, j1: number): number
  encodeRegionU64(c: number, k0: number, k1: number, j0: number, j1: number): number
  encodeEnd(): number
  encodeSlabPtr(): number
  encodeOutPtr(): number
  decodeRegionU32(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, c: number, k0: number, k1: number, j0: number, j1: number, outPtr: number, outRow: number): number
  decodeRegionU64(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, c: number, k0: number, k1: number, j0: number, j1: number, outPtr: number, outRow: number): number
  labelsU32(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, freePtr: number): number
  labelsU64(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, freePtr: number): number
  remapU32(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, freePtr: number, keysPtr: number, valsPtr: number, numKeys: number, flags: number): number
  remapU64(inPtr: number, nWords: number, sx: number, sy: number, sz: number, nc: number, bx: number, by: number, bz: number, freePtr: number, keysPtr: number, valsPtr: number, numKeys: number, flags: number): number
  scanResult(): number
}

const ABI_VERSION = 2
const EXPORT_NAMES = [
  'abiVersion', 'heapBase', 'ensure', 'errorInfo', 'encodeBegin', 'encodeRegionU32', 'encodeRegionU64', 'encodeEnd',
  'encodeSlabPtr', 'encodeOutPtr', 'decodeRegionU32', 'decodeRegionU64', 'labelsU32', 'labelsU64', 'remapU32',
  'remapU64', 'scanResult',
] as const

export interface InitOptions {
  /**
   * The codec binary to use instead of the inlined copy: a compiled `WebAssembly.Module` (e.g.
   * compiled once and posted to workers) or the bytes of `@daf/codec-wasm/codec.wasm`.
   * Ignored once the codec is initialised.
   */
  module?: WebAssembly.Module | BufferSource
}

let codec: CodecExports | undefined
let pending: Promise<void> | undefined

/**
 * Compiles and instantiates the codec. Memoised: call it as often as you like; concurrent calls
 * share one instantiation, and a failed attempt can be retried. After it resolves, every codec
 * function is synchronous.
 */
export function init(options: InitOptions = {}): Promise<void> {
  if (codec) return Promise.resolve()
  pending ??= instantiate(options.module).then(
    (exports) => {
      codec = exports
    },
    (error: unknown) => {
      pending = undefined
      throw error instanceof CodecError
        ? error
        : new CodecError('init-failed', `@daf/codec-wasm: cannot instantiate the WebAssembly module: ${String(error)}`, { cause: error })
    },
  )
  return pending
}

/** True once `init()` has resolved. */
export function isInitialized(): boolean {
  return codec !== undefined
}

/** Size of the codec's WebAssembly memory in bytes (it grows to the largest call and is reused). */
export function wasmMemoryBytes(): number {
  return codec ? codec.memory.buffer.byteLength : 0
}

/** The instantiated exports; throws a CodecError before `init()` has resolved. */
export function getCodec(): CodecExports {
  if (codec) return codec
  throw new CodecError(
    'not-initialized',
    '@daf/codec-wasm is not initialised: `await init()` once (it is memoised) before calling the codec functions',
  )
}

async function instantiate(source: WebAssembly.Module | BufferSource | undefined): Promise<CodecExports> {
  let instance: WebAssembly.Instance
  if (source instanceof WebAssembly.Module) {
    instance = await WebAssembly.instantiate(source, {})
  } else {
    const bytes = source ?? decodeBase64(WASM_BASE64)
    instance = (await WebAssembly.instantiate(bytes, {})).instance
  }
  const exports = instance.exports as Record<string, unknown>
  const missing: string[] = EXPORT_NAMES.filter((name) => typeof exports[name] !== 'function')
  if (!(exports['memory'] instanceof WebAssembly.Memory)) missing.push('memory')
  if (missing.length > 0) {
    throw new CodecError('init-failed', `@daf/codec-wasm: the module is not codec.wasm (missing exports: ${missing.join(', ')})`)
  }
  const ex = exports as unknown as CodecExports
  const abi = ex.abiVersion()
  if (abi !== ABI_VERSION) {
    throw new CodecError('init-failed', `@daf/codec-wasm: codec.wasm has ABI version ${abi}, this loader expects ${ABI_VERSION}; use the codec.wasm of the same package version`, { expected: ABI_VERSION, found: abi })
  }
  return ex
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
