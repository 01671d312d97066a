import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process'
import { throwIfAborted } from '../abort.js'
import { OpenUrlError } from '../errors.js'

/** The part of a child process `openWithSystem` uses. */
export interface SpawnedProcess {
  once(event: 'spawn', listener: () => void): unknown
  once(event: 'error', listener: (error: Error) => void): unknown
  unref(): void
}

export type Spawn = (command: string, args: readonly string[], options: SpawnOptions) => SpawnedProcess

export interface OpenerCommand {
  readonly command: string
  readonly args: readonly string[]
  readonly windowsVerbatimArguments: boolean
}

/**
 * The command that opens `url` in the user's browser: `open` (macOS), `cmd /c start` (Windows),
 * `xdg-open` (everything else). Only http(s) URLs are accepted. The URL is always one argument;
 * on Windows, where `cmd` parses the line, its metacharacters are escaped and `%` is refused
 * (cmd would expand it as a variable).
 */
export function openerCommand(url: string, platform: NodeJS.Platform = process.platform): OpenerCommand {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new OpenUrlError(url, undefined, 'not an absolute URL')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OpenUrlError(url, undefined, 'only http(s) URLs are opened')
  }
  const href = parsed.href
  if (platform === 'darwin') return { command: 'open', args: [href], windowsVerbatimArguments: false }
  if (platform === 'win32') {
    if (href.includes('%')) throw new OpenUrlError(url, 'start', 'URLs containing % are not passed to cmd; open it by hand')
    const escaped = href.replace(/[\^&|<>()"]/g, '^$&')
    return { command: 'cmd.exe', args: ['/d', '/s', '/c', 'start', '""', escaped], windowsVerbatimArguments: true }
  }
  return { command: 'xdg-open', args: [href], windowsVerbatimArguments: false }
}

export interface OpenWithSystemOptions {
  readonly signal?: AbortSignal | undefined
  /** Replaces `child_process.spawn` (tests). */
  readonly spawn?: Spawn | undefined
  readonly platform?: NodeJS.Platform | undefined
}

/**
 * Opens `url` with the system opener and resolves once the opener has started (it is not waited
 * for). Rejects with `OpenUrlError` when the opener cannot be started (e.g. no `xdg-open`).
 */
export async function openWithSystem(url: string, options: OpenWithSystemOptions = {}): Promise<void> {
  throwIfAborted(options.signal)
  const { command, args, windowsVerbatimArguments } = openerCommand(url, options.platform)
  const spawn = options.spawn ?? (nodeSpawn as unknown as Spawn)
  await new Promise<void>((resolve, reject) => {
    let child: SpawnedProcess
    try {
      child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments })
    } catch (error) {
      reject(new OpenUrlError(url, command, errorCode(error), { cause: error }))
      return
    }
    child.once('error', (error) => reject(new OpenUrlError(url, command, errorCode(error), { cause: error })))
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return code ?? (error instanceof Error ? error.message : 'failed')
}
