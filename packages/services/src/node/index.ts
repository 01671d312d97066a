/**
 * Node-only entry (`@daf/services/node`). The main entry already picks the Node GET-with-body
 * sender through `#get-with-body`; this exposes it for callers that want `node:http` directly.
 */
export { sendGetWithBody } from '../http/get-with-body-node.js'
export type { GetWithBodyRequest, SendGetWithBody } from '../http/get-with-body.js'
