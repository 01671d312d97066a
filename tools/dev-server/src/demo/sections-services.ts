/**
 * Demo sections for `FrameworkClient` and its info, schema and state clients: the client finds the
 * token the foundation section saved, reads the datastack's record and sources in every
 * `formatFor`, lists schemas, and uploads a neuroglancer state, links to it and reads it back.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import {
  DATASTACK_MAP_FILE,
  FORMAT_FOR_VALUES,
  FrameworkClient,
  isGlobalClientError,
  type FormatFor,
} from '@daf/services'
import { DEMO_DATASTACK, DEMO_IMAGE_MIRROR, DEMO_VIEWER_PATH, DEV_TOKEN } from '../constants.js'
import { SCHEMA_NAMES } from '../data/schemas.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'
import type { FoundationState } from './sections-foundation.js'

/** State the service sections hand on (later sections can reuse `client`). */
export interface ServicesState extends FoundationState {
  client?: FrameworkClient
}

const FORMATS = FORMAT_FOR_VALUES.filter((f): f is Exclude<FormatFor, 'cave-explorer' | 'spelunker'> =>
  ['raw', 'cloudvolume', 'neuroglancer', 'cave_explorer'].includes(f),
)

export function servicesSections(env: DemoEnv, state: ServicesState): DemoSection[] {
  const url = env.server.url
  const quiet = { warn: () => {}, debug: () => {} }
  return [
    {
      title: 'FrameworkClient: one client for the deployment, datastack info and sources',
      async run({ say, signal }) {
        check(state.auth?.hasToken, 'the token section ran')
        // No token passed: the client finds the one saved in ~/.cloudvolume/secrets by itself.
        const client = new FrameworkClient(DEMO_DATASTACK, { serverAddress: url, logger: quiet })
        state.client = client
        say(`${client}`)
        check(client.auth.tokenInfo.source === 'server-file', 'the saved token is found without passing it')
        check(!String(client).includes(DEV_TOKEN) && !JSON.stringify(client).includes(DEV_TOKEN), 'the token never prints')

        const info = await client.info.getDatastackInfo({ signal })
        say(`aligned volume ${info.aligned_volume.name} (id ${info.aligned_volume.id}), local server ${await client.info.localServer()}`)
        check(info.aligned_volume.name === 'minnie_demo_em' && info.local_server === url, 'the record names the aligned volume and local server')
        const resolution = await client.info.viewerResolution()
        say(`viewer resolution ${resolution.join(' × ')} nm, viewer ${await client.info.viewerSite()}`)
        check(isDeepStrictEqual(resolution, [4, 4, 40]), 'viewer resolution is 4 × 4 × 40')

        for (const formatFor of FORMATS) {
          const seg = await client.info.segmentationSource({ formatFor, signal })
          const img = await client.info.imageSource({ formatFor, signal })
          say(`${formatFor.padEnd(13)} segmentation ${seg}`)
          say(`${''.padEnd(13)} image        ${img}`)
          check(seg?.startsWith(formatFor === 'cave_explorer' ? 'graphene://middleauth+http' : 'graphene://http'), `${formatFor} segmentation source`)
          check(img === `precomputed://${url}/volumes/${DEMO_DATASTACK}/em`, `${formatFor} image source`)
        }
        const mirrors = await client.info.getImageMirrorNames({ signal })
        const mirrorImage = await client.info.imageSource({ imageMirror: DEMO_IMAGE_MIRROR, signal })
        say(`image mirrors: ${mirrors.join(', ')}; ${DEMO_IMAGE_MIRROR} → ${mirrorImage}`)
        check(mirrors.includes(DEMO_IMAGE_MIRROR) && mirrorImage?.endsWith('/em_mirror'), 'the mirror has its own image source')
        check((await client.info.imageSource()) === `precomputed://${url}/volumes/${DEMO_DATASTACK}/em`, 'the mirror did not replace the cached record')

        const map = await readMap(join(env.secretsDir, DATASTACK_MAP_FILE))
        say(`~/.cloudvolume/secrets/${DATASTACK_MAP_FILE}: ${JSON.stringify(map)}`)
        check(map[DEMO_DATASTACK] === url, 'the datastack → server map remembers this server')
        const later = new FrameworkClient(DEMO_DATASTACK, { logger: quiet })
        check(later.serverAddress === url, 'a client given only the datastack finds the server through the map')

        const global = new FrameworkClient({ serverAddress: url, logger: quiet })
        const datastacks = await global.info.getDatastacks({ signal })
        let refused: unknown
        try {
          void global.annotation
        } catch (e) {
          refused = e
        }
        check(isGlobalClientError(refused), 'a global-only client refuses client.annotation')
        say(`global-only client: datastacks ${datastacks.join(', ')}; client.annotation → ${refused.name}`)
      },
    },
    {
      title: 'Annotation schemas',
      async run({ say, signal }) {
        const client = state.client
        check(client, 'the FrameworkClient section ran')
        const names = await client.schema.getSchemas({ signal })
        say(`schema API v${await client.schema.getApiVersion()}; types: ${names.join(', ')}`)
        check(isDeepStrictEqual(names, [...SCHEMA_NAMES]), 'every schema type is listed')

        const def = await client.schema.schemaDefinition('cell_type_local', { signal })
        const main = def.$ref.replace('#/definitions/', '')
        const required = def.definitions[main]?.required ?? []
        const point = def.definitions.BoundSpatialPoint
        say(`cell_type_local → ${main}, required: ${required.join(', ')}`)
        say(`BoundSpatialPoint: ${Object.keys(point?.properties ?? {}).join(', ')} (required: ${point?.required?.join(', ')})`)
        check(main === 'CellTypeLocal' && required.includes('pt'), 'cell_type_local requires a point')
        check(isDeepStrictEqual(point?.required, ['position']), 'a bound point requires only its position')

        const several = await client.schema.schemaDefinitionMulti(['synapse', 'bound_tag'], { signal })
        say(`synapse + bound_tag in one request: ${Object.entries(several).map(([k, v]) => `${k} → ${v.$ref}`).join(', ')}`)
        check(several.synapse?.$ref === '#/definitions/SynapseSchema', 'several definitions at once')
      },
    },
    {
      title: 'Neuroglancer state: upload, link, read back',
      async run({ say, signal }) {
        const client = state.client
        check(client, 'the FrameworkClient section ran')
        const segmentation = await client.info.segmentationSource({ formatFor: 'neuroglancer', signal })
        const ngState = {
          dimensions: { x: [4e-9, 'm'], y: [4e-9, 'm'], z: [4e-8, 'm'] },
          layers: [{ type: 'segmentation', source: segmentation, segments: ['864691135000000001'], name: 'seg' }],
          // Integers above 2^53 survive the trip as bigint.
          demo_big_id: 18446744073709551615n,
        }
        const id = await client.state.uploadStateJson(ngState, { signal })
        say(`uploaded state id ${id} (${typeof id}, above 2^53: ${id > 2n ** 53n})`)
        check(typeof id === 'bigint' && id > 2n ** 53n, 'the state id is a bigint above 2^53')

        const viewer = `${url}${DEMO_VIEWER_PATH}`
        const link = await client.state.buildNeuroglancerUrl(id, { nglUrl: viewer, signal })
        say(`spelunker link (from ${DEMO_VIEWER_PATH}/version.json): ${link}`)
        check(link === `${viewer}/#!middleauth+${url}/nglstate/api/v1/${id}`, 'a spelunker viewer gets a #!middleauth+ link')
        const legacy = await client.state.buildNeuroglancerUrl(id, { nglUrl: 'https://neuroglancer.example/', targetSite: 'seunglab' })
        say(`seunglab link: ${legacy}`)
        check(legacy === `https://neuroglancer.example/?json_url=${url}/nglstate/api/v1/${id}`, 'a seunglab viewer gets a ?json_url= link')

        const back = (await client.state.getStateJson(id, { signal })) as typeof ngState
        say(`read back: layer "${back.layers[0]?.name}" segments ${JSON.stringify(back.layers[0]?.segments)}, demo_big_id ${back.demo_big_id} (${typeof back.demo_big_id})`)
        check(isDeepStrictEqual(back, ngState), 'the state reads back identical, big id included')
      },
    },
  ]
}

/** The datastack map, once written (the client writes it in the background after the info fetch). */
async function readMap(file: string): Promise<Record<string, string>> {
  for (let i = 0; ; i++) {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as Record<string, string>
    } catch (e) {
      if (i >= 50) throw e
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}
