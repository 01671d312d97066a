/**
 * What the demo's sections share: the in-process local deployment and a throwaway HOME, so saving
 * a token never touches the user's real `~/.cloudvolume/secrets`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevServer, type DevServer } from '../server.js'

export interface DemoEnv {
  readonly server: DevServer
  /** The temporary HOME; `~/.cloudvolume/secrets` lives below it. */
  readonly home: string
  readonly secretsDir: string
  close(): Promise<void>
}

export async function createDemoEnv(): Promise<DemoEnv> {
  const home = await mkdtemp(join(tmpdir(), 'daf-demo-home-'))
  const previousHome = process.env.HOME
  const previousToken = process.env.CAVE_TOKEN
  // Token lookup reads HOME (and CAVE_TOKEN) at call time; point both away from the real user.
  process.env.HOME = home
  delete process.env.CAVE_TOKEN
  const server = await startDevServer({ port: 0 })
  return {
    server,
    home,
    secretsDir: join(home, '.cloudvolume', 'secrets'),
    async close() {
      await server.close()
      if (previousHome === undefined) delete process.env.HOME
      else process.env.HOME = previousHome
      if (previousToken !== undefined) process.env.CAVE_TOKEN = previousToken
      await rm(home, { recursive: true, force: true })
    },
  }
}
