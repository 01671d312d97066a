/**
 * `storageFor(cloudpath, options)`: the backend for a cloudpath (volumes.md §6.1). The format
 * prefix (`precomputed://`) is accepted and dropped; `graphene://` paths name a chunkedgraph, not
 * storage: open them with CloudVolume (its `data_dir` is an ordinary cloudpath).
 */
import { FileStorage } from '#file-storage'
import { UnsupportedProtocolError } from '../errors.js'
import { MemStorage } from './mem.js'
import { parseCloudPath, type CloudPath, type ParseCloudPathOptions } from './paths.js'
import type { Storage } from './storage.js'

export interface StorageOptions extends ParseCloudPathOptions {}

export function storageFor(cloudpath: string | CloudPath, options: StorageOptions = {}): Storage {
  const p = typeof cloudpath === 'string' ? parseCloudPath(cloudpath, options) : cloudpath
  if (p.format !== 'precomputed') {
    throw new UnsupportedProtocolError(
      `${p.format}:// paths have no storage of their own${p.format === 'graphene' ? ' (open graphene:// layers with CloudVolume; their data_dir is a storage path)' : ' (only precomputed and graphene are supported)'}: ${p.original}`,
    )
  }
  switch (p.protocol) {
    case 'mem':
      return new MemStorage(p.bucket!, p.path)
    case 'file':
      return new FileStorage(`file://${p.path}`)
    default:
      throw new UnsupportedProtocolError(`${p.protocol}:// storage is not available yet: ${p.original}`)
  }
}
