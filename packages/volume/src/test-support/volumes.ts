/** Builders for CloudVolume tests: small layers in a MapStorage, filled with known data. */
import { CloudVolume, type CloudVolumeOptions } from '../cloudvolume.js'
import { type DataType, type VolumeArray, allocate } from '../dtypes.js'
import { createNewInfo } from '../info.js'
import { MapStorage } from './map-storage.js'

export interface LayerSpec {
  dataType?: DataType
  size: [number, number, number]
  chunk?: [number, number, number]
  offset?: [number, number, number]
  encoding?: string
  numChannels?: number
  layerType?: 'image' | 'segmentation'
  resolution?: [number, number, number]
  /** Value of voxel (x, y, z, c), absolute coordinates. Default: none written. */
  fill?: (x: number, y: number, z: number, c: number) => number | bigint
  options?: CloudVolumeOptions
  storage?: MapStorage
}

export interface Layer {
  vol: CloudVolume
  storage: MapStorage
  /** The array written (whole volume), if `fill` was given. */
  data: VolumeArray | undefined
}

export function arrayOf(dataType: DataType, box: number[][], nc: number, fill: (x: number, y: number, z: number, c: number) => number | bigint): VolumeArray {
  const [[x0, x1], [y0, y1], [z0, z1]] = box as [[number, number], [number, number], [number, number]]
  const a = allocate(dataType, (x1 - x0) * (y1 - y0) * (z1 - z0) * nc)
  const big = dataType === 'uint64' || dataType === 'int64'
  let i = 0
  for (let c = 0; c < nc; c++)
    for (let z = z0; z < z1; z++)
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) {
          const v = fill(x, y, z, c)
          ;(a as unknown as Array<number | bigint>)[i++] = big ? BigInt(v) : Number(v)
        }
  return a
}

export async function makeLayer(spec: LayerSpec): Promise<Layer> {
  const storage = spec.storage ?? new MapStorage()
  const dataType = spec.dataType ?? 'uint8'
  const nc = spec.numChannels ?? 1
  const offset = spec.offset ?? [0, 0, 0]
  const info = createNewInfo({
    numChannels: nc,
    layerType: spec.layerType ?? (dataType === 'uint64' || dataType === 'uint32' ? 'segmentation' : 'image'),
    dataType,
    encoding: spec.encoding ?? 'raw',
    resolution: spec.resolution ?? [1, 1, 1],
    voxelOffset: offset,
    volumeSize: spec.size,
    chunkSize: spec.chunk ?? [64, 64, 64],
  })
  const vol = await CloudVolume.open('map://test/layer', { storage, info, ...spec.options })
  await vol.commitInfo()
  let data: VolumeArray | undefined
  if (spec.fill) {
    const box = vol.bounds()
    data = arrayOf(dataType, box, nc, spec.fill)
    const writer = await CloudVolume.open('map://test/layer', { storage })
    await writer.write(box, data)
  }
  return { vol, storage, data }
}

/** Element (x, y, z, c) of a cutout-shaped array. */
export function at(array: ArrayLike<number | bigint>, shape: readonly number[], x: number, y: number, z: number, c = 0): number | bigint {
  return array[x + shape[0]! * (y + shape[1]! * (z + shape[2]! * c))]!
}

/** Index of the first differing element (typed arrays of one type), or -1 when equal. Fast on big arrays. */
export function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return 0
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return Math.floor(i / ((a as Uint8Array).BYTES_PER_ELEMENT ?? 1))
  return x.length === y.length ? -1 : n
}
