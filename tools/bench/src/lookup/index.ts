// `pnpm bench lookup`: @daf/lookup against the local deployment running in its own process —
// 100,000 points (every supervoxel's own voxel plus uniform random points over the whole volume)
// to supervoxel and root ids. Points/s (best and median of several passes), the requests each
// lookup sent (counted in the deployment's request log) against distinct chunks + ⌈distinct
// supervoxels / batch⌉, records and Arrow tables, the sharded mip, a naive per-point baseline on
// 1,000 points, and peak memory of one lookup in a fresh process. Every answer is checked.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { makeLookupClient, type LookupClientOptions, type PointsLookup } from '@daf/lookup'
import { CloudVolume } from '@daf/volume'
import { ChunkedGraphModel, DEMO_DATASTACK } from '@daf/tools-dev-server'
import { Field, FixedSizeList, Float64, Table, makeData, makeVector } from 'apache-arrow'
import { startDevServerProcess } from '../services/dev-server-process.js'
import { fmt, frameworkClient, machine, now } from '../services/common.js'
import { N, benchPoints, checkLookup, distinctChunks } from './points.js'

const RUNS = 5
const NAIVE = 1_000
const MiB = 2 ** 20

interface Config {
  label: string
  options?: LookupClientOptions
  kind: 'points' | 'supervoxels' | 'records' | 'arrow'
  mip?: number
}

const CONFIGS: Config[] = [
  { label: 'lookupPoints (defaults: 16 chunk requests in flight, batch 100,000)', kind: 'points' },
  { label: 'lookupPoints, concurrency 4', kind: 'points', options: { concurrency: 4 } },
  { label: 'lookupPoints, concurrency 32', kind: 'points', options: { concurrency: 32 } },
  { label: 'lookupPoints, batch 250', kind: 'points', options: { batchSize: 250 } },
  { label: 'lookupPoints, mip 1 (sharded, 16 × 16 × 40 nm)', kind: 'points', mip: 1 },
  { label: 'lookupSupervoxels only', kind: 'supervoxels' },
  { label: 'lookupDataframe, 100,000 records', kind: 'records' },
  { label: 'lookupDataframe, Arrow table (FixedSizeList[3]<Float64>)', kind: 'arrow' },
]

interface LogEntry {
  path: string
}

export async function run(): Promise<void> {
  const model = new ChunkedGraphModel({ seed: 1 })
  const points = benchPoints(model)
  const chunks = distinctChunks(points)
  const records = Array.from({ length: N }, (_, i) => ({ id: i, pt: [points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!] }))
  const arrowTable = new Table({
    id: makeVector(Int32Array.from({ length: N }, (_, i) => i)),
    pt: makeVector(
      makeData({
        type: new FixedSizeList(3, new Field('item', new Float64(), false)),
        length: N,
        nullCount: 0,
        child: makeData({ type: new Float64(), length: 3 * N, nullCount: 0, data: points }),
      }),
    ),
  })
  const server = await startDevServerProcess(1)
  const { client, dispose } = frameworkClient(server.url)
  const log = {
    clear: async () => void (await fetch(`${server.url}/__dev/requests`, { method: 'DELETE' })),
    read: async () => (await (await fetch(`${server.url}/__dev/requests`)).json()) as LogEntry[],
  }
  try {
    console.log(`Machine: ${machine()}`)
    console.log(
      `Server: pnpm dev-server in a child process (pid ${server.pid}), seed 1: 512 × 512 × 64 supervoxels at 8 × 8 × 40 nm in 128 chunks of 64 × 64 × 32 ` +
        `(compressed_segmentation + gzip; mip 1 sharded), ${model.supervoxels.length} supervoxels, ${model.currentRoots().length} roots`,
    )
    console.log(`Input: ${fmt(N)} points in 4 × 4 × 40 nm voxels (${model.supervoxels.length} supervoxel positions + uniform random), ${chunks} distinct chunks; best of ${RUNS} passes per row, rows interleaved\n`)

    const clients = CONFIGS.map((c) => makeLookupClient(client, c.options ?? {}))
    // Warm-up: datastack info, chunkedgraph info and versions, JIT on both sides.
    for (const [k, c] of CONFIGS.entries()) await clients[k]!.lookupPoints(points.subarray(0, 3 * 2000), { mip: c.mip ?? 0 })

    const once = async (k: number): Promise<PointsLookup | undefined> => {
      const c = CONFIGS[k]!
      const lookup = clients[k]!
      const mip = c.mip ?? 0
      switch (c.kind) {
        case 'points':
          return lookup.lookupPoints(points, { mip })
        case 'supervoxels':
          await lookup.lookupSupervoxels(points)
          return undefined
        case 'records':
          await lookup.lookupDataframe(records, { pointColumn: 'pt' })
          return undefined
        case 'arrow':
          await lookup.lookupDataframe(arrowTable, { pointColumn: 'pt' })
          return undefined
      }
    }

    const times = CONFIGS.map(() => [] as number[])
    const requests = CONFIGS.map(() => ({ chunks: 0, roots: 0, other: 0, expected: '' }))
    for (let r = 0; r < RUNS; r++) {
      for (const k of CONFIGS.keys()) {
        if (r === 0) await log.clear()
        const t = now()
        const result = await once(k)
        times[k]!.push(now() - t)
        if (r === 0) {
          const entries = await log.read()
          const q = requests[k]!
          q.chunks = entries.filter((e) => e.path.startsWith(`/volumes/${DEMO_DATASTACK}/ws/`)).length
          q.roots = entries.filter((e) => e.path.endsWith('/roots_binary')).length
          q.other = entries.length - q.chunks - q.roots
          if (result) {
            const exact = (CONFIGS[k]!.mip ?? 0) === 0
            const problem = checkLookup(model, points, result.supervoxelIds, result.rootIds, exact)
            if (problem) throw new Error(`${CONFIGS[k]!.label}: ${problem}`)
            q.expected = `${result.stats.chunks} + ⌈${fmt(result.stats.distinctSupervoxels)} / ${fmt(CONFIGS[k]!.options?.batchSize ?? 100_000)}⌉ = ${result.stats.chunks + result.stats.rootRequests}`
          }
        }
      }
    }

    console.log('| how | requests sent (chunk + roots_binary) | distinct chunks + ⌈distinct svs / batch⌉ | best pass | points/s | median pass |')
    console.log('|---|---:|---:|---:|---:|---:|')
    for (const [k, c] of CONFIGS.entries()) {
      const sorted = [...times[k]!].sort((a, b) => a - b)
      const best = sorted[0]!
      const median = sorted[Math.floor(sorted.length / 2)]!
      const q = requests[k]!
      const sent = `${q.chunks} + ${q.roots}${q.other ? ` (+${q.other} other)` : ''}`
      console.log(`| ${c.label} | ${sent} | ${q.expected || '–'} | ${fmt(best)} ms | ${fmt(N / (best / 1000))} | ${fmt(median)} ms |`)
    }

    // Naive baseline: one 1-voxel read and one getRootId per point (what a per-point loop does).
    const ws = await CloudVolume.open(`precomputed://${server.url}/volumes/${DEMO_DATASTACK}/ws`, { concurrency: 16 })
    const cg = client.chunkedgraph
    const sample = points.subarray(0, 3 * NAIVE)
    const naiveSv = new BigUint64Array(NAIVE)
    const naiveRoots = new BigUint64Array(NAIVE)
    await log.clear()
    const t = now()
    let next = 0
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < NAIVE) {
          const i = next++
          const [x, y, z] = [sample[3 * i]! >> 1, sample[3 * i + 1]! >> 1, sample[3 * i + 2]!]
          const cut = await ws.read([[x, x + 1], [y, y + 1], [z, z + 1]])
          naiveSv[i] = cut.data[0] as bigint
          naiveRoots[i] = naiveSv[i] === 0n ? 0n : await cg.getRootId(naiveSv[i]!)
        }
      }),
    )
    const naiveMs = now() - t
    const naiveRequests = (await log.read()).length
    const problem = checkLookup(model, sample, naiveSv, naiveRoots, true)
    if (problem) throw new Error(`naive: ${problem}`)
    console.log(`| naive: per point a 1-voxel CloudVolume.read + getRootId, 16 in flight (${fmt(NAIVE)} points) | ${fmt(naiveRequests)} | – | ${fmt(naiveMs)} ms | ${fmt(NAIVE / (naiveMs / 1000))} | – |`)

    // Peak memory of one 100,000-point lookup in a fresh process.
    const child = new URL('./child.ts', import.meta.url).pathname
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', child, server.url], { maxBuffer: 1 << 20 })
    const m = JSON.parse(stdout.trim().split('\n').pop()!) as { rssBefore: number; maxRss: number; heapBefore: number; peakHeap: number; ms: number; chunks: number }
    console.log(
      `\nPeak memory, one lookup of ${fmt(N)} points in a fresh process (${fmt(m.ms)} ms, ${m.chunks} chunks): ` +
        `RSS ${fmt(m.rssBefore / MiB, 1)} MiB before → peak ${fmt(m.maxRss / MiB, 1)} MiB (+${fmt(Math.max(0, m.maxRss - m.rssBefore) / MiB, 1)} MiB); ` +
        `JS heap + ArrayBuffers +${fmt(Math.max(0, m.peakHeap - m.heapBefore) / MiB, 1)} MiB at the peak (sampled every 5 ms)`,
    )
  } finally {
    dispose()
    await server.close()
  }
}
