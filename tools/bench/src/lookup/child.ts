// One 100,000-point lookup in a fresh process, for peak memory: prints JSON with the RSS before
// the measured lookup (client warmed on a few points: modules, codec, datastack info), the peak RSS
// of the process (`maxRSS`), the heap and ArrayBuffer growth seen by sampling, and the time.
import { makeLookupClient } from '@daf/lookup'
import { ChunkedGraphModel } from '@daf/tools-dev-server'
import { frameworkClient } from '../services/common.js'
import { N, benchPoints, checkLookup } from './points.js'

const [url] = process.argv.slice(2)
if (!url) throw new Error('usage: child.ts <dev-server url>')
const model = new ChunkedGraphModel({ seed: 1 })
const points = benchPoints(model, N)
const { client, dispose } = frameworkClient(url)
const lookup = makeLookupClient(client)
await lookup.lookupPoints(points.subarray(0, 300))
globalThis.gc?.()
const before = process.memoryUsage()
let peakHeap = before.heapUsed + before.arrayBuffers
const timer = setInterval(() => {
  const m = process.memoryUsage()
  peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers)
}, 5)
const t = performance.now()
const r = await lookup.lookupPoints(points)
const ms = performance.now() - t
clearInterval(timer)
const problem = checkLookup(model, points, r.supervoxelIds, r.rootIds)
if (problem) throw new Error(problem)
dispose()
process.stdout.write(
  `${JSON.stringify({ rssBefore: before.rss, maxRss: process.resourceUsage().maxRSS * 1024, heapBefore: before.heapUsed + before.arrayBuffers, peakHeap, ms, chunks: r.stats.chunks })}\n`,
)
