// `pnpm bench codec`: @daf/codec-wasm vs neuroglancer's TypeScript compressed_segmentation codec,
// in one process, after warm-up, on the same in-memory volumes. Every run's output is checked
// byte-identical between the two and round-tripped.
import { createHash } from 'node:crypto'
import { cpus, totalmem } from 'node:os'
import {
  decodeCompressedSegmentation,
  encodeCompressedSegmentation,
  init,
} from '@daf/codec-wasm'
import { type NeuroglancerCseg, NEUROGLANCER_PACKAGE, loadNeuroglancer } from './neuroglancer.js'
import { type Volume, fib25, voronoi } from './volumes.js'

const BLOCK: [number, number, number] = [8, 8, 8]
const GOAL_ENCODE = 3
const GOAL_DECODE = 5

interface Speeds {
  encode: number
  decode: number
  /** Decoding into a preallocated, reused output array (no fresh pages to fault in). */
  decodeInto: number
}

interface Row {
  volume: string
  type: 'u32' | 'u64'
  bytes: number
  ours: Speeds
  ng?: Speeds
}

const now = (): number => performance.now()

/** Best time in ms of `runs` calls after `warmup` calls. */
function best(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) fn()
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t = now()
    fn()
    min = Math.min(min, now() - t)
  }
  return min
}

const mvox = (voxels: number, ms: number): number => voxels / ms / 1000

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  return x.equals(y)
}

function ngEncode(ng: NeuroglancerCseg, vol: Volume, type: 'u32' | 'u64'): Uint8Array {
  const builder = new ng.Uint32ArrayBuilder(1 << 20)
  const size = [...vol.shape, 1]
  if (type === 'u32') ng.encodeChannelsUint32(builder, BLOCK, vol.u32, size)
  else ng.encodeChannelsUint64(builder, BLOCK, new Uint32Array(vol.u64.buffer, vol.u64.byteOffset, vol.u64.length * 2), size)
  const v = builder.view
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
}

function ngDecode(ng: NeuroglancerCseg, encoded: Uint8Array, vol: Volume, type: 'u32' | 'u64', into?: Uint32Array): Uint32Array {
  const words = new Uint32Array(encoded.buffer, encoded.byteOffset, encoded.byteLength / 4)
  const n = vol.u32.length
  const size = [...vol.shape, 1]
  const out = into ?? new Uint32Array(type === 'u32' ? n : n * 2)
  if (type === 'u32') ng.decodeChannelsUint32(out, words, 0, size, BLOCK)
  else ng.decodeChannelsUint64(out, words, 0, size, BLOCK)
  return out
}

function data(vol: Volume, type: 'u32' | 'u64'): Uint32Array | BigUint64Array {
  return type === 'u32' ? vol.u32 : vol.u64
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

export async function run(): Promise<void> {
  const started = new Date()
  const log = (s = ''): void => console.log(s)
  let t = now()
  await init()
  const initMs = now() - t

  const volumes: Volume[] = [fib25()]
  // First-call latency: the very first codec calls of the process (Liftoff code, cold caches).
  const first = volumes[0] as Volume
  t = now()
  const firstEncoded = encodeCompressedSegmentation(first.u64, first.shape, BLOCK)
  const firstEncodeMs = now() - t
  t = now()
  decodeCompressedSegmentation(firstEncoded, first.shape, BLOCK, 'uint64')
  const firstDecodeMs = now() - t

  log('generating 256^3 volumes ...')
  t = now()
  volumes.push(voronoi(256, 7, false), voronoi(256, 7, true))
  log(`  ${((now() - t) / 1000).toFixed(1)} s`)

  let ng: NeuroglancerCseg | undefined
  let ngVersion = ''
  let ngProblem = ''
  try {
    const loaded = await loadNeuroglancer()
    ng = loaded.codec
    ngVersion = loaded.version
  } catch (error) {
    ngProblem = `${NEUROGLANCER_PACKAGE} could not be loaded: ${error instanceof Error ? error.message : String(error)}`
    log(ngProblem)
  }

  const rows: Row[] = []
  for (const vol of volumes) {
    for (const type of ['u32', 'u64'] as const) {
      const input = data(vol, type)
      const voxels = input.length
      const big = voxels > 1 << 20
      const dataType = type === 'u32' ? 'uint32' : 'uint64'
      const encoded = encodeCompressedSegmentation(input, vol.shape, BLOCK)
      const decoded = decodeCompressedSegmentation(encoded, vol.shape, BLOCK, dataType)
      if (!sameBytes(bytesOf(decoded), bytesOf(input))) throw new Error(`${vol.name} ${type}: round trip failed`)
      const encMs = best(() => encodeCompressedSegmentation(input, vol.shape, BLOCK), big ? 3 : 20, big ? 9 : 50)
      const decMs = best(() => decodeCompressedSegmentation(encoded, vol.shape, BLOCK, dataType), big ? 3 : 20, big ? 9 : 50)
      const out = type === 'u32' ? new Uint32Array(voxels) : new BigUint64Array(voxels)
      const intoMs = best(() => decodeCompressedSegmentation(encoded, vol.shape, BLOCK, dataType, { out }), big ? 3 : 20, big ? 9 : 50)
      const row: Row = {
        volume: vol.name,
        type,
        bytes: encoded.byteLength,
        ours: { encode: mvox(voxels, encMs), decode: mvox(voxels, decMs), decodeInto: mvox(voxels, intoMs) },
      }
      if (ng) {
        const ngEncoded = ngEncode(ng, vol, type)
        if (!sameBytes(ngEncoded, encoded)) throw new Error(`${vol.name} ${type}: neuroglancer's encoding differs from ours`)
        const ngDecoded = ngDecode(ng, encoded, vol, type)
        if (!sameBytes(bytesOf(ngDecoded), bytesOf(input))) throw new Error(`${vol.name} ${type}: neuroglancer's decode differs`)
        const ngEncMs = best(() => ngEncode(ng, vol, type), big ? 1 : 5, big ? 5 : 15)
        const ngDecMs = best(() => ngDecode(ng, encoded, vol, type), big ? 1 : 5, big ? 5 : 15)
        const ngOut = new Uint32Array(type === 'u32' ? voxels : voxels * 2)
        const ngIntoMs = best(() => ngDecode(ng, encoded, vol, type, ngOut), big ? 1 : 5, big ? 5 : 15)
        row.ng = { encode: mvox(voxels, ngEncMs), decode: mvox(voxels, ngDecMs), decodeInto: mvox(voxels, ngIntoMs) }
      }
      rows.push(row)
      const sha = createHash('sha256').update(encoded).digest('hex').slice(0, 12)
      log(`${vol.name} ${type}: ${encoded.byteLength} B (sha256 ${sha}…) ours ${row.ours.encode.toFixed(0)} / ${row.ours.decode.toFixed(0)} / ${row.ours.decodeInto.toFixed(0)} Mvox/s` +
        (row.ng ? `, neuroglancer ${row.ng.encode.toFixed(1)} / ${row.ng.decode.toFixed(1)} / ${row.ng.decodeInto.toFixed(1)} Mvox/s` : '') + ' (encode / decode / decode into a reused array)')
    }
  }

  // Markdown for tools/bench/RESULTS.md.
  const cpu = cpus()
  log()
  log(`### compressed_segmentation, block 8³ (${started.toISOString().slice(0, 10)}), Mvox/s`)
  log()
  log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
    `Node ${process.versions.node} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}.`)
  log(ng ? `Baseline: ${NEUROGLANCER_PACKAGE}@${ngVersion} TypeScript (encodeChannels / decodeChannels), bundled with esbuild.` : `Baseline: none (${ngProblem}).`)
  log()
  log('| volume | type | cseg bytes | encode ours | encode neuroglancer | encode × | decode ours | decode neuroglancer | decode × | decode into reused array: ours / neuroglancer / × |')
  log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  let pass = true
  const f0 = (x: number): string => x.toFixed(0)
  const f1 = (x: number): string => x.toFixed(1)
  for (const r of rows) {
    const encX = r.ng ? r.ours.encode / r.ng.encode : NaN
    const decX = r.ng ? r.ours.decode / r.ng.decode : NaN
    if (r.ng && (encX < GOAL_ENCODE || decX < GOAL_DECODE)) pass = false
    log(`| ${r.volume} | ${r.type} | ${r.bytes.toLocaleString('en-US')} | ${f0(r.ours.encode)} | ${r.ng ? f1(r.ng.encode) : '–'} | ${r.ng ? f1(encX) : '–'} | ` +
      `${f0(r.ours.decode)} | ${r.ng ? f1(r.ng.decode) : '–'} | ${r.ng ? f1(decX) : '–'} | ` +
      `${f0(r.ours.decodeInto)} / ${r.ng ? f1(r.ng.decodeInto) : '–'} / ${r.ng ? f1(r.ours.decodeInto / r.ng.decodeInto) : '–'} |`)
  }
  log()
  log(`init(): ${initMs.toFixed(1)} ms (compile + instantiate the inlined module). First calls of the process, ` +
    `FIB-25 uint64 64³: encode ${firstEncodeMs.toFixed(2)} ms, decode ${firstDecodeMs.toFixed(2)} ms ` +
    `(steady state: encode ${(262144 / ((rows[1]?.ours.encode ?? 1) * 1000)).toFixed(2)} ms, decode ${(262144 / ((rows[1]?.ours.decode ?? 1) * 1000)).toFixed(2)} ms).`)
  log()
  if (ng) log(`Goals (encode ≥ ${GOAL_ENCODE}×, decode ≥ ${GOAL_DECODE}× neuroglancer): ${pass ? 'met on every row' : 'NOT met on every row'}.`)
}
