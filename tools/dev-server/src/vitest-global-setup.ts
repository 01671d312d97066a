/**
 * Vitest `globalSetup` for test projects that need the local deployment (e.g. the `browser`
 * project, which cannot start a server itself). Starts one server for the run and provides its
 * url and dev token to the tests:
 *
 * ```ts
 * // vitest.config.ts (browser project)
 * globalSetup: ['tools/dev-server/src/vitest-global-setup.ts']
 * // in a test
 * import { inject } from 'vitest'
 * const url = inject('devServerUrl')
 * ```
 *
 * `DAF_DEV_SERVER_PORT` picks a fixed port (default: any free port).
 */
import type { TestProject } from 'vitest/node'
import { DEV_TOKEN } from './constants.js'
import { startDevServer } from './server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:PORT` of the dev server started by the global setup. */
    devServerUrl: string
    /** Its full-permission token (`DEV_TOKEN`). */
    devServerToken: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startDevServer({ port: Number(process.env.DAF_DEV_SERVER_PORT ?? 0) })
  project.provide('devServerUrl', server.url)
  project.provide('devServerToken', DEV_TOKEN)
  return () => server.close()
}
