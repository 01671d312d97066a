/**
 * Object keys below a storage root: relative, `/`-separated, with `.`/`..` segments resolved here
 * (object stores do not resolve them) and no way to climb above the root.
 */
import { InvalidArgumentError } from '../errors.js'

/** Suffixes the `file://` and `mem://` backends use to record transport compression (volumes.md §3.2). */
export const COMPRESSION_SUFFIXES = ['.gz', '.br', '.zstd', '.xz', '.bz2'] as const
export type CompressionSuffix = (typeof COMPRESSION_SUFFIXES)[number]

/** The transport encoding a suffix stands for. */
export const SUFFIX_ENCODING: Readonly<Record<CompressionSuffix, string>> = {
  '.gz': 'gzip',
  '.br': 'br',
  '.zstd': 'zstd',
  '.xz': 'xz',
  '.bz2': 'bzip2',
}

/**
 * `key` with `.` and empty segments dropped and `..` applied. Throws `InvalidArgumentError` for an
 * empty key, an absolute key, one carrying a protocol, or one that climbs above the root.
 */
export function normalizeKey(key: string, field = 'key'): string {
  if (typeof key !== 'string' || key === '') throw new InvalidArgumentError(field, key, 'a non-empty relative path')
  if (key.startsWith('/') || key.startsWith('\\')) {
    throw new InvalidArgumentError(field, key, 'a relative path (no leading "/")')
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key)) throw new InvalidArgumentError(field, key, 'a relative path without a protocol')
  const out: string[] = []
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (out.length === 0) throw new InvalidArgumentError(field, key, 'a path that stays below the storage root')
      out.pop()
      continue
    }
    out.push(segment)
  }
  if (out.length === 0) throw new InvalidArgumentError(field, key, 'a path naming an object below the root')
  return out.join('/')
}

/**
 * A listing prefix: `''` (everything) or a normalised path. A trailing `/` is kept, so `a/` lists
 * only below directory `a`, while `a` also matches `ab`.
 */
export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/' || prefix === '.' || prefix === './') return ''
  const trailing = prefix.endsWith('/')
  const body = normalizeKey(trailing ? prefix.slice(0, -1) : prefix, 'prefix')
  return trailing ? `${body}/` : body
}

/** `key` without a compression suffix, and the suffix (or undefined). */
export function splitCompressionSuffix(key: string): { key: string; suffix: CompressionSuffix | undefined } {
  for (const s of COMPRESSION_SUFFIXES) {
    if (key.endsWith(s) && key.length > s.length) return { key: key.slice(0, -s.length), suffix: s }
  }
  return { key, suffix: undefined }
}

/** `a/b` joined with `c/d` → `a/b/c/d`; an empty root leaves the key alone. */
export function joinPath(root: string, key: string): string {
  if (root === '') return key
  return root.endsWith('/') ? `${root}${key}` : `${root}/${key}`
}

/** Each `/`-separated segment URL-encoded (for object URLs). */
export function encodePathSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
