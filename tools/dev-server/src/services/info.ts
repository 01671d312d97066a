/**
 * Info service (services spec §4.1): `{G}/info`. Datastack routes need `view` on the datastack's
 * permission group (as `auth_requires_permission` would check); the rest need any valid token;
 * `/info/version` is public.
 */
import type { AuthRequirement } from '../auth.js'
import type { RequestContext } from '../context.js'
import { findAlignedVolume, findDatastack, type DatastackEntry } from '../dataset.js'
import { json, notFound } from '../http.js'
import type { DevService } from '../router.js'

const I = '/info/api/v2'

/** `view` on the datastack named by `:datastack` (unknown datastack: no check, the handler 404s). */
const viewDatastack: AuthRequirement = {
  permission: 'view',
  dataset: (ctx) => findDatastack(ctx.dataset, ctx.params.datastack ?? '')?.permissionGroup,
}

function datastackOr404(ctx: RequestContext): DatastackEntry {
  const name = ctx.params.datastack ?? ''
  const entry = findDatastack(ctx.dataset, name)
  if (!entry) throw notFound(`datastack ${name} not found`)
  return entry
}

export function infoService(): DevService {
  return {
    name: 'info',
    routes: [
      { method: 'GET', path: '/info/version', auth: 'public', handler: (ctx) => json(ctx.dataset.infoVersion) },
      {
        method: 'GET',
        path: `${I}/datastacks`,
        handler: (ctx) => json(ctx.dataset.datastacks.map((d) => d.name)),
      },
      {
        method: 'GET',
        path: `${I}/datastack/full/:datastack`,
        auth: viewDatastack,
        handler: (ctx) => {
          const entry = datastackOr404(ctx)
          const mirror = ctx.query.get('image_source_name')
          if (mirror === null || mirror === '') return json(entry.info)
          const source = entry.imageSources.find((s) => s.name === mirror)
          if (!source) throw notFound(`image source ${mirror} not found for datastack ${entry.name}`)
          return json({ ...entry.info, aligned_volume: source })
        },
      },
      {
        method: 'GET',
        path: `${I}/datastack/:datastack/image_sources`,
        auth: viewDatastack,
        handler: (ctx) => json(datastackOr404(ctx).imageSources),
      },
      { method: 'GET', path: `${I}/aligned_volume`, handler: (ctx) => json(ctx.dataset.alignedVolumes) },
      {
        method: 'GET',
        path: `${I}/aligned_volume/id/:id`,
        handler: (ctx) => {
          const id = ctx.params.id ?? ''
          const av = /^\d+$/.test(id) ? ctx.dataset.alignedVolumes.find((a) => a.id === Number(id)) : undefined
          if (!av) throw notFound(`aligned volume with id ${id} not found`)
          return json(av)
        },
      },
      {
        method: 'GET',
        path: `${I}/aligned_volume/:name/datastacks`,
        handler: (ctx) => {
          const name = ctx.params.name ?? ''
          if (!findAlignedVolume(ctx.dataset, name)) throw notFound(`aligned volume ${name} not found`)
          return json(ctx.dataset.datastacks.filter((d) => d.info.aligned_volume.name === name).map((d) => d.name))
        },
      },
      {
        method: 'GET',
        path: `${I}/aligned_volume/:name`,
        handler: (ctx) => {
          const name = ctx.params.name ?? ''
          const av = findAlignedVolume(ctx.dataset, name)
          if (!av) throw notFound(`aligned volume ${name} not found`)
          return json(av)
        },
      },
      {
        method: 'GET',
        path: `${I}/tablemapping/service/:namespace/table/:table/permission_group`,
        handler: (ctx) => {
          const key = `${ctx.params.namespace}/${ctx.params.table}`
          const group = ctx.dataset.tableMapping[key]
          if (group === undefined) throw notFound(`table ${ctx.params.table} not found for service ${ctx.params.namespace}`)
          return json(group)
        },
      },
      // Legacy info v1 (AnnotationFrameworkClient ≤ 2.x): "datasets" are aligned volumes.
      { method: 'GET', path: '/info/api/datasets', handler: (ctx) => json(ctx.dataset.legacyDatasets.map((d) => d.name)) },
      {
        method: 'GET',
        path: '/info/api/dataset/:name',
        handler: (ctx) => {
          const name = ctx.params.name ?? ''
          const record = ctx.dataset.legacyDatasets.find((d) => d.name === name)
          if (!record) throw notFound(`dataset ${name} not found`)
          return json(record)
        },
      },
    ],
  }
}
