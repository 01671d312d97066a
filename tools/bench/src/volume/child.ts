// One cutout read in a fresh process, for peak memory: prints JSON with the RSS before the read
// (volume opened, codec loaded), the peak RSS of the process (`maxRSS`), the output size and time.
import { CloudVolume } from '@daf/volume'

const [path, boxJson] = process.argv.slice(2)
if (!path || !boxJson) throw new Error('usage: child.ts <cloudpath> <box json>')
const box = JSON.parse(boxJson) as number[][]
const vol = await CloudVolume.open(path)
// Warm the code paths on one chunk so the measured read is the cutout, not module loading.
await vol.read([[0, 64], [0, 64], [0, 64]].map((r, d) => [box[d]![0]!, Math.min(box[d]![1]!, box[d]![0]! + r[1]!)]))
globalThis.gc?.()
const before = process.memoryUsage().rss
const t = performance.now()
const cut = await vol.read(box)
const ms = performance.now() - t
const peak = process.resourceUsage().maxRSS * 1024
process.stdout.write(`${JSON.stringify({ before, peak, outputBytes: cut.data.byteLength, ms })}\n`)
