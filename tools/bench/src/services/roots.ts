// `pnpm bench roots`: `client.chunkedgraph.getRoots` of 1,000,000 supervoxel ids in batches over
// `roots_binary` against the local deployment running in its own process. Ids per second for
// several batch sizes and concurrencies, the same batches sent with a bare `fetch` for
// comparison, and dedupe. Every answer is checked against the deployment's (seeded) graph.
import { DEMO_TABLE_ID, DEV_TOKEN } from '@daf/tools-dev-server'
import { startDevServerProcess } from './dev-server-process.js'
import { fmt, frameworkClient, machine, now, seededModel, supervoxelSample } from './common.js'

const N = 1_000_000
const RUNS = 5

interface Config {
  label: string
  batchSize: number
  concurrency: number
  dedupe?: boolean
  bare?: boolean
}

const CONFIGS: Config[] = [
  { label: 'getRoots', batchSize: 100_000, concurrency: 1 },
  { label: 'getRoots', batchSize: 100_000, concurrency: 2 },
  { label: 'getRoots (defaults)', batchSize: 100_000, concurrency: 4 },
  { label: 'getRoots', batchSize: 25_000, concurrency: 4 },
  { label: 'getRoots', batchSize: 250_000, concurrency: 2 },
  { label: 'getRoots', batchSize: 1_000_000, concurrency: 1 },
  { label: 'bare fetch, same batches', batchSize: 100_000, concurrency: 4, bare: true },
  { label: 'getRoots, dedupe', batchSize: 100_000, concurrency: 4, dedupe: true },
]

export async function run(): Promise<void> {
  const model = seededModel()
  const ids = supervoxelSample(model, N)
  const expected = model.rootsAt(ids)
  const server = await startDevServerProcess(1)
  const { client, dispose } = frameworkClient(server.url)
  try {
    const cg = client.chunkedgraph
    const timestamp = Date.now() / 1000
    // Warm-up: datastack info, version probes, JIT on both sides.
    await cg.getRoots(ids.subarray(0, 200_000), { timestamp })

    const bareBatches = async (c: Config): Promise<BigUint64Array> => {
      const out = new BigUint64Array(ids.length)
      const url = `${server.url}/segmentation/api/v1/table/${DEMO_TABLE_ID}/roots_binary?timestamp=${timestamp}`
      let next = 0
      await Promise.all(
        Array.from({ length: c.concurrency }, async () => {
          while (next < ids.length) {
            const start = next
            next += c.batchSize
            const batch = ids.subarray(start, Math.min(start + c.batchSize, ids.length))
            const res = await fetch(url, {
              method: 'POST',
              headers: { Authorization: `Bearer ${DEV_TOKEN}`, 'Content-Type': 'application/octet-stream' },
              body: new Uint8Array(batch.buffer as ArrayBuffer, batch.byteOffset, batch.byteLength),
            })
            if (!res.ok) throw new Error(`HTTP ${res.status}`)
            out.set(new BigUint64Array(await res.arrayBuffer()), start)
          }
        }),
      )
      return out
    }

    console.log(`Machine: ${machine()}`)
    console.log(`Server: pnpm dev-server in a child process (pid ${server.pid}), seed 1, ${model.supervoxels.length} supervoxels, ${model.currentRoots().length} roots; client: FrameworkClient(...).chunkedgraph`)
    console.log(`Input: ${fmt(N)} supervoxel ids (scrambled, repeats), 8 MB up and 8 MB down per pass; best of ${RUNS} passes per row, rows interleaved\n`)
    console.log('| how | batch | concurrency | requests | best pass | ids/s (M) | median pass |')
    console.log('|---|---:|---:|---:|---:|---:|---:|')
    // Passes are interleaved (every row once, then again …) so the shared machine's load spreads evenly.
    const times = CONFIGS.map(() => [] as number[])
    for (let r = 0; r < RUNS; r++) {
      for (const [k, c] of CONFIGS.entries()) {
        const t = now()
        const roots = c.bare
          ? await bareBatches(c)
          : await cg.getRoots(ids, { timestamp, batchSize: c.batchSize, concurrency: c.concurrency, dedupe: c.dedupe ?? false })
        times[k]?.push(now() - t)
        if (r === 0 && !equal(roots, expected)) throw new Error(`${c.label}: answers differ from the graph`)
      }
    }
    for (const [k, c] of CONFIGS.entries()) {
      const passes = (times[k] ?? []).sort((a, b) => a - b)
      const bestMs = passes[0] as number
      const requests = c.dedupe ? Math.ceil(model.supervoxels.length / c.batchSize) : Math.ceil(N / c.batchSize)
      console.log(
        `| ${c.label} | ${fmt(c.batchSize)} | ${c.concurrency} | ${requests} | ${fmt(bestMs)} ms | ${fmt(N / bestMs / 1000, 2)} | ${fmt(passes[Math.floor(passes.length / 2)] as number)} ms |`,
      )
    }
    console.log('\n(every pass returned the same roots as the graph; ids/s counts input ids, duplicates included)\n')
  } finally {
    dispose()
    await server.close()
  }
}

function equal(a: BigUint64Array, b: BigUint64Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
