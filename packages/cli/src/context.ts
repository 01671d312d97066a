/**
 * What every command gets: the global options, the output, and lazily built clients. The token is
 * read by `@daf/auth` (`--token`, else `CAVE_TOKEN`, else `~/.cloudvolume/secrets/`), never printed.
 */
import { AuthClient, DEFAULT_SERVER_ADDRESS } from '@daf/auth'
import { FrameworkClient, type Logger } from '@daf/services'
import { usageError } from './errors.js'
import type { Output } from './output.js'

export interface GlobalOptions {
  server?: string
  datastack?: string
  token?: string
  json?: boolean
  quiet?: boolean
  debug?: boolean
}

/** Environment variables read when the options are absent. */
export const SERVER_ENV = 'DAF_SERVER'
export const DATASTACK_ENV = 'DAF_DATASTACK'

export class CliContext {
  readonly options: GlobalOptions
  readonly out: Output
  readonly logger: Logger
  #auth: AuthClient | undefined
  readonly #clients = new Map<string, FrameworkClient>()
  /** Every AuthClient made, to redact tokens from error messages. */
  readonly #authClients: AuthClient[] = []

  constructor(options: GlobalOptions, out: Output) {
    this.options = options
    this.out = out
    this.logger = {
      warn: (message) => out.warn(message),
      debug: options.debug ? (message) => process.stderr.write(`daf: debug: ${message}\n`) : undefined,
    }
  }

  /** The global server given with --server or DAF_SERVER (undefined: let the clients decide). */
  get server(): string | undefined {
    return this.options.server ?? (process.env[SERVER_ENV] || undefined)
  }

  /** The datastack given with --datastack or DAF_DATASTACK. */
  get datastack(): string | undefined {
    return this.options.datastack ?? (process.env[DATASTACK_ENV] || undefined)
  }

  requireDatastack(name = this.datastack): string {
    if (!name) throw usageError(`no datastack: pass --datastack <name> (or set ${DATASTACK_ENV})`)
    return name
  }

  /** An AuthClient for the global server (default https://global.daf-apis.com). */
  auth(): AuthClient {
    if (!this.#auth) {
      this.#auth = new AuthClient({
        serverAddress: this.server ?? DEFAULT_SERVER_ADDRESS,
        token: this.options.token,
        onWarning: (w) => this.out.warn(w.message),
      })
      this.#authClients.push(this.#auth)
    }
    return this.#auth
  }

  /** A FrameworkClient for `datastack` (default: the global option; none → a global-only client). */
  client(datastack: string | undefined = this.datastack): FrameworkClient {
    const key = datastack ?? ''
    let client = this.#clients.get(key)
    if (!client) {
      client = new FrameworkClient({
        datastack,
        serverAddress: this.server,
        authToken: this.options.token,
        logger: this.logger,
      })
      this.#clients.set(key, client)
      this.#authClients.push(client.auth)
    }
    return client
  }

  /** Removes every token known to this run from `text`. */
  redact(text: string): string {
    let out = text
    if (this.options.token) out = out.split(this.options.token).join('[redacted]')
    for (const auth of this.#authClients) out = auth.redact(out)
    return out
  }
}
