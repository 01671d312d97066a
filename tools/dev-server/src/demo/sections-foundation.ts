/**
 * Demo sections for the foundation: saving and loading a token, datastack info through the
 * shared HTTP client, and how that client reports auth failures and rides out a 503 burst.
 */
import { stat } from 'node:fs/promises'
import { AuthClient } from '@daf/auth'
import {
  createHttpClient,
  fetchServerVersion,
  infoV2,
  isAuthError,
  requestEndpoint,
  type HttpClient,
} from '@daf/services'
import { DEMO_DATASTACK, DEV_TOKEN } from '../constants.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'

/** State the sections hand on to each other. */
export interface FoundationState {
  auth?: AuthClient
  http?: HttpClient
}

export function foundationSections(env: DemoEnv, state: FoundationState): DemoSection[] {
  const url = env.server.url
  const quiet = { warn: () => {}, debug: () => {} }
  return [
    {
      title: 'Save a token, then load it the way every client does',
      async run({ say, signal }) {
        const before = new AuthClient({ serverAddress: url })
        say(`before: token found = ${before.hasToken} (HOME=${env.home})`)
        check(!before.hasToken, 'a fresh HOME holds no token')

        const saved = await before.saveToken(DEV_TOKEN, { signal })
        for (const file of saved.written) {
          const mode = (await stat(file)).mode & 0o777
          say(`wrote ${file.replace(env.home, '~')} (mode ${mode.toString(8).padStart(4, '0')})`)
          check(mode === 0o600, `${file} is written with mode 0600`)
        }
        check(saved.written.length >= 2, 'the server-specific file and the token file are written')

        const auth = new AuthClient({ serverAddress: url })
        say(`a new client finds it: source=${auth.tokenInfo.source}, file=${auth.tokenInfo.file?.replace(env.home, '~')}`)
        check(auth.hasToken && auth.tokenInfo.source === 'server-file', 'the token is read from the server file')
        check(auth.requestHeader().Authorization === `Bearer ${DEV_TOKEN}`, 'the bearer header carries the saved token')

        const bucket = 'https://storage.googleapis.com/bucket/layer/info'
        say(`token sent to ${url}: ${auth.authorizes(`${url}/info`)}; to ${bucket}: ${auth.authorizes(bucket)}`)
        check(auth.authorizes(`${url}/info`) && !auth.authorizes(bucket), 'the token goes only to the deployment')
        check(!String(auth).includes(DEV_TOKEN) && !JSON.stringify(auth).includes(DEV_TOKEN), 'the token never prints')
        state.auth = auth
      },
    },
    {
      title: 'Datastack info through the shared HTTP client',
      async run({ say, signal }) {
        const auth = state.auth
        check(auth, 'the token section ran')
        const http = createHttpClient({ auth, logger: quiet })
        state.http = http
        const version = await fetchServerVersion({ url: `${url}/info/version`, http, signal })
        say(`info service version ${version}`)
        check(typeof version === 'string' && /^\d+\.\d+\.\d+$/.test(version), 'the info service reports a version')

        const datastacks = await requestEndpoint(http, infoV2.datastacks, { baseUrl: url, signal })
        say(`datastacks: ${datastacks.join(', ')}`)
        check(datastacks.includes(DEMO_DATASTACK), `${DEMO_DATASTACK} is listed`)

        const info = await requestEndpoint(http, infoV2.datastackInfo, {
          baseUrl: url,
          params: { datastack: DEMO_DATASTACK },
          serverVersion: version,
          signal,
        })
        say(`aligned volume:      ${info.aligned_volume.name} (${info.aligned_volume.image_source})`)
        say(`local server:        ${info.local_server}`)
        say(`segmentation source: ${info.segmentation_source}`)
        say(`viewer resolution:   ${info.viewer_resolution_x} × ${info.viewer_resolution_y} × ${info.viewer_resolution_z} nm`)
        check(info.local_server === url, 'the local server is this deployment')
        check(info.segmentation_source.startsWith('graphene://'), 'the segmentation is a graphene source')
      },
    },
    {
      title: 'Typed errors and retries',
      async run({ say, signal }) {
        const http = state.http
        check(http, 'the info section ran')
        const anonymous = createHttpClient({ logger: quiet })
        const missing = await requestEndpoint(anonymous, infoV2.datastacks, { baseUrl: url, signal }).catch((e: unknown) => e)
        check(isAuthError(missing), 'a request without a token is an AuthError')
        say(`without a token: ${missing.name} ${missing.status}, login page ${missing.loginUrl}`)
        check(missing.loginUrl?.startsWith(url), 'the error names the login page')

        const wrongToken = new AuthClient({ serverAddress: url, token: 'f'.repeat(32) })
        const expired = await requestEndpoint(createHttpClient({ auth: wrongToken, logger: quiet }), infoV2.datastacks, {
          baseUrl: url,
          signal,
        }).catch((e: unknown) => e)
        check(isAuthError(expired) && expired.status === 401, 'an unknown token is an AuthError (401)')
        say(`with an unknown token: ${expired.message}`)
        check(!expired.message.includes('f'.repeat(32)), 'the token is not in the message')

        const fault = env.server.faults.add({ path: '/info/api/v2/datastacks', status: 503, times: 2 })
        const started = Date.now()
        const datastacks = await requestEndpoint(http, infoV2.datastacks, { baseUrl: url, signal })
        say(`two 503s, then ${JSON.stringify(datastacks)} on attempt ${fault.hits + 1}, after ${Date.now() - started} ms`)
        check(fault.hits === 2 && datastacks.includes(DEMO_DATASTACK), 'GET is retried through a 503 burst')
      },
    },
  ]
}
