/**
 * A sharded scale as CloudVolume sees it: chunk reads by grid position, existence checks, and
 * whole-shard writes, on top of the sharded-format reader and writer in ./sharding.
 */
import type { Box, Vec3 } from './box.js'
import type { DataType, VolumeArray } from './dtypes.js'
import { UnsupportedEncodingError } from './errors.js'
import type { Scale, ShardingSpec } from './info.js'
import type { Storage } from './storage/storage.js'

export interface ShardWriteOptions {
  encode: (chunk: VolumeArray, shape: Vec3) => Uint8Array
  isBackground: (chunk: VolumeArray) => boolean
  dataType: DataType
  numChannels: number
  signal?: AbortSignal | undefined
  concurrency: number
  onStored?: (done: number, total: number, bytes: number) => void
}

export class ShardedScale {
  readonly spec: ShardingSpec | undefined
  constructor(
    readonly storage: Storage,
    readonly scale: Scale,
  ) {
    this.spec = scale.sharding
  }

  describe(grid: Vec3): string {
    return `${this.scale.directory}/?.shard#(${grid.join(',')})`
  }

  async get(_grid: Vec3, _options: { signal?: AbortSignal }): Promise<Uint8Array | undefined> {
    throw new UnsupportedEncodingError('sharded reads are not wired yet', 'sharded')
  }

  async has(_grid: Vec3, _options: { signal?: AbortSignal }): Promise<boolean> {
    throw new UnsupportedEncodingError('sharded reads are not wired yet', 'sharded')
  }

  async writeShards(_box: Box, _array: VolumeArray, _options: ShardWriteOptions): Promise<void> {
    throw new UnsupportedEncodingError('sharded writes are not wired yet', 'sharded')
  }

  async deleteShards(_box: Box, _options: { signal?: AbortSignal }): Promise<void> {
    throw new UnsupportedEncodingError('sharded deletes are not wired yet', 'sharded')
  }
}
