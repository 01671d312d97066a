/** Browser (and default) `#get-with-body`: fetch cannot send a GET body, and we never switch to POST. */
import { UnsupportedInBrowserError } from './errors.js'
import type { GetWithBodyRequest, SendGetWithBody } from './get-with-body.js'
import { scrubUrl } from './redact.js'

export const sendGetWithBody: SendGetWithBody = async (request: GetWithBodyRequest) => {
  throw new UnsupportedInBrowserError(
    `GET ${scrubUrl(request.url)} needs a request body, which browsers cannot send with GET; ` +
      'use the route’s body-free alternative or run this call in Node',
  )
}
