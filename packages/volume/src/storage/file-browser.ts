/** `file://` does not exist in browsers; this stub keeps `node:fs` out of browser bundles. */
import { UnsupportedProtocolError } from '../errors.js'
import type { ByteRange, Storage } from './storage.js'

export interface FileStorageOptions {
  io?: unknown
}

const unavailable = () => new UnsupportedProtocolError('file:// storage is only available in Node (not in browsers)')

export function resolveFilePath(_location: string): string {
  throw unavailable()
}

export class FileStorage implements Storage {
  readonly writable = true
  readonly url = 'file://'
  readonly root = ''
  constructor(_location: string, _options: FileStorageOptions = {}) {
    throw unavailable()
  }
  get(): Promise<Uint8Array | undefined> {
    return Promise.reject(unavailable())
  }
  getRange(_key: string, _range: ByteRange): Promise<Uint8Array | undefined> {
    return Promise.reject(unavailable())
  }
  set(): Promise<void> {
    return Promise.reject(unavailable())
  }
  delete(): Promise<void> {
    return Promise.reject(unavailable())
  }
  exists(): Promise<boolean> {
    return Promise.reject(unavailable())
  }
  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<string> {
    throw unavailable()
  }
}

export const fileStorageAvailable = false
export const pathSeparator = '/'
