/**
 * `storageFor(cloudpath, options)`: the backend for a cloudpath (volumes.md §6.1). The format
 * prefix (`precomputed://`) is accepted and dropped; `graphene://` paths name a chunkedgraph, not
 * storage: open them with CloudVolume (its `data_dir` is an ordinary cloudpath).
 */
import { FileStorage } from '#file-storage'
import { loadUserAliases } from '#secrets'
import { UnsupportedProtocolError } from '../errors.js'
import { GcsStorage } from './gcs.js'
import { HttpStorage, type HttpStorageOptions } from './http.js'
import { MemStorage } from './mem.js'
import { parseCloudPath, toHttpsPath, type CloudPath, type ParseCloudPathOptions } from './paths.js'
import { S3Storage } from './s3.js'
import type { S3Credentials } from './secrets-types.js'
import type { Storage } from './storage.js'

export interface StorageOptions extends ParseCloudPathOptions, HttpStorageOptions {
  /**
   * Read gs:// and s3:// paths anonymously over public HTTPS (`https://storage.googleapis.com/…`,
   * `https://s3.amazonaws.com/…`, or the custom endpoint), read-only (CloudVolume `use_https`).
   */
  useHttps?: boolean
  /** OAuth 2 access token for gs:// (sent to the GCS host only; never pass the CAVE token). */
  gcsToken?: string
  /** GCS API origin (tests). */
  gcsEndpoint?: string
  /** S3 credentials; otherwise looked up in secret files / environment (Node). */
  s3Credentials?: S3Credentials
  /** Directory of CloudVolume secret files (Node), instead of `~/.cloudvolume/secrets`. */
  secretsDir?: string
}

export function storageFor(cloudpath: string | CloudPath, options: StorageOptions = {}): Storage {
  const aliases = { ...loadUserAliases(), ...options.aliases }
  const p = typeof cloudpath === 'string' ? parseCloudPath(cloudpath, { aliases }) : cloudpath
  if (p.format !== 'precomputed') {
    throw new UnsupportedProtocolError(
      `${p.format}:// paths have no storage of their own${p.format === 'graphene' ? ' (open graphene:// layers with CloudVolume; their data_dir is a storage path)' : ' (only precomputed and graphene are supported)'}: ${p.original}`,
    )
  }
  const http: HttpStorageOptions = {
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.retry && { retry: options.retry }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.totalTimeoutMs !== undefined && { totalTimeoutMs: options.totalTimeoutMs }),
    ...(options.logger && { logger: options.logger }),
    ...(options.sleep && { sleep: options.sleep }),
  }
  if (options.useHttps && (p.protocol === 'gs' || p.protocol === 's3')) {
    return new HttpStorage(toHttpsPath(p), http)
  }
  switch (p.protocol) {
    case 'mem':
      return new MemStorage(p.bucket!, p.path)
    case 'file':
      return new FileStorage(`file://${p.path}`)
    case 'http':
    case 'https':
      return new HttpStorage(`${p.endpoint}/${p.path}`, http)
    case 'gs':
      return new GcsStorage(p.bucket!, p.path, {
        ...http,
        ...(options.gcsToken && { gcsToken: options.gcsToken }),
        ...(options.gcsEndpoint && { gcsEndpoint: options.gcsEndpoint }),
      })
    case 's3':
      return new S3Storage(p.bucket!, p.path, {
        ...http,
        ...(p.endpoint && { endpoint: p.endpoint }),
        ...(options.s3Credentials && { s3Credentials: options.s3Credentials }),
        ...(options.secretsDir && { secretsDir: options.secretsDir }),
        secretService: p.alias ?? 'aws',
      })
  }
}
