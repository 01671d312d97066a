/**
 * Opening storage for a layer path: the backend from `storageFor` (storage/factory.ts), with the
 * volume's `useHttps`, `fetch` and storage options (credentials for gs:// and s3://, retries,
 * timeouts) passed through. Never the deployment's token: storage has its own credentials.
 */
import { storageFor, type StorageOptions } from './storage/factory.js'
import { parseCloudPath } from './storage/paths.js'
import type { Storage } from './storage/storage.js'

export interface OpenStorageOptions {
  useHttps?: boolean | undefined
  fetch?: typeof globalThis.fetch | undefined
  storageOptions?: StorageOptions | undefined
}

let override: ((path: string) => Storage) | undefined

/** Tests only: route every `openStorage` call through `fn` (undefined restores the backends). */
export function setOpenStorageOverride(fn: ((path: string) => Storage) | undefined): void {
  override = fn
}

export async function openStorage(path: string, options: OpenStorageOptions = {}): Promise<Storage> {
  if (override) return override(path)
  return storageFor(path, {
    ...options.storageOptions,
    ...(options.useHttps !== undefined && { useHttps: options.useHttps }),
    ...(options.fetch && { fetch: options.fetch }),
  })
}

/** Whether two cloudpaths name the same layer (format prefix, trailing slashes and aliases ignored). */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string): string => {
    try {
      const c = parseCloudPath(p)
      return `${c.protocol}://${c.endpoint ?? ''}/${c.bucket ?? ''}/${c.path}`
    } catch {
      return p.replace(/^precomputed:\/\//i, '').replace(/\/+$/, '')
    }
  }
  return norm(a) === norm(b)
}
