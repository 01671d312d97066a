/** `daf cirrus write` (refused without provenance) and `daf cirrus provenance`. */
import type { Command } from 'commander'
import type { CodeEnv } from '@daf/cirrus'
import type { DataType, VolumeArray, WriteData } from '@daf/volume'
import type { Action } from '../program.js'
import { inputError } from '../errors.js'
import { parseBounds, parseJsonInput, readBytes, readInput } from '../input.js'
import { decodeNpy } from '../npy.js'
import { createProgress } from '../progress.js'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

interface WriteOptions {
  data?: string
  fill?: string
  source: string[]
  motivation?: string
  task?: string
  params?: string
  git?: string | boolean
  nodePackages?: string | boolean
  mip?: number
}

type VolumeModule = typeof import('@daf/volume')

function toArray({ bytesPerElement, viewAs }: VolumeModule, bytes: Uint8Array, dataType: DataType, what: string): VolumeArray {
  if (bytes.byteLength % bytesPerElement(dataType) !== 0) throw inputError(`${what}: ${bytes.byteLength} bytes is not a whole number of ${dataType} values`)
  return viewAs(dataType, bytes)
}

async function parameters(text: string | undefined): Promise<object> {
  if (text === undefined) return {}
  const source = text.startsWith('@') ? text.slice(1) : undefined
  const value = parseJsonInput(source ? await readInput(source) : text, source ?? '--params')
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw inputError('--params must be a JSON object, e.g. {"threshold": 0.5}')
  return value
}

export function registerCirrus(program: Command, action: Action): void {
  const cirrus = program.command('cirrus').description('CirrusVolume: writes that record where the data came from, why and how')

  cirrus
    .command('write')
    .description('write data to a layer; refused (exit 3) unless --source, --motivation and --task are given')
    .argument('<layer>', 'a writable cloudpath (file://…, gs://…, s3://…)')
    .argument('<bounds>', 'x0:x1,y0:y1,z0:z1 in voxels of the mip (end exclusive)')
    .option('--data <file>', '.npy (any order) or .raw (little-endian, x fastest) with the layer\'s data type')
    .option('--fill <value>', 'write this value everywhere in the box instead of a file')
    .option('--source <path>', 'where the data came from (repeat for several)', collect, [])
    .option('--motivation <text>', 'why this data is written')
    .option('--task <text>', 'the processing task (the Process description)')
    .option('--params <json>', 'the task\'s parameters: a JSON object, or @file.json', undefined)
    .option('--git [dir]', 'record the git repository (commit and diff) as a code environment')
    .option('--node-packages [dir]', 'record package.json and the lockfile as a code environment')
    .option('--mip <n>', 'mip level (default 0)', (v) => Number(v))
    .action(
      action(async (ctx, layer: string, boundsText: string, opts: WriteOptions) => {
        const bounds = parseBounds(boundsText)
        if ((opts.data === undefined) === (opts.fill === undefined)) throw inputError('give the data with --data <file> or --fill <value> (one of them)')
        const { CirrusVolume, GitRepoEnv, NodePackagesEnv, Process } = await import('@daf/cirrus')
        const envs: CodeEnv[] = []
        if (opts.git !== undefined) envs.push(await GitRepoEnv.capture(typeof opts.git === 'string' ? opts.git : '.'))
        if (opts.nodePackages !== undefined) envs.push(await NodePackagesEnv.capture(typeof opts.nodePackages === 'string' ? opts.nodePackages : undefined))
        const process_ = opts.task !== undefined ? new Process(opts.task, await parameters(opts.params), envs) : undefined
        const vol = await CirrusVolume.open(layer, {
          mip: opts.mip ?? 0,
          sources: opts.source.length > 0 ? opts.source : undefined,
          motivation: opts.motivation,
          process: process_,
        })
        // The rules are checked before any data is read from disk; the write checks them again.
        vol.checkWritingRules()
        const dataType = vol.dataType
        let data: WriteData
        if (opts.fill !== undefined) {
          const v = opts.fill.trim()
          if (!/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) throw inputError(`--fill must be a number, got ${JSON.stringify(opts.fill)}`)
          data = dataType === 'uint64' || dataType === 'int64' ? BigInt(v) : Number(v)
        } else if (/\.npy$/i.test(opts.data!)) {
          const npy = decodeNpy(await readBytes(opts.data!), opts.data)
          if (npy.dataType !== dataType) throw inputError(`${opts.data} holds ${npy.dataType}, the layer is ${dataType}`)
          data = { data: toArray(await import('@daf/volume'), npy.bytes, dataType, opts.data!), shape: npy.shape }
        } else {
          const shape = [...bounds.map(([a, b]) => b - a), vol.numChannels]
          data = { data: toArray(await import('@daf/volume'), await readBytes(opts.data!), dataType, opts.data!), shape }
        }
        const progress = createProgress(`writing ${layer}`, { quiet: ctx.out.quiet, unit: 'chunks' })
        try {
          await vol.write(bounds, data, { onProgress: (e) => progress.update(e.done, e.total) })
        } finally {
          progress.finish()
        }
        ctx.out.result({ cloudpath: vol.cloudpath, bounds, provenance: vol.provenance })
        ctx.out.line(`wrote ${bounds.map(([a, b]) => `${a}:${b}`).join(',')} to ${vol.cloudpath}; provenance recorded (${vol.provenance.processing.length} processing entr${vol.provenance.processing.length === 1 ? 'y' : 'ies'}, ${vol.provenance.sources.length} source${vol.provenance.sources.length === 1 ? '' : 's'})`)
      }),
    )

  cirrus
    .command('provenance')
    .description('a layer\'s provenance file (sources, motivations, processing)')
    .argument('<layer>', 'a cloudpath')
    .action(
      action(async (ctx, layer: string) => {
        const { CirrusVolume } = await import('@daf/cirrus')
        const vol = await CirrusVolume.open(layer)
        const provenance = await vol.refreshProvenance()
        ctx.out.result(provenance)
        ctx.out.line(JSON.stringify(provenance, null, 2))
      }),
    )
}
