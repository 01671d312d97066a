// One cutout read in a fresh process, for peak memory: prints JSON with the RSS before the read
// (volume opened, codec loaded), the peak RSS during the read, the output size and time.
//
// Peak RSS is the kernel's high-water mark of this process image (`VmHWM` in /proc/self/status,
// reset to the current RSS just before the read by writing 5 to /proc/self/clear_refs).
// `process.resourceUsage().maxRSS` is not usable: Linux carries ru_maxrss across fork + exec, so a
// child spawned by a big parent starts with the parent's RSS as its "peak".
import { readFileSync, writeFileSync } from 'node:fs'
import { CloudVolume } from '@daf/volume'

function highWater(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    return m ? Number(m[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

function resetHighWater(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

const [path, boxJson] = process.argv.slice(2)
if (!path || !boxJson) throw new Error('usage: child.ts <cloudpath> <box json>')
const box = JSON.parse(boxJson) as number[][]
const vol = await CloudVolume.open(path)
// Warm the code paths on one chunk so the measured read is the cutout, not module loading.
await vol.read([[0, 64], [0, 64], [0, 64]].map((r, d) => [box[d]![0]!, Math.min(box[d]![1]!, box[d]![0]! + r[1]!)]))
globalThis.gc?.()
const before = process.memoryUsage().rss
const reset = resetHighWater()
const t = performance.now()
const cut = await vol.read(box)
const ms = performance.now() - t
const hwm = reset ? highWater() : undefined
const peak = hwm ?? process.resourceUsage().maxRSS * 1024
process.stdout.write(`${JSON.stringify({ before, peak, outputBytes: cut.data.byteLength, ms, source: hwm === undefined ? 'maxRSS' : 'VmHWM' })}\n`)
