/**
 * What the HTTP layer needs from auth: the headers for one URL. Implementations return the
 * bearer header only for the deployment's own origins, so storage buckets, viewer sites and
 * arbitrary state URLs never see the token.
 */
export interface Authorizer {
  /** True when `url`'s origin belongs to the deployment (global server, local servers, added origins). */
  authorizes(url: string | URL): boolean
  /** `{ Authorization: 'Bearer …' }` when a token is known and `authorizes(url)`, else `{}`. */
  headersFor(url: string | URL): Record<string, string>
  /** `text` with every known token replaced by `[redacted]`, for error messages and logs. */
  redact(text: string): string
}
