/** Starts `s3rver` in a child Node process on 127.0.0.1 for s3:// tests; `stop()` ends it. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface S3rverProcess {
  endpoint: string
  stop(): Promise<void>
}

export async function startS3rver(directory: string, buckets: string[]): Promise<S3rverProcess> {
  const script = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url))
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory, ...buckets], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 15 s')), 15_000)
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split('\n')[0]
      if (out.includes('\n')) {
        clearTimeout(timer)
        try {
          resolve((JSON.parse(line!) as { port: number }).port)
        } catch (e) {
          reject(e as Error)
        }
      }
    })
  })
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.stdin!.end()
        setTimeout(() => child.kill('SIGTERM'), 2000).unref()
      }),
  }
}
