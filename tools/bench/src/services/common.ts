// Shared by the services benchmarks: a client for the local deployment, the seeded supervoxel
// ids, timing helpers and the machine line for RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { FrameworkClient } from '@daf/services'
import { ChunkedGraphModel, DEMO_DATASTACK, DEV_TOKEN } from '@daf/tools-dev-server'

export const quiet = { warn: () => {}, debug: () => {} }

/** A FrameworkClient for `url` with the dev token and a throwaway secrets directory. */
export function frameworkClient(url: string): { client: FrameworkClient; dispose: () => void } {
  const secretsDir = mkdtempSync(join(tmpdir(), 'daf-bench-'))
  const client = new FrameworkClient(DEMO_DATASTACK, {
    serverAddress: url,
    authToken: DEV_TOKEN,
    secretsDir,
    writeServerCache: false,
    logger: quiet,
  })
  return { client, dispose: () => rmSync(secretsDir, { recursive: true, force: true }) }
}

/** The dev server's graph for seed 1 (the CLI default), built locally: same ids, same roots. */
export function seededModel(): ChunkedGraphModel {
  return new ChunkedGraphModel({ seed: 1 })
}

/** `n` supervoxel ids drawn from the graph in a fixed scrambled order (repeats included). */
export function supervoxelSample(model: ChunkedGraphModel, n: number): BigUint64Array {
  const ids = model.supervoxelIds
  const out = new BigUint64Array(n)
  let x = 12345
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = ids[x % ids.length] as bigint
  }
  return out
}

export const now = (): number => performance.now()

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  return (
    `${cpu}, ${cpus().length} vCPU, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node} ` +
    `(V8 ${process.versions.v8}), ${process.platform}/${process.arch}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`
  )
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
