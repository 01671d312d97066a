// The local deployment in its own process (`pnpm dev-server --port 0 --quiet`), so the benchmark's
// client and the server do not share one event loop: what a client on a laptop talking to a
// deployment would see, minus the network.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export interface DevServerProcess {
  url: string
  pid: number | undefined
  close(): Promise<void>
}

export async function startDevServerProcess(seed = 1): Promise<DevServerProcess> {
  const require = createRequire(import.meta.url)
  // The package's entry is src/index.ts; the CLI sits next to it.
  const src = dirname(require.resolve('@daf/tools-dev-server'))
  const cli = join(src, 'cli.ts')
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--quiet', '--seed', String(seed)], {
    cwd: dirname(src),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`dev server did not start within 30 s:\n${out}`)), 30_000)
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (chunk: string) => {
      out += chunk
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] as string)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`dev server exited with ${code}:\n${out}`))
    })
  })
  child.stdout?.resume()
  return {
    url,
    pid: child.pid,
    async close() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
