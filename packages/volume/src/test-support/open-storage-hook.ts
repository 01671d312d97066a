/**
 * Routes `openStorage` to in-test storages for the duration of one call, so redirect chains can
 * be tested without real backends.
 */
import { setOpenStorageOverride } from '../open-storage.js'
import type { Storage } from '../storage/storage.js'

export async function openStorageHook<T>(storages: ReadonlyMap<string, Storage>, fn: () => Promise<T>): Promise<T> {
  setOpenStorageOverride((path) => {
    const s = storages.get(path)
    if (!s) throw new Error(`no test storage for ${path}`)
    return s
  })
  try {
    return await fn()
  } finally {
    setOpenStorageOverride(undefined)
  }
}
