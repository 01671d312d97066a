/** A fetch double that answers from a script and records every call. */

export type Step = Response | Error | ((url: string, init: RequestInit) => Response | Promise<Response>)

export interface Call {
  url: string
  method: string
  headers: Headers
  body: RequestInit['body']
  init: RequestInit
}

export function scriptedFetch(steps: Step[]) {
  const calls: Call[] = []
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input)
    calls.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body, init })
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]
    if (step === undefined) throw new Error('scriptedFetch: empty script')
    if (step instanceof Error) throw step
    if (typeof step === 'function') return step(url, init)
    return step.clone()
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

export const status = (code: number, body = '', headers: Record<string, string> = {}) =>
  new Response(body || null, { status: code, headers })

export const json = (value: unknown, code = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status: code, headers: { 'content-type': 'application/json', ...headers } })

/** Sleep double: records each wait and returns at once (still honouring an already-aborted signal). */
export function recordingSleep() {
  const waits: number[] = []
  const sleep = async (ms: number, signal?: AbortSignal) => {
    waits.push(ms)
    if (signal?.aborted) throw signal.reason
  }
  return { waits, sleep }
}
