/** `daf lookup <points.csv> [--out file.csv|.arrow]`: supervoxel and root ids at points. */
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { inputError } from '../errors.js'
import { csvValue, formatCsv, parseCsv, parseTimestamp, parseVec3, readInput } from '../input.js'
import { createProgress } from '../progress.js'

/** The three coordinate columns: `--point-column pt_position` → pt_position_x/_y/_z; else x,y,z; else the first `*_x` triple. */
export function pointColumns(columns: readonly string[], name?: string): [string, string, string] {
  const triple = (base: string): [string, string, string] => [`${base}_x`, `${base}_y`, `${base}_z`]
  if (name !== undefined) {
    const t = triple(name)
    if (t.every((c) => columns.includes(c))) return t
    throw inputError(`--point-column ${name}: the CSV needs columns ${t.join(', ')}`)
  }
  if (['x', 'y', 'z'].every((c) => columns.includes(c))) return ['x', 'y', 'z']
  for (const c of columns) {
    const m = /^(.+)_x$/.exec(c)
    if (m && columns.includes(`${m[1]}_y`) && columns.includes(`${m[1]}_z`)) return triple(m[1]!)
  }
  throw inputError(`the CSV needs x,y,z columns (or <name>_x,<name>_y,<name>_z, e.g. pt_position_x); it has ${columns.join(', ')}`)
}

export function registerLookup(program: Command, action: Action): void {
  program
    .command('lookup')
    .description('supervoxel and root ids at the points of a CSV (adds supervoxel_id and root_id columns)')
    .argument('<points.csv>', 'CSV with x,y,z (or pt_position_x,… ) columns, - for stdin')
    .option('--out <file>', 'write .csv or .arrow (Arrow IPC file) instead of printing CSV')
    .option('--point-column <name>', 'use <name>_x, <name>_y, <name>_z')
    .option('--resolution <x,y,z>', 'nm per unit of the points (default: the datastack\'s viewer resolution)')
    .option('--timestamp <time>', 'roots as of this time (epoch seconds or ISO 8601; default now)')
    .option('--mip <n>', 'segmentation mip to read (default 0)', (v) => Number(v))
    .action(
      action(async (ctx, file: string, opts: { out?: string; pointColumn?: string; resolution?: string; timestamp?: string; mip?: number }) => {
        const format = opts.out === undefined ? 'stdout' : /\.(csv|arrow)$/i.exec(opts.out)?.[1]?.toLowerCase()
        if (!format) throw inputError(`--out must end in .csv or .arrow, got ${JSON.stringify(opts.out)}`)
        const table = parseCsv(await readInput(file), file)
        const [cx, cy, cz] = pointColumns(table.columns, opts.pointColumn)
        const points = table.rows.map((row, i) =>
          [cx, cy, cz].map((c) => {
            const v = Number(row[c])
            if (row[c]?.trim() === '' || !Number.isFinite(v)) throw inputError(`${file} row ${i + 1}: ${c} is not a number (${JSON.stringify(row[c])})`)
            return v
          }),
        )
        const client = ctx.client(ctx.requireDatastack())
        const { makeLookupClient } = await import('@daf/lookup')
        const lookup = makeLookupClient(client, {
          voxelResolution: opts.resolution ? parseVec3(opts.resolution, '--resolution', { positive: true }) : undefined,
        })
        const progress = createProgress('lookup', { quiet: ctx.out.quiet, unit: 'steps' })
        let result
        try {
          result = await lookup.lookupPoints(points, {
            timestamp: parseTimestamp(opts.timestamp),
            mip: opts.mip,
            onProgress: (p) => progress.update(p.done, p.total),
            onOutOfBounds: () => {}, // reported below, with row numbers
          })
        } finally {
          progress.finish()
        }
        if (result.outOfBounds.length > 0) ctx.out.warn(`${result.outOfBounds.length} point(s) outside the segmentation (ids 0; data rows counted from 1): rows ${[...result.outOfBounds.slice(0, 10)].map((i) => i + 1).join(', ')}${result.outOfBounds.length > 10 ? ', …' : ''}`)
        const columns = [...table.columns.filter((c) => c !== 'supervoxel_id' && c !== 'root_id'), 'supervoxel_id', 'root_id']
        const rows = table.rows.map((row, i) => ({ ...row, supervoxel_id: result.supervoxelIds[i]!, root_id: result.rootIds[i]! }))
        const summary = { points: points.length, outOfBounds: result.outOfBounds.length, timestamp: result.timestamp ?? null, stats: result.stats }
        if (format === 'stdout') {
          if (ctx.out.json) ctx.out.result(rows)
          else process.stdout.write(formatCsv(columns, rows))
          return
        }
        if (format === 'csv') {
          await writeFile(opts.out!, formatCsv(columns, rows))
        } else {
          const { tableFromArrays, tableToIPC } = await import('apache-arrow')
          const arrays: Record<string, unknown> = {}
          for (const c of table.columns) {
            if (c === 'supervoxel_id' || c === 'root_id') continue
            const values = table.rows.map((r) => csvValue(r[c] ?? ''))
            arrays[c] = values.every((v) => typeof v === 'number') ? Float64Array.from(values as number[]) : values.map((v) => (v === null ? null : String(v)))
          }
          arrays.supervoxel_id = result.supervoxelIds
          arrays.root_id = result.rootIds
          await writeFile(opts.out!, tableToIPC(tableFromArrays(arrays as Parameters<typeof tableFromArrays>[0]), 'file'))
        }
        ctx.out.result({ out: opts.out, ...summary })
        ctx.out.line(`wrote ${opts.out}: ${points.length} points, ${result.outOfBounds.length} outside the segmentation`)
      }),
    )
}
