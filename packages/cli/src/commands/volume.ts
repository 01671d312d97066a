/** `daf cutout`, `daf volume info | create`. */
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { Cutout, DataType, VolumeArray } from '@daf/volume'
import type { Action } from '../program.js'
import type { CliContext } from '../context.js'
import { inputError } from '../errors.js'
import { parseBounds, parseTimestamp, parseVec3 } from '../input.js'
import { openLayer } from '../layers.js'
import { encodeNpy } from '../npy.js'
import { formatColumns } from '../output.js'
import { createProgress } from '../progress.js'

const DATA_TYPES: readonly DataType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float32', 'float64']

interface CutoutOptions {
  out: string
  mip?: number
  agglomerate?: boolean
  timestamp?: string
  z?: number
  overlay?: string | boolean
  fillMissing?: boolean
}

const intOption = (name: string) => (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n)) throw inputError(`${name} must be an integer, got ${JSON.stringify(v)}`)
  return n
}

async function readCutout(ctx: CliContext, layer: string, boundsText: string, o: { mip?: number; agglomerate?: boolean; timestamp?: string; fillMissing?: boolean }, label: string): Promise<Cutout> {
  const bounds = parseBounds(boundsText)
  const vol = await openLayer(ctx, layer, { mip: o.mip ?? 0, fillMissing: o.fillMissing === true })
  const progress = createProgress(label, { quiet: ctx.out.quiet, unit: 'chunks' })
  try {
    const readOptions = {
      onProgress: (e: { done: number; total: number }) => progress.update(e.done, e.total),
      ...(o.agglomerate ? { agglomerate: true } : {}),
      ...(o.timestamp !== undefined ? { timestamp: parseTimestamp(o.timestamp) } : {}),
    }
    return await vol.read(bounds, readOptions)
  } finally {
    progress.finish()
  }
}

export function registerVolume(program: Command, action: Action): void {
  program
    .command('cutout')
    .description('read a box of a layer and write it as .npy (Fortran order, shape x,y,z,c), .raw (little-endian bytes) or .png (one z slice)')
    .argument('<layer>', 'image, segmentation (the datastack\'s sources) or a cloudpath')
    .argument('<bounds>', 'x0:x1,y0:y1,z0:z1 in voxels of the mip (end exclusive)')
    .requiredOption('--out <file>', 'output file: .npy, .raw or .png')
    .option('--mip <n>', 'mip level (default 0)', intOption('--mip'))
    .option('--agglomerate', 'graphene: root ids instead of supervoxels')
    .option('--timestamp <time>', 'graphene: roots as of this time')
    .option('--z <n>', '.png: the z slice (absolute voxel; default the middle)', intOption('--z'))
    .option('--overlay [layer]', '.png: colour this segmentation over the image (default: the datastack\'s segmentation, agglomerated)')
    .option('--fill-missing', 'missing chunks read as background')
    .action(
      action(async (ctx, layer: string, boundsText: string, opts: CutoutOptions) => {
        const format = /\.(npy|raw|png)$/i.exec(opts.out)?.[1]?.toLowerCase()
        if (!format) throw inputError(`--out must end in .npy, .raw or .png, got ${JSON.stringify(opts.out)}`)
        if (opts.overlay !== undefined && format !== 'png') throw inputError('--overlay needs --out <file>.png')
        const cut = await readCutout(ctx, layer, boundsText, opts, `cutout ${layer}`)
        const { overlayPng } = await import('@daf/lookup')
        let bytes: Uint8Array
        let overlaid: Cutout | undefined
        if (format === 'npy') bytes = encodeNpy(cut.data as VolumeArray, cut.shape, cut.dataType)
        else if (format === 'raw') bytes = new Uint8Array(cut.data.buffer, cut.data.byteOffset, cut.data.byteLength)
        else {
          const isLabels = cut.dataType === 'uint64' || cut.dataType === 'uint32'
          if (opts.overlay !== undefined) {
            const segLayer = typeof opts.overlay === 'string' ? opts.overlay : 'segmentation'
            overlaid = await readCutout(ctx, segLayer, boundsText, { mip: opts.mip, agglomerate: typeof opts.overlay !== 'string' || opts.agglomerate, timestamp: opts.timestamp, fillMissing: opts.fillMissing }, `cutout ${segLayer}`)
            if (overlaid.resolution.some((r, d) => r !== cut.resolution[d])) {
              throw inputError(`the overlay has ${overlaid.resolution.join('x')} nm voxels at this mip, the image ${cut.resolution.join('x')} nm: pick a --mip where they match`)
            }
          }
          const single = (c: Cutout): { data: ArrayLike<number | bigint>; shape: number[]; bounds: number[][] } => {
            if (c.shape[3] !== 1) throw inputError(`.png needs one channel, the layer has ${c.shape[3]}`)
            return { data: c.data as ArrayLike<number | bigint>, shape: c.shape.slice(0, 3), bounds: c.bounds.map((r) => [...r]) }
          }
          const toLabels = (c: Cutout) => ({ ...single(c), data: c.data instanceof BigUint64Array ? c.data : BigUint64Array.from(c.data as Uint32Array, (v) => BigInt(v)) })
          bytes = overlaid
            ? overlayPng({ image: single(cut), segmentation: toLabels(overlaid) }, { z: opts.z })
            : isLabels
              ? overlayPng({ segmentation: toLabels(cut) }, { z: opts.z })
              : overlayPng({ image: single(cut) }, { z: opts.z })
        }
        await writeFile(opts.out, bytes)
        const summary = {
          out: opts.out,
          format,
          shape: cut.shape,
          dataType: cut.dataType,
          bounds: cut.bounds,
          mip: cut.mip,
          resolution: cut.resolution,
          bytes: bytes.byteLength,
        }
        ctx.out.result(summary)
        ctx.out.line(`wrote ${opts.out}: ${cut.shape.join('x')} ${cut.dataType} at mip ${cut.mip} (${cut.resolution.join('x')} nm), ${bytes.byteLength} bytes`)
      }),
    )

  const volume = program.command('volume').description('precomputed volumes: info, create')

  volume
    .command('info')
    .description('a layer\'s info: type, data type, scales')
    .argument('<layer>', 'image, segmentation or a cloudpath')
    .action(
      action(async (ctx, layer: string) => {
        const vol = await openLayer(ctx, layer)
        ctx.out.result({ cloudpath: vol.cloudpath, info: vol.info, provenance: vol.provenance })
        ctx.out.line(`${vol.cloudpath}`)
        ctx.out.line(`${vol.layerType} ${vol.dataType}, ${vol.numChannels} channel${vol.numChannels === 1 ? '' : 's'}`)
        const rows = [['mip', 'key', 'resolution', 'size', 'offset', 'chunk', 'encoding', 'sharded']]
        vol.scales.forEach((_, mip) => {
          rows.push([String(mip), vol.key(mip), vol.resolution(mip).join('x'), vol.volumeSize(mip).join('x'), vol.voxelOffset(mip).join(','), vol.chunkSize(mip).join('x'), vol.encoding(mip), vol.isSharded(mip) ? 'yes' : 'no'])
        })
        for (const line of formatColumns(rows)) ctx.out.line(line)
      }),
    )

  volume
    .command('create')
    .description('write a new layer\'s info (CloudVolume.createNewInfo + commitInfo)')
    .argument('<cloudpath>', 'where, e.g. file:///tmp/layer or gs://bucket/layer')
    .requiredOption('--size <x,y,z>', 'volume size in voxels at mip 0')
    .requiredOption('--resolution <x,y,z>', 'nm per voxel at mip 0')
    .option('--type <type>', 'image or segmentation', 'image')
    .option('--dtype <type>', `data type: ${DATA_TYPES.join(', ')}`, 'uint8')
    .option('--encoding <encoding>', 'raw, compressed_segmentation, jpeg, png, …', 'raw')
    .option('--offset <x,y,z>', 'voxel offset', '0,0,0')
    .option('--chunk <x,y,z>', 'chunk size', '64,64,64')
    .option('--channels <n>', 'number of channels', intOption('--channels'), 1)
    .option('--max-mip <n>', 'also add mips 1..n (factor 2,2,1)', intOption('--max-mip'), 0)
    .option('--overwrite', 'replace an existing info')
    .action(
      action(async (ctx, cloudpath: string, opts: { size: string; resolution: string; type: string; dtype: string; encoding: string; offset: string; chunk: string; channels: number; maxMip: number; overwrite?: boolean }) => {
        const { CloudVolume } = await import('@daf/volume')
        if (!(DATA_TYPES as string[]).includes(opts.dtype)) throw inputError(`--dtype must be one of ${DATA_TYPES.join(', ')}, got ${opts.dtype}`)
        const info = CloudVolume.createNewInfo({
          numChannels: opts.channels,
          layerType: opts.type,
          dataType: opts.dtype as DataType,
          encoding: opts.encoding,
          resolution: parseVec3(opts.resolution, '--resolution', { positive: true }),
          voxelOffset: parseVec3(opts.offset, '--offset', { integer: true }),
          volumeSize: parseVec3(opts.size, '--size', { positive: true, integer: true }),
          chunkSize: parseVec3(opts.chunk, '--chunk', { positive: true, integer: true }),
          maxMip: opts.maxMip,
        })
        const vol = await CloudVolume.open(cloudpath, { info, provenance: { description: '', owners: [], processing: [], sources: [] } })
        if (!opts.overwrite && (await vol.storage.exists('info'))) throw inputError(`${cloudpath} already has an info (use --overwrite to replace it)`)
        await vol.commitInfo()
        ctx.out.result({ cloudpath: vol.cloudpath, info: vol.info })
        ctx.out.line(`created ${vol.cloudpath}: ${vol.layerType} ${vol.dataType}, ${vol.scales.length} mip${vol.scales.length === 1 ? '' : 's'}, ${vol.volumeSize(0).join('x')} voxels at ${vol.resolution(0).join('x')} nm`)
      }),
    )
}
