/**
 * `formatFor` path formatting of image and segmentation sources (services spec §4.6), for the
 * tools that will open them. Unlike the Python client (§6.3 #9) every rule here is idempotent
 * (formatting a formatted source changes nothing), `precomputed://` sources are never lost, a `gs://`
 * bucket is kept, and `middleauth+` is never added twice.
 *
 * | formatFor | result |
 * |---|---|
 * | `raw` | the source as stored |
 * | `cloudvolume` | `graphene://…` and `precomputed://…` unchanged; `http(s)://X` → `precomputed://http(s)://X`; `gs://b/p` → `precomputed://https://storage.googleapis.com/b/p`; other schemes → null |
 * | `neuroglancer` | `graphene://…` and `precomputed://…` unchanged; `http(s)://X` → `graphene://http(s)://X`; `gs://X`, `s3://X` → `precomputed://gs://X` / `precomputed://s3://X`; other schemes → null |
 * | `cave_explorer` (also `cave-explorer`, `spelunker`) | `http(s)://X` and `graphene://http(s)://X` → `graphene://middleauth+http(s)://X`; `graphene://middleauth+…` and `precomputed://…` unchanged; `gs://`, `s3://` as for neuroglancer; other schemes → null |
 */
import { InvalidParameterError } from '../http/errors.js'

export type FormatFor = 'raw' | 'cloudvolume' | 'neuroglancer' | 'cave_explorer' | 'cave-explorer' | 'spelunker'

export const FORMAT_FOR_VALUES: readonly FormatFor[] = [
  'raw',
  'cloudvolume',
  'neuroglancer',
  'cave_explorer',
  'cave-explorer',
  'spelunker',
]

const GCS_HTTPS = 'https://storage.googleapis.com/'

/** `formatFor` checked and canonical (`cave-explorer`/`spelunker` → `cave_explorer`). */
export function checkFormatFor(formatFor: unknown): 'raw' | 'cloudvolume' | 'neuroglancer' | 'cave_explorer' {
  if (typeof formatFor !== 'string' || !(FORMAT_FOR_VALUES as readonly string[]).includes(formatFor)) {
    throw new InvalidParameterError(
      'formatFor',
      `formatFor must be one of ${FORMAT_FOR_VALUES.map((v) => `'${v}'`).join(', ')}; got ${JSON.stringify(formatFor)}`,
    )
  }
  return formatFor === 'cave-explorer' || formatFor === 'spelunker' ? 'cave_explorer' : (formatFor as 'raw' | 'cloudvolume' | 'neuroglancer')
}

/** Lower-case scheme of `url` (`graphene`, `https`, `gs` …), or undefined when it has none. */
function schemeOf(url: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)
  return m?.[1]?.toLowerCase()
}

const isHttp = (scheme: string | undefined) => scheme === 'http' || scheme === 'https'

/**
 * `source` formatted for `formatFor`; null when the source is null/empty or has a scheme the
 * target cannot open. Throws `InvalidParameterError` for an unknown `formatFor`.
 */
export function formatSource(source: string | null | undefined, formatFor: FormatFor = 'raw'): string | null {
  const target = checkFormatFor(formatFor)
  if (source == null || source.trim() === '') return null
  const src = source.trim()
  if (target === 'raw') return source
  const scheme = schemeOf(src)
  switch (target) {
    case 'cloudvolume':
      if (scheme === 'graphene' || scheme === 'precomputed') return src
      if (isHttp(scheme)) return `precomputed://${src}`
      if (scheme === 'gs') return `precomputed://${GCS_HTTPS}${src.slice('gs://'.length)}`
      return null
    case 'neuroglancer':
      if (scheme === 'graphene' || scheme === 'precomputed') return src
      if (isHttp(scheme)) return `graphene://${src}`
      if (scheme === 'gs' || scheme === 's3') return `precomputed://${src}`
      return null
    case 'cave_explorer': {
      if (scheme === 'precomputed') return src
      if (scheme === 'gs' || scheme === 's3') return `precomputed://${src}`
      const inner = scheme === 'graphene' ? src.slice('graphene://'.length) : src
      if (/^middleauth\+https?:\/\//i.test(inner)) return `graphene://${inner}`
      if (isHttp(schemeOf(inner))) return `graphene://middleauth+${inner}`
      return null
    }
  }
}
