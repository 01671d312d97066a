/** `daf info [datastack]` and `daf schema list | show`. */
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { formatColumns } from '../output.js'

type FormatFor = 'raw' | 'cloudvolume' | 'neuroglancer' | 'cave_explorer'

export function registerInfo(program: Command, action: Action): void {
  program
    .command('info')
    .description('a datastack\'s info record (without a datastack: the datastacks of the server)')
    .argument('[datastack]', 'datastack name (default: --datastack)')
    .option('--format-for <target>', 'format the sources for raw, cloudvolume, neuroglancer or cave_explorer', 'raw')
    .action(
      action(async (ctx, name: string | undefined, opts: { formatFor: FormatFor }) => {
        const datastack = name ?? ctx.datastack
        if (!datastack) {
          const names = await ctx.client(undefined).info.getDatastacks()
          ctx.out.result(names)
          for (const n of names) ctx.out.line(n)
          return
        }
        const info = ctx.client(datastack).info
        const record = await info.getDatastackInfo({ datastack })
        const formatFor = opts.formatFor
        const sources = {
          image: await info.imageSource({ formatFor, datastack }),
          segmentation: await info.segmentationSource({ formatFor, datastack }),
          synapseSegmentation: await info.synapseSegmentationSource({ formatFor, datastack }),
        }
        ctx.out.result({ datastack, ...record, sources })
        const rows: string[][] = [
          ['datastack', datastack],
          ['description', String(record.description ?? '')],
          ['aligned volume', String(record.aligned_volume?.name ?? '')],
          ['local server', record.local_server],
          ['viewer', record.viewer_site],
          ['viewer resolution', [record.viewer_resolution_x, record.viewer_resolution_y, record.viewer_resolution_z].join(' x ') + ' nm'],
          ['image source', sources.image ?? '-'],
          ['segmentation source', sources.segmentation ?? '-'],
          ['synapse table', record.synapse_table ?? '-'],
          ['soma table', record.soma_table ?? '-'],
        ]
        for (const line of formatColumns(rows)) ctx.out.line(line)
      }),
    )

  const schema = program.command('schema').description('annotation schemas (EMAnnotationSchemas)')
  schema
    .command('list')
    .description('the schema names')
    .action(
      action(async (ctx) => {
        const names = await ctx.client(undefined).schema.getSchemas()
        ctx.out.result(names)
        for (const n of names) ctx.out.line(n)
      }),
    )
  schema
    .command('show')
    .description('a schema\'s JSON Schema definition')
    .argument('<schema>', 'schema name, e.g. bound_tag')
    .action(
      action(async (ctx, name: string) => {
        const definition = await ctx.client(undefined).schema.schemaDefinition(name)
        ctx.out.result(definition)
        ctx.out.line(JSON.stringify(definition, null, 2))
      }),
    )
}
