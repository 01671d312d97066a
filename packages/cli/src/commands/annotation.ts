/** `daf annotation tables | get | post | create`. */
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { formatCsv, idsFromArgs, parseTimestamp, parseVec3, readRecords } from '../input.js'
import { createProgress } from '../progress.js'

export function registerAnnotation(program: Command, action: Action): void {
  const annotation = program.command('annotation').description("annotation tables of the datastack's AnnotationEngine")

  annotation
    .command('tables')
    .description('the table names')
    .option('--timestamp <time>', 'tables as of this time (epoch seconds or ISO 8601)')
    .action(
      action(async (ctx, opts: { timestamp?: string }) => {
        const client = ctx.client(ctx.requireDatastack())
        const tables = await client.annotation.getTables({ timestamp: parseTimestamp(opts.timestamp) })
        ctx.out.result(tables)
        for (const t of tables) ctx.out.line(t)
      }),
    )

  annotation
    .command('get')
    .description('annotations by id (printed as CSV; --json for records)')
    .argument('<table>', 'table name')
    .argument('<ids...>', 'annotation ids, or a file of ids (- for stdin)')
    .action(
      action(async (ctx, table: string, args: string[]) => {
        const client = ctx.client(ctx.requireDatastack())
        const ids = await idsFromArgs(args, 'annotation id')
        const rows = await client.annotation.getAnnotation(table, ids)
        ctx.out.result(rows)
        if (!ctx.out.json) {
          const columns: string[] = []
          for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k)
          process.stdout.write(formatCsv(columns, rows as Record<string, unknown>[]))
        }
      }),
    )

  annotation
    .command('post')
    .description('validate and upload annotations from a .json or .csv file (in batches, with progress)')
    .argument('<table>', 'table name')
    .argument('<file>', '.json (array of rows) or .csv (pt_position_x/_y/_z columns are joined), - for stdin')
    .option('--resolution <x,y,z>', 'nm per voxel of the positions in the file (default: sent as given)')
    .option('--batch-size <n>', 'rows per request (at most 10000)', (v) => Number(v))
    .action(
      action(async (ctx, table: string, file: string, opts: { resolution?: string; batchSize?: number }) => {
        const client = ctx.client(ctx.requireDatastack())
        const rows = await readRecords(file)
        const progress = createProgress(`uploading ${table}`, { quiet: ctx.out.quiet, unit: 'rows' })
        let ids: BigUint64Array
        try {
          ids = await client.annotation.uploadStagedAnnotations(table, rows, {
            annotationResolution: opts.resolution ? parseVec3(opts.resolution, '--resolution', { positive: true }) : undefined,
            batchSize: opts.batchSize,
            onProgress: (p) => progress.update(p.rows, p.totalRows),
          })
        } finally {
          progress.finish()
        }
        ctx.out.result({ table, ids })
        ctx.out.note(`posted ${ids.length} annotation${ids.length === 1 ? '' : 's'} to ${table}`)
        for (const id of ids) ctx.out.line(id.toString())
      }),
    )

  annotation
    .command('create')
    .description('create an annotation table')
    .argument('<table>', 'new table name (lower case, digits, _)')
    .argument('<schema>', 'schema type, e.g. bound_tag')
    .requiredOption('--description <text>', 'what the table holds')
    .option('--resolution <x,y,z>', 'voxel resolution of the table in nm', '1,1,1')
    .option('--read-permission <p>', 'PRIVATE, GROUP or PUBLIC', 'PUBLIC')
    .option('--write-permission <p>', 'PRIVATE, GROUP or PUBLIC', 'PRIVATE')
    .action(
      action(async (ctx, table: string, schema: string, opts: { description: string; resolution: string; readPermission: string; writePermission: string }) => {
        const client = ctx.client(ctx.requireDatastack())
        const answer = await client.annotation.createTable(table, schema, {
          description: opts.description,
          voxelResolution: parseVec3(opts.resolution, '--resolution', { positive: true }),
          readPermission: opts.readPermission as 'PUBLIC',
          writePermission: opts.writePermission as 'PRIVATE',
        })
        ctx.out.result({ table, schema, answer })
        ctx.out.line(`created table ${table} (${schema})`)
      }),
    )
}
