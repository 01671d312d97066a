/**
 * Layer arguments: `image` / `segmentation` (the datastack's sources) or any CloudVolume path
 * (`precomputed://…`, `graphene://…`, `gs://…`, `s3://…`, `https://…`, `file://…`).
 */
import type { CloudVolume, CloudVolumeOptions } from '@daf/volume'
import type { CliContext } from './context.js'
import { inputError } from './errors.js'

const ALIASES: Record<string, 'image' | 'segmentation'> = {
  image: 'image',
  img: 'image',
  em: 'image',
  segmentation: 'segmentation',
  seg: 'segmentation',
}

/** The cloudpath for `layer`, looking up the datastack's sources for the aliases. */
export async function resolveLayer(ctx: CliContext, layer: string): Promise<{ path: string; datastackSource: boolean }> {
  const alias = ALIASES[layer.toLowerCase()]
  if (!alias) {
    if (!/^[a-z0-9+]+:\/\//i.test(layer)) {
      throw inputError(`layer must be image, segmentation or a cloudpath (precomputed://…, graphene://…, file://…, gs://…), got ${JSON.stringify(layer)}`)
    }
    return { path: layer, datastackSource: false }
  }
  const client = ctx.client(ctx.requireDatastack())
  const path = alias === 'image' ? await client.info.imageSource() : await client.info.segmentationSource()
  if (!path) throw inputError(`datastack ${client.datastack} has no ${alias} source`)
  return { path, datastackSource: true }
}

/** Opens `layer`; graphene layers get the deployment's AuthClient (the token goes to the chunkedgraph only). */
export async function openLayer(ctx: CliContext, layer: string, options: CloudVolumeOptions = {}): Promise<CloudVolume> {
  const { path, datastackSource } = await resolveLayer(ctx, layer)
  const graphene = /^graphene:\/\//i.test(path)
  const auth = graphene ? (datastackSource || ctx.datastack ? ctx.client(ctx.datastack).auth : ctx.auth()) : undefined
  if (auth && graphene) {
    // A graphene path names its chunkedgraph server: allow the token there (and only there).
    const url = path.replace(/^graphene:\/\//i, '').replace(/^middleauth\+/i, '')
    try {
      auth.addOrigin(new URL(url).origin)
    } catch {
      /* CloudVolume reports a malformed path */
    }
  }
  const { CloudVolume } = await import('@daf/volume')
  return CloudVolume.open(path, { ...options, ...(auth ? { auth } : {}) })
}
