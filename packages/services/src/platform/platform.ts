/**
 * Platform-specific pieces of `@daf/services`, chosen at module resolution through the package's
 * `#platform` import: Node reads and writes the datastack → server map in
 * `~/.cloudvolume/secrets/`; browsers (and every other runtime) have no such file.
 */

export interface DatastackMapOptions {
  /** Node: the secrets directory; default `~/.cloudvolume/secrets` (home directory read at call time). */
  readonly secretsDir?: string | undefined
}

export interface ServicesPlatform {
  readonly name: 'node' | 'browser'
  /**
   * The server address recorded for `datastack` (services spec §2.5), or undefined. A missing,
   * unreadable or malformed file counts as empty. Synchronous: it runs in constructors.
   */
  readDatastackServer(datastack: string, options?: DatastackMapOptions): string | undefined
  /**
   * Records `datastack → serverAddress`, keeping the other entries. Resolves to the file written,
   * or undefined when nothing was written (browsers, an unwritable location, already recorded).
   * Never rejects: failures go to `onSkip`.
   */
  writeDatastackServer(
    datastack: string,
    serverAddress: string,
    options?: DatastackMapOptions & { onSkip?: (reason: string) => void },
  ): Promise<string | undefined>
}

/** File name of the map, shared with the Python client (`caveclient/datastack_lookup.py`). */
export const DATASTACK_MAP_FILE = 'cave_datastack_to_server_map.json'
