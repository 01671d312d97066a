/** `daf state get | put`. */
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { parseJsonInput, readInput } from '../input.js'
import { stringifyJson } from '@daf/services'

export function registerState(program: Command, action: Action): void {
  const state = program.command('state').description('neuroglancer states (NeuroglancerJsonServer)')

  state
    .command('get')
    .description('a state by id or URL (printed as JSON; integers above 2^53 kept exact)')
    .argument('<id-or-url>', 'state id, or a state URL')
    .option('--out <file>', 'write the state to a file instead of stdout')
    .action(
      action(async (ctx, idOrUrl: string, opts: { out?: string }) => {
        const value = await ctx.client().state.getStateJson(/^\d+$/.test(idOrUrl) ? BigInt(idOrUrl) : idOrUrl)
        const text = `${stringifyJson(value, 2)}\n`
        if (opts.out) {
          const { writeFile } = await import('node:fs/promises')
          await writeFile(opts.out, text)
          ctx.out.result({ out: opts.out })
          ctx.out.note(`state written to ${opts.out}`)
        } else {
          process.stdout.write(text)
        }
      }),
    )

  state
    .command('put')
    .description('upload a state from a JSON file (- for stdin); prints its id, its URL and, with --link, a viewer link')
    .argument('<file>', 'a neuroglancer state (.json)')
    .option('--link', 'also print a viewer link (asks the viewer for its version.json)')
    .option('--ngl-url <url>', 'viewer for the link (default: the datastack\'s viewer); implies --link')
    .option('--target-site <site>', 'seunglab or spelunker: the link style, without asking the viewer; implies --link')
    .action(
      action(async (ctx, file: string, opts: { link?: boolean; nglUrl?: string; targetSite?: string }) => {
        const text = await readInput(file)
        parseJsonInput(text, file)
        const client = ctx.client()
        const id = await client.state.uploadStateJson(text)
        const stateUrl = `${client.serverAddress}/nglstate/api/v1/${id}`
        let link: string | undefined
        if (opts.link || opts.nglUrl !== undefined || opts.targetSite !== undefined) {
          link = await client.state.buildNeuroglancerUrl(id, { nglUrl: opts.nglUrl, targetSite: opts.targetSite as 'spelunker' | undefined })
        }
        ctx.out.result({ id, url: stateUrl, link: link ?? null })
        ctx.out.line(id.toString())
        ctx.out.line(stateUrl)
        if (link) ctx.out.line(link)
      }),
    )
}
