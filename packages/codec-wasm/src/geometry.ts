import { CodecError } from './errors.js'

/** Volume size `[x, y, z]` or `[x, y, z, channels]`, Fortran order (x fastest). */
export type VolumeShape = readonly [number, number, number] | readonly [number, number, number, number]
/** compressed_segmentation block size `[bx, by, bz]`. */
export type BlockSize = readonly [number, number, number]

export interface Geometry {
  readonly sx: number
  readonly sy: number
  readonly sz: number
  readonly nc: number
  readonly bx: number
  readonly by: number
  readonly bz: number
  readonly gx: number
  readonly gy: number
  readonly gz: number
  /** Blocks per channel. */
  readonly grid: number
  /** Voxels per channel. */
  readonly nvox: number
  /** Elements of the whole volume (all channels). */
  readonly total: number
  /** Block volume. */
  readonly bvol: number
}

const U32_MAX = 0xffffffff

function dim(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > U32_MAX) {
    throw new CodecError('invalid-argument', `${what} must be an integer from ${min} to ${U32_MAX}, got ${String(value)}`, {
      expected: `integer ${min}..${U32_MAX}`,
      found: typeof value === 'number' ? value : String(value),
    })
  }
  return value
}

export function geometry(shape: VolumeShape, blockSize: BlockSize): Geometry {
  if (!Array.isArray(shape) || (shape.length !== 3 && shape.length !== 4)) {
    throw new CodecError('invalid-argument', `shape must be [x, y, z] or [x, y, z, channels], got ${JSON.stringify(shape)}`)
  }
  if (!Array.isArray(blockSize) || blockSize.length !== 3) {
    throw new CodecError('invalid-argument', `blockSize must be [bx, by, bz], got ${JSON.stringify(blockSize)}`)
  }
  const sx = dim(shape[0], 'shape[0] (x)', 0)
  const sy = dim(shape[1], 'shape[1] (y)', 0)
  const sz = dim(shape[2], 'shape[2] (z)', 0)
  const nc = shape.length === 4 ? dim(shape[3], 'shape[3] (channels)', 1) : 1
  const bx = dim(blockSize[0], 'blockSize[0]', 1)
  const by = dim(blockSize[1], 'blockSize[1]', 1)
  const bz = dim(blockSize[2], 'blockSize[2]', 1)
  const bvol = bx * by * bz
  if (bvol > U32_MAX) {
    throw new CodecError('invalid-argument', `block volume ${bx}x${by}x${bz} = ${bvol} is larger than ${U32_MAX}`, {
      expected: U32_MAX,
      found: bvol,
    })
  }
  const gx = Math.ceil(sx / bx)
  const gy = Math.ceil(sy / by)
  const gz = Math.ceil(sz / bz)
  const nvox = sx * sy * sz
  const total = nvox * nc
  if (!Number.isSafeInteger(total)) {
    throw new CodecError('invalid-argument', `volume ${shape.join('x')} is too large`)
  }
  return { sx, sy, sz, nc, bx, by, bz, gx, gy, gz, grid: gx * gy * gz, nvox, total, bvol }
}

/** Grid position of linear block index `blk` (x fastest). */
export function blockPosition(g: Geometry, blk: number): [number, number, number] {
  const i = blk % g.gx
  const rest = (blk - i) / g.gx
  const j = rest % g.gy
  return [i, j, (rest - j) / g.gy]
}

/** `Object.prototype.toString` tag: works for typed arrays from other realms too. */
export function typedArrayTag(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1)
}

/** Bytes of a Uint8Array, another ArrayBufferView or an ArrayBuffer (no copy). */
export function bytesOf(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  const tag = typedArrayTag(value)
  if (tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') return new Uint8Array(value as ArrayBuffer)
  throw new CodecError('invalid-argument', `${what} must be a Uint8Array, got ${tag}`, { expected: 'Uint8Array', found: tag })
}
