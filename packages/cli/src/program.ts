/**
 * The `daf` program: global options, subcommands, and `runCli`, which maps every outcome to an
 * exit code (0 ok, 1 usage, 2 server/network, 3 bad input) and prints errors in one line.
 */
import { Command, CommanderError, Option } from 'commander'
import { CliContext, type GlobalOptions } from './context.js'
import { EXIT_OK, EXIT_USAGE, exitCodeOf, oneLine } from './errors.js'
import { createOutput, type Streams } from './output.js'
import { registerAuth } from './commands/auth.js'
import { registerInfo } from './commands/info.js'
import { registerAnnotation } from './commands/annotation.js'
import { registerRoots } from './commands/roots.js'
import { registerState } from './commands/state.js'
import { registerVolume } from './commands/volume.js'
import { registerLookup } from './commands/lookup.js'
import { registerCirrus } from './commands/cirrus.js'
import { VERSION } from './version.js'

/** Wraps a command body: builds the context from the global options, records it for error reports. */
export type Action = <A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<void>) => (...args: unknown[]) => Promise<void>

export interface CreateProgramOptions {
  streams?: Streams
  /** Receives the context of the running command (for redaction and --debug in error reports). */
  onContext?: (ctx: CliContext) => void
}

export function createProgram(options: CreateProgramOptions = {}): Command {
  const streams = options.streams ?? process
  const program = new Command('daf')
  program
    .description('The DAF / CAVE command line: tokens, datastack info, schemas, annotations, roots, lookups, cutouts, states, volumes.')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--server <url>', 'global server address (default: $DAF_SERVER, the datastack map, or https://global.daf-apis.com)'))
    .addOption(new Option('--datastack <name>', 'datastack (default: $DAF_DATASTACK)'))
    .addOption(new Option('--token <token>', 'use this token (default: $CAVE_TOKEN or ~/.cloudvolume/secrets)'))
    .option('--json', 'print results as JSON (ids as strings)')
    .option('-q, --quiet', 'no progress bars, notes or warnings')
    .option('--debug', 'stack traces and HTTP retries on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `daf: ${s}` : s),
    })

  const action: Action = (fn) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command
      const globals = command.optsWithGlobals<GlobalOptions>()
      const ctx = new CliContext(globals, createOutput(globals, streams))
      options.onContext?.(ctx)
      // commander passes (...arguments, options, command); commands without options get {}.
      await (fn as (ctx: CliContext, ...a: unknown[]) => Promise<void>)(ctx, ...args.slice(0, -1))
    }

  registerAuth(program, action)
  registerInfo(program, action)
  registerAnnotation(program, action)
  registerRoots(program, action)
  registerLookup(program, action)
  registerVolume(program, action)
  registerState(program, action)
  registerCirrus(program, action)
  return program
}

/** Runs `daf` with `argv` (without node and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[] = process.argv.slice(2), streams: Streams = process): Promise<number> {
  let ctx: CliContext | undefined
  const program = createProgram({ streams, onContext: (c) => (ctx = c) })
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return EXIT_OK
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage errors were printed by commander.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE
    }
    const debug = ctx?.options.debug ?? argv.includes('--debug')
    const redact = (text: string): string => (ctx ? ctx.redact(text) : text)
    streams.stderr.write(`daf: error: ${redact(oneLine(error))}\n`)
    if (debug && error instanceof Error && error.stack) streams.stderr.write(`${redact(error.stack)}\n`)
    return await exitCodeOf(error)
  }
}
