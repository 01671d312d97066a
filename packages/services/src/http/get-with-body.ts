/**
 * The contract of the platform-specific GET-with-body sender, resolved through the package's
 * `#get-with-body` import: `node:http(s)` in Node, an `UnsupportedInBrowserError` in browsers
 * (fetch refuses GET bodies; spec §8.1). The result is a standard `Response`, so redirects, errors
 * and parsing are handled by the same code as fetch responses.
 */
export interface GetWithBodyRequest {
  url: string
  headers: Record<string, string>
  body: Uint8Array
  signal: AbortSignal
}

export type SendGetWithBody = (request: GetWithBodyRequest) => Promise<Response>
