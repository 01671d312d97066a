/**
 * NumPy `.npy` files (format 1.0): cutouts are written in Fortran order with shape
 * `(x, y, z, channels)`, so `numpy.load` gives `a[x, y, z, c]` as CloudVolume does in Python.
 * Reading accepts either order (C-order arrays are transposed) for `daf cirrus write`.
 */
import type { DataType, VolumeArray } from '@daf/volume'
import { inputError } from './errors.js'

const DESCR: Record<DataType, string> = {
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  uint64: '<u8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  float32: '<f4',
  float64: '<f8',
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY

export function npyDescr(dataType: DataType): string {
  const d = DESCR[dataType]
  if (!d) throw inputError(`no .npy type for ${dataType}`)
  return d
}

/** `.npy` bytes for a Fortran-order array of `shape`. */
export function encodeNpy(data: VolumeArray, shape: readonly number[], dataType: DataType): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '${npyDescr(dataType)}', 'fortran_order': True, 'shape': ${dims}, }`
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const out = new Uint8Array(MAGIC.length + 4 + header.length + data.byteLength)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length)
  return out
}

export interface NpyArray {
  /** Little-endian bytes in Fortran order (x fastest). */
  bytes: Uint8Array
  shape: number[]
  dataType: DataType
}

/** Parses `.npy` bytes (format 1.x/2.x/3.x, little-endian or single-byte types). */
export function decodeNpy(bytes: Uint8Array, source = 'npy'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw inputError(`${source}: not a .npy file`)
  const major = bytes[6]!
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = major === 1 ? 10 : 12
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength))
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1]
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] === 'True'
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  const dataType = (Object.keys(DESCR) as DataType[]).find((t) => DESCR[t] === descr || DESCR[t].replace('|', '<') === descr || DESCR[t].replace('<', '|') === descr)
  if (!descr || !dataType || shapeText === undefined) throw inputError(`${source}: unsupported .npy header ${header.trim()}`)
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number)
  const itemSize = Number(descr.slice(2))
  const count = shape.reduce((a, b) => a * b, 1)
  const data = bytes.slice(start + headerLength, start + headerLength + count * itemSize)
  if (data.length !== count * itemSize) throw inputError(`${source}: ${data.length} data bytes, the header says ${count * itemSize}`)
  return { bytes: fortran || shape.length <= 1 ? data : transposeToFortran(data, shape, itemSize), shape, dataType }
}

/** C order (last axis fastest) → Fortran order (first axis fastest). */
function transposeToFortran(data: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const n = shape.length
  const out = new Uint8Array(data.length)
  const count = data.length / itemSize
  const index = new Array<number>(n).fill(0)
  const fStride: number[] = []
  let s = 1
  for (let d = 0; d < n; d++) {
    fStride[d] = s
    s *= shape[d]!
  }
  for (let c = 0; c < count; c++) {
    let f = 0
    for (let d = 0; d < n; d++) f += index[d]! * fStride[d]!
    out.set(data.subarray(c * itemSize, (c + 1) * itemSize), f * itemSize)
    for (let d = n - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break
      index[d] = 0
    }
  }
  return out
}
