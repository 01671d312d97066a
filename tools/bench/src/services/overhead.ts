// `pnpm bench overhead`: what the client adds to one small request. The same requests one after
// another (a) through `client.chunkedgraph` and (b) as a bare `fetch` of the same URL with the
// same Authorization header, parsing the body the same way (lossless JSON / packed uint64), after
// warm-up, against the local deployment in its own process. Overhead = (a) − (b) per request.
import { parseJson } from '@daf/services'
import { DEMO_TABLE_ID, DEV_TOKEN } from '@daf/tools-dev-server'
import { startDevServerProcess } from './dev-server-process.js'
import { fmt, frameworkClient, machine, now, percentile, seededModel } from './common.js'

const N = 3_000
const WARMUP = 300
const ROUNDS = 3

interface Case {
  label: string
  client: (i: number) => Promise<unknown>
  /** The shared HTTP layer alone (`client.http.request`), same URL. */
  layer: (i: number) => Promise<unknown>
  bare: (i: number) => Promise<unknown>
}

export async function run(): Promise<void> {
  const model = seededModel()
  const svs = model.supervoxelIds
  const server = await startDevServerProcess(1)
  const { client, dispose } = frameworkClient(server.url)
  try {
    const cg = client.chunkedgraph
    const P = `${server.url}/segmentation/api/v1/table/${DEMO_TABLE_ID}`
    const auth = { Authorization: `Bearer ${DEV_TOKEN}` }
    const timestamp = Date.now() / 1000
    const sv = (i: number) => svs[i % svs.length] as bigint

    const cases: Case[] = [
      {
        label: 'getRootId (GET node/{id}/root, JSON)',
        client: (i) => cg.getRootId(sv(i), { timestamp }),
        layer: (i) =>
          client.http.request('GET /segmentation/api/v1/table/{table_id}/node/{node_id}/root', {
            baseUrl: server.url,
            params: { table_id: DEMO_TABLE_ID, node_id: sv(i) },
            query: { timestamp, int64_as_str: true },
          }),
        bare: async (i) => {
          const res = await fetch(`${P}/node/${sv(i)}/root?timestamp=${timestamp}&int64_as_str=true`, { headers: { ...auth, Accept: 'application/json' } })
          if (!res.ok) throw new Error(`HTTP ${res.status}`)
          return BigInt((parseJson(await res.text()) as { root_id: string }).root_id)
        },
      },
      {
        label: 'getRoots of 1 id (POST roots_binary)',
        client: (i) => cg.getRoots([sv(i)], { timestamp }),
        layer: (i) =>
          client.http.request('POST /segmentation/api/v1/table/{table_id}/roots_binary', {
            baseUrl: server.url,
            params: { table_id: DEMO_TABLE_ID },
            query: { timestamp },
            body: BigUint64Array.of(sv(i)),
            responseType: 'uint64',
            retryable: true,
          }),
        bare: async (i) => {
          const res = await fetch(`${P}/roots_binary?timestamp=${timestamp}`, {
            method: 'POST',
            headers: { ...auth, 'Content-Type': 'application/octet-stream' },
            body: new Uint8Array(BigUint64Array.of(sv(i)).buffer),
          })
          if (!res.ok) throw new Error(`HTTP ${res.status}`)
          return new BigUint64Array(await res.arrayBuffer())
        },
      },
    ]

    // First call of a fresh client: datastack info and both version probes come first.
    const fresh = frameworkClient(server.url)
    let t = now()
    await fresh.client.chunkedgraph.getRootId(sv(0), { timestamp })
    const firstCall = now() - t
    t = now()
    await fresh.client.chunkedgraph.getRootId(sv(1), { timestamp })
    const secondCall = now() - t
    fresh.dispose()

    console.log(`Machine: ${machine()}`)
    console.log(`Server: pnpm dev-server in a child process (pid ${server.pid}); ${fmt(N)} sequential requests per side after ${WARMUP} warm-up, sides interleaved in ${ROUNDS} rounds\n`)
    console.log('| request | client method mean | HTTP layer mean | bare fetch mean | client overhead / request | of which HTTP layer | client p50 / p99 | bare p50 / p99 |')
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|')
    for (const c of cases) {
      for (let i = 0; i < WARMUP; i++) {
        await c.client(i)
        await c.layer(i)
        await c.bare(i)
      }
      const ours: number[] = []
      const layer: number[] = []
      const bare: number[] = []
      for (let round = 0; round < ROUNDS; round++) {
        for (let i = 0; i < N / ROUNDS; i++) {
          let s = now()
          await c.client(i)
          ours.push(now() - s)
          s = now()
          await c.layer(i)
          layer.push(now() - s)
          s = now()
          await c.bare(i)
          bare.push(now() - s)
        }
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      ours.sort((a, b) => a - b)
      bare.sort((a, b) => a - b)
      const us = (ms: number) => `${fmt(ms * 1000)} µs`
      console.log(
        `| ${c.label} | ${us(mean(ours))} | ${us(mean(layer))} | ${us(mean(bare))} | ${us(mean(ours) - mean(bare))} | ${us(mean(layer) - mean(bare))} | ${us(percentile(ours, 50))} / ${us(percentile(ours, 99))} | ${us(percentile(bare, 50))} / ${us(percentile(bare, 99))} |`,
      )
    }
    console.log(`\nFirst call of a new client (info record + API-version and server-version probes + the call): ${fmt(firstCall, 1)} ms; second call: ${fmt(secondCall, 1)} ms\n`)
  } finally {
    dispose()
    await server.close()
  }
}
