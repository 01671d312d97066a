/**
 * In Chromium: the annotation client (through FrameworkClient) against the local deployment —
 * cross-origin writes with the Bearer header (preflighted PUT/DELETE with JSON bodies), ids above
 * 2^53 kept exact, and a staged upload validated by ajv in the page before anything is sent.
 */
import { FrameworkClient, isAnnotationValidationError, isHttpError } from '@daf/services'
import { describe, expect, inject, it } from 'vitest'
import { DEMO_ALIGNED_VOLUME, DEMO_DATASTACK } from './constants.js'

const url = inject('devServerUrl')
const token = inject('devServerToken')
const quiet = { warn: () => {}, debug: () => {} }
const client = () => new FrameworkClient(DEMO_DATASTACK, { serverAddress: url, authToken: token, logger: quiet })
/** The server is shared by every browser test: a table name only this run uses. */
const unique = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10).replace(/\d/g, 'x')}`

interface LoggedRequest {
  seq: number
  method: string
  path: string
  hasAuth: boolean
  status?: number
}

async function requestsFor(table: string): Promise<LoggedRequest[]> {
  const all = (await (await fetch(`${url}/__dev/requests`)).json()) as LoggedRequest[]
  return all.filter((r) => r.path.includes(`/table/${table}`))
}

describe('browser: annotation client against the local deployment', () => {
  it('creates a table, writes, reads, updates and deletes rows with the token', async () => {
    const annotation = client().annotation
    const table = unique('br_tags')
    expect(await annotation.createTable(table, 'bound_tag', { description: 'browser test', voxelResolution: [4, 4, 40] })).toBe(table)
    expect(await annotation.getTables()).toContain(table)
    expect((await annotation.getTableMetadata(table)).voxelResolution).toEqual([4, 4, 40])

    const ids = await annotation.postAnnotation(table, [
      { tag: 'a', pt_position: [1, 2, 3] },
      { tag: 'b', pt: { position: [4, 5, 6], root_id: 864691135217871271n } },
    ])
    expect([...ids]).toEqual([1n, 2n])
    const rows = await annotation.getAnnotation(table, ids)
    expect(rows.map((r) => [r.id, r.tag, r.pt_position])).toEqual([
      [1n, 'a', [1, 2, 3]],
      [2n, 'b', [4, 5, 6]],
    ])
    expect(rows[1]?.pt_root_id).toBe(864691135217871271n)
    expect(await annotation.updateAnnotation(table, { id: 1n, tag: 'a2', pt_position: [1, 2, 3] })).toEqual(new Map([[1n, 3n]]))
    expect([...(await annotation.deleteAnnotation(table, 2n))]).toEqual([2n])
    expect(await annotation.getAnnotationCount(table)).toBe(3)

    // Every request (preflights aside) carried the Bearer header.
    const logged = (await requestsFor(table)).filter((r) => r.method !== 'OPTIONS')
    expect(logged.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'GET', 'PUT', 'DELETE']))
    expect(logged.every((r) => r.hasAuth)).toBe(true)
  })

  it('staged upload: ajv validates in the page; a valid batch goes through with progress', async () => {
    const annotation = client().annotation
    const table = unique('br_staged')
    await annotation.createTable(table, 'bound_tag', { description: 'browser staged', voxelResolution: [4, 4, 40] })
    const bad = await annotation
      .uploadStagedAnnotations(table, [{ tag: 'ok', pt_position: [1, 2, 3] }, { tag: 7, pt_position: [1, 2] }])
      .catch((e: unknown) => e)
    expect(isAnnotationValidationError(bad) && bad.invalidRows).toEqual([1])
    expect((await requestsFor(table)).filter((r) => r.method === 'POST')).toEqual([])

    const progress: number[] = []
    const rows = Array.from({ length: 7 }, (_, i) => ({ tag: `t${i}`, pt_position: [i, i, i] }))
    const ids = await annotation.uploadStagedAnnotations(table, rows, {
      batchSize: 3,
      annotationResolution: [8, 8, 40],
      onProgress: (p) => progress.push(p.rows),
    })
    expect(progress).toEqual([3, 6, 7])
    expect(ids).toHaveLength(7)
    expect((await annotation.getAnnotation(table, ids[6] as bigint))[0]?.pt_position).toEqual([12, 12, 6])
  })

  it('server refusals arrive as HttpError with the engine’s message', async () => {
    const annotation = client().annotation
    const e = await annotation.getTableMetadata(unique('br_missing')).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(404)
    expect(isHttpError(e) && e.serverMessage).toMatch(new RegExp(`not found in aligned volume ${DEMO_ALIGNED_VOLUME}`))
  })
})
