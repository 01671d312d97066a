/** `daf auth save-token | show | new-token`. */
import type { Command } from 'commander'
import { inputError } from '../errors.js'
import { readInput } from '../input.js'
import { maskToken } from '../output.js'
import type { Action } from '../program.js'

export function registerAuth(program: Command, action: Action): void {
  const auth = program.command('auth').description('tokens: save one, show which one is used, get a new one')

  auth
    .command('save-token')
    .description('save a token to ~/.cloudvolume/secrets (read from stdin when no argument is given)')
    .argument('[token]', 'the token (32 hexadecimal characters); omit it to read stdin (safer: not in your shell history)')
    .option('--overwrite', 'replace a different token already saved for this server')
    .action(
      action(async (ctx, token: string | undefined, opts: { overwrite?: boolean }) => {
        let value = token
        if (value === undefined || value === '-') {
          if (process.stdin.isTTY) throw inputError('no token: pass it as an argument or pipe it on stdin')
          value = (await readInput('-')).trim()
        }
        if (!value) throw inputError('no token: stdin was empty')
        const client = ctx.auth()
        const result = await client.saveToken(value, { overwrite: opts.overwrite === true })
        const file = result.location.file ?? result.location.storageKey
        ctx.out.result({ serverAddress: client.serverAddress, ...result })
        if (result.written.length === 0) ctx.out.line(`the token was already saved in ${file}`)
        else ctx.out.line(`token saved for ${client.serverAddress} in ${result.written.join(', ')}`)
      }),
    )

  auth
    .command('show')
    .description('which token is used for the server and where it comes from (the token is masked)')
    .action(
      action(async (ctx) => {
        const client = ctx.auth()
        const token = client.requestHeader().Authorization?.replace(/^Bearer\s+/, '')
        const info = client.tokenInfo
        const where = info.file ?? info.storageKey ?? info.variable
        const summary = {
          serverAddress: client.serverAddress,
          hasToken: client.hasToken,
          tokenSource: client.tokenSource,
          tokenLocation: where ?? null,
          tokenFile: client.tokenFile ?? null,
          token: client.hasToken ? maskToken(token) : null,
        }
        ctx.out.result(summary)
        ctx.out.line(`server        ${summary.serverAddress}`)
        ctx.out.line(`token         ${summary.token ?? '(none)'}`)
        ctx.out.line(`source        ${summary.tokenSource}${where ? ` (${where})` : ''}`)
        if (summary.tokenFile) ctx.out.line(`token file    ${summary.tokenFile}`)
        if (!client.hasToken) ctx.out.line('no token found: run `daf auth new-token`, then `daf auth save-token`')
      }),
    )

  auth
    .command('new-token')
    .description('the page that creates a new token (creating one invalidates the previous token)')
    .option('--open', 'open the page in a browser')
    .action(
      action(async (ctx, opts: { open?: boolean }) => {
        const result = await ctx.auth().getNewToken({ open: opts.open === true })
        ctx.out.result({ url: result.url, tokenPageUrl: result.tokenPageUrl })
        ctx.out.line('Tokens are created by hand in a browser:')
        ctx.out.line(`  1. Open ${result.url} and log in.`)
        ctx.out.line('     Creating a new token invalidates your previous one (programs using it must be updated).')
        ctx.out.line(`     To see your existing tokens instead, open ${result.tokenPageUrl}.`)
        ctx.out.line('  2. Copy the 32-character token shown on the page.')
        ctx.out.line('  3. Save it: `daf auth save-token` and paste it (or pipe it: `… | daf auth save-token`).')
      }),
    )
}
