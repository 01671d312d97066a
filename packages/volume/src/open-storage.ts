/**
 * Opening storage for a layer path: the backend from `storageFor` (storage/factory.ts), with the
 * `useHttps` rewrite and the caller's `fetch`/credentials passed through.
 */
import type { Authorizer } from '@daf/auth'
import { storageFor } from './storage/factory.js'
import { parseCloudPath, toHttpsPath } from './storage/paths.js'
import type { Storage } from './storage/storage.js'

export interface OpenStorageOptions {
  useHttps?: boolean
  fetch?: typeof globalThis.fetch
  /** Storage credentials (a GCS bearer); never the deployment's token. */
  auth?: Authorizer
}

let override: ((path: string) => Storage) | undefined

/** Tests only: route every `openStorage` call through `fn` (undefined restores the backends). */
export function setOpenStorageOverride(fn: ((path: string) => Storage) | undefined): void {
  override = fn
}

export async function openStorage(path: string, options: OpenStorageOptions = {}): Promise<Storage> {
  if (override) return override(path)
  const target = options.useHttps ? toHttpsPath(path) : path
  const storageOptions: Record<string, unknown> = {}
  if (options.fetch) storageOptions.fetch = options.fetch
  if (options.auth) storageOptions.auth = options.auth
  return storageFor(target, storageOptions as Parameters<typeof storageFor>[1])
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
