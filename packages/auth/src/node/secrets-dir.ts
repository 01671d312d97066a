import { homedir } from 'node:os'
import { join } from 'node:path'

/** `~/.cloudvolume/secrets`, with the home directory read now (so `HOME` changes are honoured). */
export function secretsDir(): string {
  return join(homedir(), '.cloudvolume', 'secrets')
}

/** `path` with a leading `~` (alone, or followed by a separator) replaced by the home directory. */
export function expandHome(path: string): string {
  if (path === '~') return homedir()
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homedir(), path.slice(2))
  return path
}
