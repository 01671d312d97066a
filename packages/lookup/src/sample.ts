/**
 * Values of a segmentation volume at many points, efficiently: points are grouped by chunk, each
 * needed chunk is fetched once (the volume's bounded concurrency; sharded scales through the shard
 * indexes), and values are read where they lie in the stored bytes — `compressed_segmentation`
 * in O(1) per point without decoding (`compressedSegmentationValueAt`), `raw` straight from the
 * bytes; other encodings are decoded once per chunk. A chunk's bytes are dropped as soon as its
 * points are read, so memory stays at about `concurrency` chunks.
 */
import { compressedSegmentationValueAt } from '@daf/codec-wasm'
import { type Box, type CloudVolume, type DataType, EmptyVolumeException, decodeChunkBytes } from '@daf/volume'

export interface SampleOptions {
  mip: number
  signal?: AbortSignal | undefined
  /** Missing chunks read as 0 instead of raising `EmptyVolumeException`. */
  fillMissing?: boolean | undefined
  onChunk?: ((done: number, total: number) => void) | undefined
}

export interface SampleResult {
  /** One value per point; 0 outside the volume. */
  values: BigUint64Array
  /** Indices of the points outside the volume, ascending. */
  outOfBounds: Uint32Array
  /** Distinct chunks fetched. */
  chunks: number
}

/** Indices of the voxels outside `bounds` (xyz triples, integer voxel coordinates at the mip). */
export function pointsOutside(voxels: Float64Array, bounds: Box): Uint32Array {
  const out: number[] = []
  const n = voxels.length / 3
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < 3; d++) {
      const v = voxels[3 * i + d]!
      if (v < bounds[d]![0] || v >= bounds[d]![1]) {
        out.push(i)
        break
      }
    }
  }
  return Uint32Array.from(out)
}

type Reader = (bytes: Uint8Array, shape: [number, number, number], key: string) => (x: number, y: number, z: number) => bigint

function elementReader(dataType: DataType, decoded: Uint8Array, shape: [number, number, number]): (x: number, y: number, z: number) => bigint {
  const view = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength)
  const [sx, sy] = shape
  const at = (x: number, y: number, z: number) => x + sx * (y + sy * z)
  switch (dataType) {
    case 'uint8':
      return (x, y, z) => BigInt(view.getUint8(at(x, y, z)))
    case 'int8':
      return (x, y, z) => BigInt.asUintN(64, BigInt(view.getInt8(at(x, y, z))))
    case 'uint16':
      return (x, y, z) => BigInt(view.getUint16(2 * at(x, y, z), true))
    case 'int16':
      return (x, y, z) => BigInt.asUintN(64, BigInt(view.getInt16(2 * at(x, y, z), true)))
    case 'uint32':
      return (x, y, z) => BigInt(view.getUint32(4 * at(x, y, z), true))
    case 'int32':
      return (x, y, z) => BigInt.asUintN(64, BigInt(view.getInt32(4 * at(x, y, z), true)))
    case 'uint64':
      return (x, y, z) => view.getBigUint64(8 * at(x, y, z), true)
    case 'int64':
      return (x, y, z) => BigInt.asUintN(64, view.getBigInt64(8 * at(x, y, z), true))
    default:
      throw new TypeError(`segmentation lookups need an integer volume, this one is ${dataType}`)
  }
}

function readerFor(volume: CloudVolume, mip: number): Reader {
  const format = volume.chunkFormat(mip)
  const { dataType, numChannels } = format
  if (format.encoding === 'compressed_segmentation' && format.blockSize && (dataType === 'uint32' || dataType === 'uint64')) {
    const block = format.blockSize
    return (bytes, shape) => {
      const full = [shape[0], shape[1], shape[2], numChannels] as const
      if (dataType === 'uint64') return (x, y, z) => compressedSegmentationValueAt(bytes, full, block, 'uint64', [x, y, z])
      return (x, y, z) => BigInt(compressedSegmentationValueAt(bytes, full, block, 'uint32', [x, y, z]))
    }
  }
  // raw: validated and read in place (no copy); other encodings: decoded once per chunk.
  return (bytes, shape, key) => elementReader(dataType, decodeChunkBytes(format, bytes, shape, key), shape)
}

/**
 * The volume's values at `voxels` (xyz triples of integer voxel coordinates at `o.mip`). Points
 * outside the volume get 0 and are listed in `outOfBounds`. Requests: one per distinct chunk
 * (fewer on sharded scales, where chunks of one shard share index reads).
 */
export async function sampleVolume(volume: CloudVolume, voxels: Float64Array, o: SampleOptions): Promise<SampleResult> {
  const { mip } = o
  const n = voxels.length / 3
  const grid = volume.grid(mip)
  const bounds = grid.bounds
  const [g0, g1] = grid.gridSize
  const [c0, c1, c2] = grid.chunk
  const [o0, o1, o2] = grid.offset
  const values = new BigUint64Array(n)
  const outside: number[] = []
  const inside: number[] = []
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const x = voxels[3 * i]!
    const y = voxels[3 * i + 1]!
    const z = voxels[3 * i + 2]!
    if (x < bounds[0][0] || x >= bounds[0][1] || y < bounds[1][0] || y >= bounds[1][1] || z < bounds[2][0] || z >= bounds[2][1]) {
      outside.push(i)
      continue
    }
    keys[i] = Math.floor((x - o0) / c0) + g0 * (Math.floor((y - o1) / c1) + g1 * Math.floor((z - o2) / c2))
    inside.push(i)
  }
  // Group by chunk: points sorted by chunk key, one run per distinct chunk.
  const order = Uint32Array.from(inside).sort((a, b) => keys[a]! - keys[b]! || a - b)
  const runs = new Map<number, [number, number]>()
  const cells: Array<[number, number, number]> = []
  for (let s = 0; s < order.length; ) {
    const key = keys[order[s]!]!
    let e = s + 1
    while (e < order.length && keys[order[e]!] === key) e++
    runs.set(key, [s, e])
    const i = order[s]!
    cells.push([Math.floor((voxels[3 * i]! - o0) / c0), Math.floor((voxels[3 * i + 1]! - o1) / c1), Math.floor((voxels[3 * i + 2]! - o2) / c2)])
    s = e
  }
  const read = readerFor(volume, mip)
  let done = 0
  await volume.fetchChunks(
    cells,
    ({ grid: g, box, bytes, key }) => {
      const run = runs.get(g[0] + g0 * (g[1] + g1 * g[2]))!
      if (bytes === undefined || bytes.byteLength === 0) {
        if (!o.fillMissing) {
          throw new EmptyVolumeException(
            `chunk ${key} of mip ${mip} holding ${run[1] - run[0]} of the points is missing; pass fillMissing: true to read it as 0`,
            box,
            key,
          )
        }
      } else {
        const shape: [number, number, number] = [box[0][1] - box[0][0], box[1][1] - box[1][0], box[2][1] - box[2][0]]
        const at = read(bytes, shape, key)
        for (let k = run[0]; k < run[1]; k++) {
          const i = order[k]!
          values[i] = at(voxels[3 * i]! - box[0][0], voxels[3 * i + 1]! - box[1][0], voxels[3 * i + 2]! - box[2][0])
        }
      }
      o.onChunk?.(++done, cells.length)
    },
    { mip, signal: o.signal },
  )
  return { values, outOfBounds: Uint32Array.from(outside), chunks: cells.length }
}
