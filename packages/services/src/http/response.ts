/** Turning a `Response` into the caller's value, or into the right error. */
import type { Redactor } from './redact.js'
import { bodyExcerpt, redactText } from './redact.js'
import { AuthError, HttpError, ResponseFormatError, type HttpErrorInit } from './errors.js'
import { extractServerMessage } from './server-message.js'
import { missingTos, realmOf } from './auth-signals.js'
import { parseJson } from './json.js'
import { decodeUint64LE } from './uint64.js'

export type ResponseType = 'json' | 'text' | 'arrayBuffer' | 'uint64' | 'response'

/** What `request` resolves to for each `responseType`. */
export type ResponseBody<T extends ResponseType> = T extends 'json'
  ? unknown
  : T extends 'text'
    ? string
    : T extends 'arrayBuffer'
      ? ArrayBuffer
      : T extends 'uint64'
        ? BigUint64Array
        : Response

/** Enough of an error body to find the server's message; the rest is never read. */
const ERROR_BODY_LIMIT = 64 * 1024

/** Headers kept on errors: they explain the failure and never carry our token. */
const KEPT_HEADERS = ['www-authenticate', 'retry-after', 'content-type', 'warning']

export async function errorFromResponse(
  response: Response,
  method: string,
  safeUrl: string,
  redactor?: Redactor,
): Promise<HttpError> {
  const text = await readTextBounded(response, ERROR_BODY_LIMIT)
  const headers: Record<string, string> = {}
  for (const name of KEPT_HEADERS) {
    const v = response.headers.get(name)
    if (v !== null) headers[name] = redactText(v, redactor)
  }
  const message = extractServerMessage(text, response.headers.get('content-type') ?? '')
  const init: HttpErrorInit = {
    status: response.status,
    statusText: response.statusText,
    method,
    url: safeUrl,
    headers,
  }
  if (message !== undefined) init.serverMessage = redactText(message, redactor)
  if (text) init.bodyExcerpt = bodyExcerpt(text, redactor)
  if (response.status === 401 || response.status === 403) {
    const tos = missingTos(text)
    const loginUrl = realmOf(response.headers.get('www-authenticate'))
    return new AuthError({
      ...init,
      ...(loginUrl !== undefined && { loginUrl }),
      ...(tos?.tosFormUrl !== undefined && { tosFormUrl: tos.tosFormUrl }),
      ...(tos?.tosName !== undefined && { tosName: tos.tosName }),
      ...(tos?.tosId !== undefined && { tosId: tos.tosId }),
    })
  }
  return new HttpError(init)
}

async function readTextBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    text += decoder.decode()
  } catch {
    // A body cut off mid-error still leaves the status to report.
  } finally {
    reader.cancel().catch(() => {})
  }
  return text
}

export async function readBody<T extends ResponseType>(
  response: Response,
  responseType: T,
  method: string,
  safeUrl: string,
  redactor?: Redactor,
): Promise<ResponseBody<T>> {
  type Out = ResponseBody<T>
  switch (responseType) {
    case 'response':
      return response as Out
    case 'text':
      return (await response.text()) as Out
    case 'arrayBuffer':
      return (await response.arrayBuffer()) as Out
    case 'uint64': {
      const bytes = await response.arrayBuffer()
      try {
        return decodeUint64LE(bytes) as Out
      } catch (e) {
        throw new ResponseFormatError(`${method} ${safeUrl}: ${(e as Error).message}`)
      }
    }
    default: {
      const text = await response.text()
      if (text.trim() === '') return undefined as Out
      try {
        return parseJson(text) as Out
      } catch {
        throw new ResponseFormatError(
          `${method} ${safeUrl} answered ${response.status} with a body that is not JSON: ${bodyExcerpt(text, redactor, 200)}`,
        )
      }
    }
  }
}
