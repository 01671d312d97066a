import { describe, expect, it } from 'vitest'
import { FORMAT_FOR_VALUES, formatSource, type FormatFor } from './format.js'
import { isInvalidParameterError } from '../http/errors.js'

const GS = 'gs://my-bucket/em/v1'
const HTTPS = 'https://example.org/segmentation/table/t1'
const HTTP = 'http://127.0.0.1:8765/segmentation/table/t1'

describe('formatSource (spec §4.6)', () => {
  it.each<[FormatFor, string, string | null]>([
    ['raw', GS, GS],
    ['raw', 'precomputed://gs://b/p', 'precomputed://gs://b/p'],
    ['cloudvolume', `graphene://${HTTPS}`, `graphene://${HTTPS}`],
    ['cloudvolume', 'precomputed://gs://b/p', 'precomputed://gs://b/p'],
    ['cloudvolume', HTTPS, `precomputed://${HTTPS}`],
    ['cloudvolume', HTTP, `precomputed://${HTTP}`],
    // Python drops the bucket here (…googleapis.com/em/v1); the bucket is kept.
    ['cloudvolume', GS, 'precomputed://https://storage.googleapis.com/my-bucket/em/v1'],
    ['cloudvolume', 'ftp://x/y', null],
    ['neuroglancer', HTTPS, `graphene://${HTTPS}`],
    ['neuroglancer', `graphene://${HTTPS}`, `graphene://${HTTPS}`],
    // Python returns null for every precomputed:// source here.
    ['neuroglancer', 'precomputed://gs://b/p', 'precomputed://gs://b/p'],
    ['neuroglancer', GS, `precomputed://${GS}`],
    ['neuroglancer', 'ftp://x/y', null],
    ['cave_explorer', HTTPS, `graphene://middleauth+${HTTPS}`],
    ['cave_explorer', `graphene://${HTTPS}`, `graphene://middleauth+${HTTPS}`],
    ['cave_explorer', `graphene://${HTTP}`, `graphene://middleauth+${HTTP}`],
    // Python adds the prefix twice.
    ['cave_explorer', `graphene://middleauth+${HTTPS}`, `graphene://middleauth+${HTTPS}`],
    // Python returns null; unchanged is the safe choice.
    ['cave_explorer', 'precomputed://gs://b/p', 'precomputed://gs://b/p'],
    ['cave-explorer', HTTPS, `graphene://middleauth+${HTTPS}`],
    ['spelunker', `graphene://${HTTPS}`, `graphene://middleauth+${HTTPS}`],
  ])('%s: %s → %s', (formatFor, source, expected) => {
    expect(formatSource(source, formatFor)).toBe(expected)
  })

  it('is idempotent for every formatFor and source shape', () => {
    const sources = [GS, HTTPS, HTTP, `graphene://${HTTPS}`, `graphene://middleauth+${HTTPS}`, 'precomputed://gs://b/p', 's3://b/p', 'ftp://x']
    for (const f of FORMAT_FOR_VALUES) {
      for (const s of sources) {
        const once = formatSource(s, f)
        if (once !== null) expect(formatSource(once, f), `${f} ${s}`).toBe(once)
      }
    }
  })

  it('passes null through and treats empty as null', () => {
    expect(formatSource(null, 'neuroglancer')).toBeNull()
    expect(formatSource(undefined, 'raw')).toBeNull()
    expect(formatSource('  ', 'cloudvolume')).toBeNull()
  })

  it('rejects an unknown formatFor, naming the accepted values', () => {
    let error: unknown
    try {
      formatSource(HTTPS, 'graphene' as FormatFor)
    } catch (e) {
      error = e
    }
    expect(isInvalidParameterError(error)).toBe(true)
    expect((error as Error).message).toContain("'cave_explorer'")
    expect(() => formatSource(null, 'nope' as FormatFor)).toThrow(/formatFor must be one of/)
  })
})
