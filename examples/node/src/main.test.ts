/** The Node example (README snippet) runs as a script (tsx, a child process) against a local deployment started here. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { DEV_TOKEN, chunkedGraphModelFor, startDevServer, type DevServer } from '@daf/tools-dev-server'

// Child processes (and a browser) on a shared 2-core machine: generous per-test time.
vi.setConfig({ testTimeout: 60_000 })

let server: DevServer
beforeAll(async () => {
  server = await startDevServer({ port: 0 })
})
afterAll(() => server?.close())

it('prints the datastack, the ids at two points (checked against the chunkedgraph model) and a cutout', async () => {
  const tsx = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url))
  const script = fileURLToPath(new URL('./main.ts', import.meta.url))
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [tsx, script], { env: { ...process.env, DAF_SERVER: server.url, CAVE_TOKEN: DEV_TOKEN }, timeout: 60_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    ),
  )
  const lines = stdout.trim().split('\n')
  expect(lines[0]).toMatch(/^minnie_demo_em: Generated demo datastack/)
  const model = chunkedGraphModelFor(server.dataset)
  for (const i of [0, 1]) {
    const m = /^point \d: supervoxel (\d+), root (\d+)$/.exec(lines[1 + i]!)
    expect(m, lines[1 + i]).not.toBeNull()
    expect(BigInt(m![2]!)).toBe(model.rootAt(BigInt(m![1]!)))
    expect(BigInt(m![2]!)).toBeGreaterThan(0n)
  }
  expect(lines[3]).toMatch(/^image cutout 64 x 64 x 4 x 1 uint8, first voxel \d+$/)
})
