import { platform } from '#platform'
import { throwIfAborted } from './abort.js'
import type { Authorizer } from './authorizer.js'
import type { KeyValueStorage } from './browser/key-value-storage.js'
import { DEFAULT_SERVER_ADDRESS, DEFAULT_TOKEN_KEY } from './constants.js'
import { AuthConfigError } from './errors.js'
import { OriginSet } from './origin-set.js'
import { redactSecrets } from './redact.js'
import { normalizeServerAddress } from './server-address.js'
import { normalizeToken } from './token-format.js'
import type { TokenInfo, TokenSource } from './token-info.js'
import { validateTokenKey } from './token-key.js'
import { createTokenUrl, newTokenInstructions, tokenPageUrl } from './token-pages.js'
import type { TokenLookupResult, TokenSaveResult, TokenStore } from './token-store.js'
import { consoleWarning, type WarningHandler } from './warnings.js'

export interface AuthClientOptions {
  /** Global server address; default `https://global.daf-apis.com`. A missing scheme means `https://`. */
  readonly serverAddress?: string | URL | undefined
  /** A token to use; wins over every stored one. Used as given (trimmed), not format-checked. */
  readonly token?: string | undefined
  /** Node: the secret file to read (and save to) instead of the default files. Rejected in browsers. */
  readonly tokenFile?: string | undefined
  /** Key of the token in secret files and storage records; default `token`. */
  readonly tokenKey?: string | undefined
  /** Node: secrets directory; default `~/.cloudvolume/secrets` (home directory read at lookup). */
  readonly secretsDir?: string | undefined
  /** Extra origins the token may be sent to, besides the global server's and local servers'. */
  readonly allowedOrigins?: Iterable<string | URL> | undefined
  /** Local servers of the deployment (usually learned later with `addLocalServer`). */
  readonly localServers?: Iterable<string | URL> | undefined
  /** Replaces the platform's store (files in Node, `localStorage` in browsers). */
  readonly store?: TokenStore | undefined
  /** Browsers: the storage to use instead of `localStorage`; `null` keeps tokens in memory only. */
  readonly storage?: KeyValueStorage | null | undefined
  /**
   * Browsers: neuroglancer login URLs whose `auth_token_v2_<url>` entries are read; default
   * `{server}/sticky_auth` and `{server}/auth`; `false` to ignore neuroglancer's entries.
   */
  readonly neuroglancerAuthUrls?: readonly string[] | false | undefined
  /** Receives warnings (legacy file used, copy skipped, …); default `console.warn`. */
  readonly onWarning?: WarningHandler | undefined
  /** Opens a URL for `getNewToken({ open: true })`; default the system opener (Node) or `window.open`. */
  readonly opener?: ((url: string, signal?: AbortSignal) => void | Promise<void>) | undefined
}

export interface SaveTokenOptions {
  /** Key to store the token under; default the client's `tokenKey` (`token` unless configured). */
  readonly tokenKey?: string | undefined
  /** Replace a different token stored under the key; default false (`TokenExistsError`). */
  readonly overwrite?: boolean | undefined
  /** Node: primary file; default the client's `tokenFile`. */
  readonly tokenFile?: string | undefined
  /** Use the new token (and file) right away; default true. */
  readonly switchToken?: boolean | undefined
  /** Also store it in the global server's own file/key; default true. */
  readonly writeServerFile?: boolean | undefined
  /**
   * Also store a copy for a local server (overwrite allowed there), so tools talking to it directly
   * find it; `true` means every local server the client knows. Never changes the active token file.
   */
  readonly localServer?: string | URL | boolean | undefined
  readonly signal?: AbortSignal | undefined
}

export interface GetNewTokenOptions {
  /** Open the page (system opener in Node, `window.open` in browsers); default false. */
  readonly open?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

export interface NewTokenInstructions {
  /** `{server}/auth/api/v1/create_token`. */
  readonly url: string
  /** `{server}/sticky_auth/settings/tokens`. */
  readonly tokenPageUrl: string
  readonly instructions: string
}

/** The public shape of `AuthClient` in logs and JSON: no token. */
export interface AuthClientDescription {
  readonly serverAddress: string
  readonly tokenSource: TokenSource
  readonly tokenFile: string | undefined
  readonly tokenKey: string
  readonly hasToken: boolean
  readonly origins: readonly string[]
}

/**
 * Tokens for one CAVE / DAF deployment, and the `Authorizer` the HTTP layer asks for headers.
 *
 * The token is looked up once, at construction: the `token` option, then the platform store —
 * in Node the `tokenFile` option, `CAVE_TOKEN` and the `~/.cloudvolume/secrets/` files; in
 * browsers `localStorage` (this package's record, then neuroglancer's) and page memory. It is only
 * ever sent to the deployment's origins, and it never appears in `toString()`, `JSON.stringify`,
 * `util.inspect` or error messages.
 */
export class AuthClient implements Authorizer {
  readonly #serverAddress: string
  readonly #store: TokenStore
  readonly #warn: WarningHandler
  readonly #opener: ((url: string, signal?: AbortSignal) => void | Promise<void>) | undefined
  readonly #origins = new OriginSet()
  readonly #localServers = new Set<string>()
  readonly #explicitToken: string | undefined
  readonly #explicitTokenFile: string | undefined
  /** Every token this client has held, for `redact`. */
  readonly #retired = new Set<string>()
  #token: string | undefined
  #tokenKey: string
  #info: TokenInfo
  #tokenFile: string | undefined

  constructor(options: AuthClientOptions = {}) {
    this.#serverAddress = normalizeServerAddress(options.serverAddress ?? DEFAULT_SERVER_ADDRESS)
    this.#tokenKey = validateTokenKey(options.tokenKey ?? DEFAULT_TOKEN_KEY)
    this.#warn = options.onWarning ?? consoleWarning
    this.#opener = options.opener
    this.#store =
      options.store ??
      platform.createStore({
        secretsDir: options.secretsDir,
        storage: options.storage,
        neuroglancerAuthUrls: options.neuroglancerAuthUrls,
      })
    this.#origins.add(this.#serverAddress, 'serverAddress')
    for (const origin of options.allowedOrigins ?? []) this.#origins.add(origin, 'allowedOrigins')
    for (const server of options.localServers ?? []) this.addLocalServer(server)
    if (options.token !== undefined && typeof options.token !== 'string') {
      throw new AuthConfigError('token', 'token must be a string')
    }
    this.#explicitToken = options.token?.trim() || undefined
    this.#explicitTokenFile = options.tokenFile
    this.#info = { source: 'none', key: this.#tokenKey }
    this.reload()
  }

  /** The normalised global server address (no trailing slash). */
  get serverAddress(): string {
    return this.#serverAddress
  }

  /** Where the active token came from (`none` when there is none). */
  get tokenSource(): TokenSource {
    return this.#info.source
  }

  /**
   * Node: the token file — the file the lookup reads and `saveToken` writes by default: the
   * `tokenFile` option, else `{netloc}-cave-secret.json` when it exists, else `cave-secret.json`.
   * The file the active token was actually read from (e.g. the legacy file) is `tokenInfo.file`.
   * With a `token` option no file is read, so this is just the `tokenFile` option (or undefined,
   * and `saveToken` picks the default file). Undefined in browsers.
   */
  get tokenFile(): string | undefined {
    return this.#tokenFile
  }

  /** The key the token is read from and saved under. */
  get tokenKey(): string {
    return this.#tokenKey
  }

  /** Where the active token came from, with its file, storage key or variable. Safe to log. */
  get tokenInfo(): TokenInfo {
    return { ...this.#info }
  }

  get hasToken(): boolean {
    return this.#token !== undefined
  }

  /** The origins the token may be sent to. */
  get origins(): readonly string[] {
    return this.#origins.values()
  }

  /** The local servers this client knows (normalised addresses). */
  get localServers(): readonly string[] {
    return [...this.#localServers]
  }

  /** Looks the token up again from the constructor's options and the store. */
  reload(): void {
    if (this.#explicitToken !== undefined) {
      this.#adopt(this.#explicitToken, { source: 'explicit', key: this.#tokenKey }, this.#explicitTokenFile)
      return
    }
    const found: TokenLookupResult = this.#store.lookup({
      serverAddress: this.#serverAddress,
      tokenKey: this.#tokenKey,
      tokenFile: this.#explicitTokenFile,
      warn: this.#warn,
    })
    const token = found.token?.trim() || undefined
    const source = token === undefined ? 'none' : found.source
    this.#adopt(token, { ...found.location, source, key: this.#tokenKey }, found.tokenFile)
  }

  /** Uses `token` for this client from now on, without storing it anywhere. */
  useToken(token: string): void {
    if (typeof token !== 'string' || token.trim() === '') {
      throw new AuthConfigError('token', 'token must be a non-empty string')
    }
    this.#adopt(token.trim(), { source: 'explicit', key: this.#tokenKey }, this.#tokenFile)
  }

  /**
   * Stores `token` (32 hex characters; lower-cased, else `TokenFormatError`). Node: the token file
   * (or `tokenFile`), the global server's `{netloc}-cave-secret.json` and, with `localServer`, the
   * local server's file — see `saveToken` in `@daf/auth/node`. Browsers: `localStorage`.
   * A different token already stored under the key throws `TokenExistsError` unless `overwrite`.
   */
  async saveToken(token: string, options: SaveTokenOptions = {}): Promise<TokenSaveResult> {
    throwIfAborted(options.signal)
    const canonical = normalizeToken(token, 'token')
    const tokenKey = validateTokenKey(options.tokenKey ?? this.#tokenKey)
    const localServers =
      options.localServer === true
        ? [...this.#localServers]
        : options.localServer === undefined || options.localServer === false
          ? []
          : [normalizeServerAddress(options.localServer, 'localServer')]
    const result = await this.#store.save(canonical, {
      serverAddress: this.#serverAddress,
      tokenKey,
      overwrite: options.overwrite ?? false,
      tokenFile: options.tokenFile ?? this.#tokenFile,
      writeServerFile: options.writeServerFile ?? true,
      localServers,
      signal: options.signal,
      warn: this.#warn,
    })
    if (options.switchToken ?? true) {
      this.#tokenKey = tokenKey
      this.#adopt(canonical, { ...result.location, source: 'saved', key: tokenKey }, result.location.file ?? this.#tokenFile)
    }
    return result
  }

  /**
   * The page that creates a token, with instructions. Creating a token invalidates the previous
   * one, so this also emits a `new-token-invalidates-previous` warning. With `open: true` the page
   * is opened (system opener in Node, `window.open` in browsers, or the `opener` option).
   */
  async getNewToken(options: GetNewTokenOptions = {}): Promise<NewTokenInstructions> {
    throwIfAborted(options.signal)
    const url = createTokenUrl(this.#serverAddress)
    const list = this.tokenPageUrl()
    this.#warn({
      code: 'new-token-invalidates-previous',
      message: `a token created at ${url} replaces your previous token, which stops working`,
    })
    if (options.open === true) {
      const open = this.#opener ?? platform.openUrl
      await open(url, options.signal)
    }
    return { url, tokenPageUrl: list, instructions: newTokenInstructions(url, list) }
  }

  /** `{server}/sticky_auth/settings/tokens`: the page listing the user's tokens. */
  tokenPageUrl(): string {
    return tokenPageUrl(this.#serverAddress)
  }

  /** `{ Authorization: 'Bearer <token>' }`, or `{}` without a token. Not origin-checked: prefer `headersFor`. */
  requestHeader(): Record<string, string> {
    return this.#token === undefined ? {} : { Authorization: `Bearer ${this.#token}` }
  }

  /** Adds an origin the token may be sent to; returns it. A missing scheme means `https://`. */
  addOrigin(urlOrOrigin: string | URL): string {
    return this.#origins.add(urlOrOrigin, 'origin')
  }

  /** Records a local server (from a datastack's info record) and allows its origin; returns the origin. */
  addLocalServer(url: string | URL): string {
    const address = normalizeServerAddress(url, 'localServer')
    this.#localServers.add(address)
    return this.#origins.add(address, 'localServer')
  }

  authorizes(url: string | URL): boolean {
    return this.#origins.has(url)
  }

  headersFor(url: string | URL): Record<string, string> {
    return this.authorizes(url) ? this.requestHeader() : {}
  }

  redact(text: string): string {
    return redactSecrets(text, this.#token === undefined ? this.#retired : [this.#token, ...this.#retired])
  }

  toJSON(): AuthClientDescription {
    return {
      serverAddress: this.#serverAddress,
      tokenSource: this.#info.source,
      tokenFile: this.#tokenFile,
      tokenKey: this.#tokenKey,
      hasToken: this.hasToken,
      origins: this.origins,
    }
  }

  toString(): string {
    const token = this.hasToken ? `token from ${this.#info.source}` : 'no token'
    return `AuthClient(${this.#serverAddress}, ${token})`
  }

  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    const body = inspect ? inspect(this.toJSON(), options) : JSON.stringify(this.toJSON())
    return `AuthClient ${body}`
  }

  #adopt(token: string | undefined, info: TokenInfo, tokenFile: string | undefined): void {
    if (this.#token !== undefined && this.#token !== token) this.#retired.add(this.#token)
    this.#token = token
    this.#info = info
    this.#tokenFile = tokenFile
  }
}
