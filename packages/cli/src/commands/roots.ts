/** `daf roots <ids…|file> [--timestamp]`. */
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { idsFromArgs, parseTimestamp } from '../input.js'
import { createProgress } from '../progress.js'

export function registerRoots(program: Command, action: Action): void {
  program
    .command('roots')
    .description('root ids of supervoxels (prints "supervoxel root" per line; ids are exact)')
    .argument('<ids...>', 'supervoxel ids, or files of ids (whitespace/comma separated, or a CSV with a supervoxel_id column; - for stdin)')
    .option('--timestamp <time>', 'roots as of this time (epoch seconds or ISO 8601; default now)')
    .option('--stop-layer <n>', 'stop at this layer (2 = level-2 ids)', (v) => Number(v))
    .action(
      action(async (ctx, args: string[], opts: { timestamp?: string; stopLayer?: number }) => {
        const ids = await idsFromArgs(args, 'supervoxel id')
        const client = ctx.client(ctx.requireDatastack())
        const progress = createProgress('roots', { quiet: ctx.out.quiet, unit: 'ids' })
        let roots: BigUint64Array
        try {
          roots = await client.chunkedgraph.getRoots(ids, {
            timestamp: parseTimestamp(opts.timestamp),
            stopLayer: opts.stopLayer,
            onProgress: (p) => progress.update(p.done, p.total),
          })
        } finally {
          progress.finish()
        }
        ctx.out.result(ids.map((id, i) => ({ supervoxel_id: id, root_id: roots[i]! })))
        for (let i = 0; i < ids.length; i++) ctx.out.line(`${ids[i]} ${roots[i]}`)
      }),
    )
}
