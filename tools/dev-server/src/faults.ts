/**
 * Fault injection: make matching requests fail, stall or lose their connection, for a number of
 * times, before any routing or auth (as a gateway in front of the services would). Configured at
 * start (`startDevServer({ faults })`), at runtime (`server.faults.add(…)`) or over HTTP
 * (`POST /__dev/faults`, see `services/admin.ts`). Never applied to `/__dev/*` or, unless the fault
 * names the method explicitly, to `OPTIONS` preflights.
 */
import { STATUS_CODES } from 'node:http'
import { json, text, type Reply } from './http.js'

export interface FaultSpec {
  /** Optional id (default `f1`, `f2`, …); adding an existing id replaces that fault. */
  id?: string
  /**
   * Which requests: a string is a prefix of the pathname; a RegExp is tested against pathname +
   * search (e.g. `/datastack\/full/`). Default: every request.
   */
  path?: string | RegExp
  /** Method or methods (case-insensitive). Default: any except OPTIONS. */
  method?: string | string[]
  /** How many matching requests to affect; default unlimited (until removed or cleared). */
  times?: number
  /** Let this many matching requests through untouched first. Default 0. */
  skip?: number
  /** Wait this long before acting (alone: a slow but otherwise normal response). */
  delayMs?: number
  /** Destroy the socket without a response (after `delayMs`, if set). */
  dropConnection?: boolean
  /** Answer with this status instead of the real response. */
  status?: number
  /** `Retry-After` value: seconds or an HTTP date. */
  retryAfter?: string | number
  /** Response body: a string as is, anything else as JSON. Default `{"message": "<status text> (injected fault)"}`. */
  body?: unknown
  /** Content-Type of a string body (default `text/plain; charset=utf-8`). */
  contentType?: string
  headers?: Record<string, string>
}

/** JSON form for `POST /__dev/faults`: `path` is a prefix, `pathRegex` (+ `pathFlags`) a RegExp. */
export interface FaultJson extends Omit<FaultSpec, 'path'> {
  path?: string
  pathRegex?: string
  pathFlags?: string
}

export interface FaultSnapshot {
  id: string
  path: string | null
  pathRegex: string | null
  method: string[] | null
  times: number | null
  skip: number
  delayMs: number | null
  dropConnection: boolean
  status: number | null
  retryAfter: string | null
  /** Matching requests seen (including skipped ones). */
  seen: number
  /** Requests this fault acted on. */
  hits: number
  /** Hits left (`null` = unlimited). */
  remaining: number | null
  active: boolean
}

export class Fault {
  readonly id: string
  readonly spec: Readonly<FaultSpec>
  readonly #methods: string[] | undefined
  /** Matching requests seen (including skipped ones). */
  seen = 0
  /** Requests this fault acted on. */
  hits = 0

  constructor(id: string, spec: FaultSpec) {
    validateFault(spec)
    this.id = id
    this.spec = { ...spec }
    const m = spec.method
    this.#methods = m === undefined ? undefined : (Array.isArray(m) ? m : [m]).map((x) => x.toUpperCase())
  }

  /** Hits left; `Infinity` when unlimited. */
  get remaining(): number {
    return Math.max(0, (this.spec.times ?? Infinity) - this.hits)
  }

  get active(): boolean {
    return this.remaining > 0
  }

  matches(method: string, pathname: string, search: string): boolean {
    if (this.#methods ? !this.#methods.includes(method) : method === 'OPTIONS') return false
    const p = this.spec.path
    if (p === undefined) return true
    if (typeof p === 'string') return pathname.startsWith(p)
    p.lastIndex = 0
    return p.test(pathname + search)
  }

  /** The reply for a `status` fault. */
  reply(): Reply | undefined {
    const s = this.spec
    if (s.status === undefined) return undefined
    const headers: Record<string, string> = { ...s.headers }
    if (s.retryAfter !== undefined) headers['Retry-After'] = String(s.retryAfter)
    const reason = STATUS_CODES[s.status] ?? 'Error'
    if (s.body === undefined) return json({ message: `${reason} (injected fault)` }, s.status, headers)
    if (typeof s.body === 'string') return text(s.body, s.status, s.contentType ?? 'text/plain; charset=utf-8', headers)
    const r = json(s.body, s.status, headers)
    if (s.contentType) r.headers = { ...r.headers, 'Content-Type': s.contentType }
    return r
  }

  toJSON(): FaultSnapshot {
    const s = this.spec
    return {
      id: this.id,
      path: typeof s.path === 'string' ? s.path : null,
      pathRegex: s.path instanceof RegExp ? s.path.source : null,
      method: this.#methods ?? null,
      times: s.times ?? null,
      skip: s.skip ?? 0,
      delayMs: s.delayMs ?? null,
      dropConnection: s.dropConnection ?? false,
      status: s.status ?? null,
      retryAfter: s.retryAfter === undefined ? null : String(s.retryAfter),
      seen: this.seen,
      hits: this.hits,
      remaining: Number.isFinite(this.remaining) ? this.remaining : null,
      active: this.active,
    }
  }
}

/** Throws `TypeError` when `spec` cannot be a fault. */
export function validateFault(spec: FaultSpec): void {
  const bad = (msg: string): never => {
    throw new TypeError(`invalid fault: ${msg}`)
  }
  if (spec.status === undefined && spec.delayMs === undefined && !spec.dropConnection) {
    bad('needs status, delayMs or dropConnection')
  }
  if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) {
    bad(`status ${spec.status}`)
  }
  if (spec.delayMs !== undefined && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) bad(`delayMs ${spec.delayMs}`)
  if (spec.times !== undefined && !(spec.times >= 0)) bad(`times ${spec.times}`)
  if (spec.skip !== undefined && !(Number.isInteger(spec.skip) && spec.skip >= 0)) bad(`skip ${spec.skip}`)
  if (spec.path !== undefined && typeof spec.path !== 'string' && !(spec.path instanceof RegExp)) bad('path must be a string or RegExp')
}

/** Converts the JSON form (admin route) to a `FaultSpec`. Throws `TypeError` on bad input. */
export function faultFromJson(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('invalid fault: expected an object')
  const { path, pathRegex, pathFlags, ...rest } = input as FaultJson
  if (path !== undefined && pathRegex !== undefined) throw new TypeError('invalid fault: give path or pathRegex, not both')
  if (path !== undefined && typeof path !== 'string') throw new TypeError('invalid fault: path must be a string')
  const spec: FaultSpec = { ...rest }
  if (path !== undefined) spec.path = path
  if (pathRegex !== undefined) {
    try {
      spec.path = new RegExp(String(pathRegex), pathFlags === undefined ? '' : String(pathFlags))
    } catch (err) {
      throw new TypeError(`invalid fault: pathRegex: ${(err as Error).message}`)
    }
  }
  for (const k of ['status', 'delayMs', 'times', 'skip'] as const) {
    const v = spec[k]
    if (v !== undefined && typeof v !== 'number') throw new TypeError(`invalid fault: ${k} must be a number`)
  }
  validateFault(spec)
  return spec
}

export class FaultInjector {
  readonly #faults: Fault[] = []
  #next = 1

  constructor(specs: readonly FaultSpec[] = []) {
    for (const s of specs) this.add(s)
  }

  /** Adds a fault (after the existing ones: the first matching active fault acts). */
  add(spec: FaultSpec): Fault {
    const id = spec.id ?? `f${this.#next++}`
    const fault = new Fault(id, spec)
    const existing = this.#faults.findIndex((f) => f.id === id)
    if (existing >= 0) this.#faults[existing] = fault
    else this.#faults.push(fault)
    return fault
  }

  remove(id: string): boolean {
    const i = this.#faults.findIndex((f) => f.id === id)
    if (i < 0) return false
    this.#faults.splice(i, 1)
    return true
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults.length = 0
  }

  get(id: string): Fault | undefined {
    return this.#faults.find((f) => f.id === id)
  }

  /** Every fault, exhausted ones included (for their hit counts). */
  list(): Fault[] {
    return [...this.#faults]
  }

  /** Total hits over the current faults. */
  get hits(): number {
    return this.#faults.reduce((n, f) => n + f.hits, 0)
  }

  /** Finds the first active fault matching the request and counts a hit on it. */
  take(method: string, pathname: string, search: string): Fault | undefined {
    for (const f of this.#faults) {
      if (!f.active || !f.matches(method, pathname, search)) continue
      f.seen++
      if (f.seen <= (f.spec.skip ?? 0)) continue
      f.hits++
      return f
    }
    return undefined
  }

  toJSON(): FaultSnapshot[] {
    return this.#faults.map((f) => f.toJSON())
  }
}
