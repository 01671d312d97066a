/**
 * Node `#platform`: the datastack → server map `~/.cloudvolume/secrets/cave_datastack_to_server_map.json`
 * (`{"<datastack>": "<server address>"}`), shared with the Python client.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expandHome, secretsDir, writeFileAtomic } from '@daf/auth/node'
import { DATASTACK_MAP_FILE, type DatastackMapOptions, type ServicesPlatform } from './platform.js'

function mapFile(options: DatastackMapOptions = {}): string {
  return join(options.secretsDir !== undefined ? expandHome(options.secretsDir) : secretsDir(), DATASTACK_MAP_FILE)
}

/** The map's string entries; `{}` for a missing, unreadable or malformed file. */
function readMap(file: string): Record<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v.trim()) out[k] = v.trim()
  return out
}

export const platform: ServicesPlatform = {
  name: 'node',
  readDatastackServer(datastack, options) {
    let file: string
    try {
      file = mapFile(options)
    } catch {
      return undefined
    }
    const map = readMap(file)
    return Object.hasOwn(map, datastack) ? map[datastack] : undefined
  },
  async writeDatastackServer(datastack, serverAddress, options = {}) {
    let file: string
    try {
      file = mapFile(options)
    } catch (e) {
      options.onSkip?.(`no home directory (${(e as Error).message})`)
      return undefined
    }
    const current = readMap(file)
    if (current[datastack] === serverAddress) return undefined
    try {
      await writeFileAtomic(file, `${JSON.stringify({ ...current, [datastack]: serverAddress }, null, 2)}\n`)
      return file
    } catch (e) {
      options.onSkip?.(`${file} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
      return undefined
    }
  },
}
