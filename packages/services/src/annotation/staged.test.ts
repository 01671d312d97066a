import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isInvalidParameterError } from '../http/errors.js'
import { parseJson } from '../http/json.js'
import { A, annotationTestContext } from '../test-support/annotation-context.js'
import { GLOBAL, TOKEN } from '../test-support/fake-auth.js'
import { recordingSleep } from '../test-support/scripted-fetch.js'
import { createAnnotationClient } from './client.js'
import { isAnnotationValidationError, isStagedUploadError } from './errors.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const BIG = 864691135217871271n

/** A trimmed EMAnnotationSchemas `bound_tag` document (draft-07, nested definitions). */
const BOUND_TAG = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  definitions: {
    BoundSpatialPoint: {
      type: 'object',
      properties: {
        position: { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 },
        root_id: { type: 'integer', minimum: 0 },
        supervoxel_id: { type: 'integer', minimum: 0 },
      },
      required: ['position'],
    },
    BoundTagAnnotation: {
      type: 'object',
      // As marshmallow-jsonschema renders it: unknown keys (and so `id`) are not allowed.
      additionalProperties: false,
      properties: {
        valid: { type: 'boolean' },
        tag: { type: 'string' },
        pt: { type: 'object', $ref: '#/definitions/BoundSpatialPoint' },
      },
      required: ['tag', 'pt'],
    },
  },
  $ref: '#/definitions/BoundTagAnnotation',
}

const METADATA = {
  table_name: 'tags',
  schema_type: 'bound_tag',
  description: 'tags',
  created: '2024-01-01T00:00:00',
  deleted: null,
  user_id: '1',
  voxel_resolution_x: 4,
  voxel_resolution_y: 4,
  voxel_resolution_z: 40,
}

interface Batch {
  method: string
  body: { annotations: Array<Record<string, unknown>> }
  auth: string | null
}

/**
 * The metadata and schema routes, plus an annotations route answering from `answer(batchIndex,
 * rows)`; ids are handed out from `BIG` upwards.
 */
function deployment(answer?: (call: number, rows: unknown[]) => Response | undefined) {
  const batches: Batch[] = []
  const gets: string[] = []
  let next = BIG
  const handle = async (request: Request) => {
    // Lossless, so ids above 2^53 in the request are seen exactly.
    const body = parseJson(await request.text()) as Batch['body']
    batches.push({ method: request.method, body, auth: request.headers.get('authorization') })
    const custom = answer?.(batches.length - 1, body.annotations)
    if (custom) return custom
    if (request.method === 'PUT') {
      const pairs = body.annotations.map((r) => `"${String(r.id)}": ${(next++).toString()}`)
      return new HttpResponse(`{${pairs.join(', ')}}`, { headers: { 'content-type': 'application/json' } })
    }
    const ids = body.annotations.map(() => (next++).toString())
    return new HttpResponse(`[${ids.join(',')}]`, { headers: { 'content-type': 'application/json' } })
  }
  server.use(
    http.get(`${A}/table/tags`, ({ request }) => {
      gets.push(`${request.url} ${request.headers.get('authorization')}`)
      return HttpResponse.json(METADATA, { status: 201 })
    }),
    http.get(`${GLOBAL}/schema/api/v2/type/bound_tag`, ({ request }) => {
      gets.push(`${request.url} ${request.headers.get('authorization')}`)
      return HttpResponse.json(BOUND_TAG)
    }),
    http.post(`${A}/table/tags/annotations`, ({ request }) => handle(request)),
    http.put(`${A}/table/tags/annotations`, ({ request }) => handle(request)),
  )
  return { batches, gets }
}

function setup() {
  const t = annotationTestContext()
  const sleeper = recordingSleep()
  const client = createAnnotationClient(t.ctx, { sleep: sleeper.sleep })
  return { ...t, client, waits: sleeper.waits }
}

const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ tag: `t${from + i}`, pt_position: [from + i, 2 * (from + i), 3] }))

describe('uploadStagedAnnotations', () => {
  it('validates, rescales, sends batches in row order, reports progress and returns the ids in order', async () => {
    const { client } = setup()
    const { batches, gets } = deployment()
    const progress: unknown[] = []
    const ids = await client.uploadStagedAnnotations('tags', rows(25), {
      batchSize: 10,
      annotationResolution: [8, 8, 40],
      onProgress: (p) => progress.push(p),
    })
    expect(gets).toEqual([`${A}/table/tags Bearer ${TOKEN}`, `${GLOBAL}/schema/api/v2/type/bound_tag Bearer ${TOKEN}`])
    expect(batches.map((b) => b.body.annotations.length)).toEqual([10, 10, 5])
    expect(batches.every((b) => b.method === 'POST' && b.auth === `Bearer ${TOKEN}`)).toBe(true)
    // Row order kept; flat columns nested; positions × (8/4, 8/4, 40/40).
    expect(batches[1]?.body.annotations[0]).toEqual({ tag: 't10', pt: { position: [20, 40, 3] } })
    expect(batches.flatMap((b) => b.body.annotations.map((r) => r.tag))).toEqual(rows(25).map((r) => r.tag))
    expect(progress).toEqual([
      { batch: 1, batches: 3, rows: 10, totalRows: 25 },
      { batch: 2, batches: 3, rows: 20, totalRows: 25 },
      { batch: 3, batches: 3, rows: 25, totalRows: 25 },
    ])
    expect(ids).toBeInstanceOf(BigUint64Array)
    expect([...ids]).toEqual(Array.from({ length: 25 }, (_, i) => BIG + BigInt(i)))
  })

  it('defaults to batches of 10,000 and fetches the schema once per client', async () => {
    const { client } = setup()
    const { batches, gets } = deployment()
    await client.uploadStagedAnnotations('tags', rows(10_001))
    expect(batches.map((b) => b.body.annotations.length)).toEqual([10_000, 1])
    await client.uploadStagedAnnotations('tags', rows(1))
    expect(gets.filter((g) => g.includes('/schema/'))).toHaveLength(1)
    expect(gets.filter((g) => g.includes('/table/tags'))).toHaveLength(2)
  })

  it('reports every invalid row (index, field, problem) and sends nothing', async () => {
    const { client } = setup()
    const { batches } = deployment()
    const bad = [
      { tag: 'ok', pt_position: [1, 2, 3] },
      { tag: 5, pt_position: [1, 2, 3] },
      { pt_position: [1, 2] },
      { tag: 'ok', pt: { position: [1, 2, 3] }, pt_position: [1, 2, 3] },
      { tag: 'ok', pt_position: [1, 'x', 3], pt_root_id: -1 },
      { tag: 'ok' },
      { tag: 'ok', pt_position: [1, 2, 3], colour: 'red' },
    ]
    const e = await client.uploadStagedAnnotations('tags', bad).catch((x: unknown) => x)
    expect(isAnnotationValidationError(e)).toBe(true)
    expect(isInvalidParameterError(e)).toBe(true)
    if (!isAnnotationValidationError(e)) return
    expect(e.invalidRows).toEqual([1, 2, 3, 4, 5, 6])
    const byRow = (r: number) => e.problems.filter((p) => p.row === r).map((p) => `${p.field}: ${p.problem}`)
    expect(byRow(1)).toEqual(['tag: must be string'])
    expect(byRow(2)).toEqual(expect.arrayContaining(['tag: is required but missing', 'pt.position: must NOT have fewer than 3 items']))
    expect(byRow(3)[0]).toMatch(/^pt: .*both nested/)
    expect(byRow(4)).toEqual(expect.arrayContaining(['pt.position[1]: must be number', 'pt.root_id: must be >= 0']))
    expect(byRow(5)).toEqual(['pt: is required but missing'])
    expect(byRow(6)).toEqual(['colour: is not a field of this schema'])
    expect(e.message).toContain('row 1, tag: must be string')
    expect(batches).toHaveLength(0)
  })

  it('update: PUT batches with ids, merged old → new mapping; a row without id is invalid', async () => {
    const { client } = setup()
    const { batches } = deployment()
    const updates = [
      { id: 1, tag: 'a', pt_position: [1, 2, 3] },
      { id: BIG, tag: 'b', pt: { position: [4, 5, 6] } },
      { id: '3', tag: 'c', pt_position: [7, 8, 9] },
    ]
    const mapping = await client.uploadStagedAnnotations('tags', updates, { update: true, batchSize: 2 })
    expect(batches.map((b) => b.method)).toEqual(['PUT', 'PUT'])
    expect(mapping).toEqual(
      new Map([
        [1n, BIG],
        [BIG, BIG + 1n],
        [3n, BIG + 2n],
      ]),
    )
    const e = await client
      .uploadStagedAnnotations('tags', [{ tag: 'x', pt_position: [1, 2, 3] } as unknown as { id: number }], { update: true })
      .catch((x: unknown) => x)
    expect(isAnnotationValidationError(e) && e.problems[0]).toMatchObject({ row: 0, field: 'id' })
  })

  it('retries a batch after 503 with the planned waits', async () => {
    const { client, waits } = setup()
    const { batches } = deployment((call) => (call === 1 || call === 2 ? HttpResponse.json({ message: 'busy' }, { status: 503 }) : undefined))
    const ids = await client.uploadStagedAnnotations('tags', rows(4), { batchSize: 2 })
    expect(batches).toHaveLength(4)
    expect(waits).toEqual([2000, 4000])
    expect(ids).toHaveLength(4)
    // The retried batch is the same rows.
    expect(batches[1]?.body).toEqual(batches[3]?.body)
  })

  it('a batch that keeps failing stops the upload with the ids already uploaded', async () => {
    const { client, waits } = setup()
    const { batches } = deployment((call) => (call >= 1 ? HttpResponse.json({ message: 'down' }, { status: 503 }) : undefined))
    const progress: number[] = []
    const e = await client
      .uploadStagedAnnotations('tags', rows(5), { batchSize: 2, onProgress: (p) => progress.push(p.rows) })
      .catch((x: unknown) => x)
    expect(isStagedUploadError(e)).toBe(true)
    if (!isStagedUploadError(e)) return
    expect(e.failedBatch).toBe(2)
    expect(e.batches).toBe(3)
    expect(e.attempts).toBe(3)
    expect(e.uploadedRows).toBe(2)
    expect([...e.uploadedIds]).toEqual([BIG, BIG + 1n])
    expect(e.failedBatchMayHaveBeenApplied).toBe(true)
    expect(e.message).toMatch(/failed at batch 2 of 3 after 3 attempts/)
    expect(e.message).toMatch(/2 of 5 rows were uploaded/)
    expect(batches).toHaveLength(1 + 3)
    expect(waits).toEqual([2000, 4000])
    expect(progress).toEqual([2])
  })

  it('does not retry a refusal (422) and says the batch was not applied', async () => {
    const { client, waits } = setup()
    const { batches } = deployment((call) => (call === 0 ? HttpResponse.json({ message: 'bad row' }, { status: 422 }) : undefined))
    const e = await client.uploadStagedAnnotations('tags', rows(3)).catch((x: unknown) => x)
    expect(isStagedUploadError(e) && e.attempts).toBe(1)
    expect(isStagedUploadError(e) && e.failedBatchMayHaveBeenApplied).toBe(false)
    expect(isStagedUploadError(e) && e.uploadedIds.length).toBe(0)
    expect(String(e)).toContain('bad row')
    expect(batches).toHaveLength(1)
    expect(waits).toEqual([])
  })

  it('retries a batch after a network error', async () => {
    const { client, waits } = setup()
    const { batches } = deployment((call) => (call === 0 ? HttpResponse.error() : undefined))
    const ids = await client.uploadStagedAnnotations('tags', rows(2))
    expect(batches).toHaveLength(2)
    expect(waits).toEqual([2000])
    expect([...ids]).toEqual([BIG, BIG + 1n])
  })

  it('an update batch stopped by 409 may have been partly applied (rows are updated one by one)', async () => {
    const { client } = setup()
    deployment((call) => (call === 1 ? HttpResponse.json({ message: 'already superseded' }, { status: 409 }) : undefined))
    const e = await client
      .uploadStagedAnnotations('tags', [{ id: 1, tag: 'a', pt_position: [1, 2, 3] }, { id: 2, tag: 'b', pt_position: [1, 2, 3] }], {
        update: true,
        batchSize: 1,
      })
      .catch((x: unknown) => x)
    expect(isStagedUploadError(e) && e.failedBatchMayHaveBeenApplied).toBe(true)
    expect(isStagedUploadError(e) && e.uploadedMapping).toEqual(new Map([[1n, BIG]]))
    expect(isStagedUploadError(e) && e.attempts).toBe(1)
  })

  it('custom attempts and waits; Retry-After stretches a wait', async () => {
    const { client, waits } = setup()
    deployment((call) => (call < 2 ? HttpResponse.json({ message: 'slow down' }, { status: 429, headers: { 'Retry-After': '3' } }) : undefined))
    await client.uploadStagedAnnotations('tags', rows(1), { batchRetry: { attempts: 5, delaysMs: [10] } })
    expect(waits).toEqual([3000, 3000])
  })

  it('an abort after the first batch hands back what was uploaded', async () => {
    const { client } = setup()
    const controller = new AbortController()
    deployment()
    const e = await client
      .uploadStagedAnnotations('tags', rows(6), { batchSize: 2, signal: controller.signal, onProgress: (p) => p.batch === 1 && controller.abort() })
      .catch((x: unknown) => x)
    expect(isStagedUploadError(e) && e.aborted).toBe(true)
    expect(isStagedUploadError(e) && [...e.uploadedIds]).toEqual([BIG, BIG + 1n])
    expect(isStagedUploadError(e) && e.failedBatch).toBe(2)
  })

  it('an abort before anything was uploaded is a plain abort', async () => {
    const { client } = setup()
    const { batches, gets } = deployment()
    const controller = new AbortController()
    controller.abort()
    await expect(client.uploadStagedAnnotations('tags', rows(2), { signal: controller.signal })).rejects.toThrow(/abort/i)
    expect(batches).toHaveLength(0)
    expect(gets).toHaveLength(0)
  })

  it('rejects bad options before any request', async () => {
    const { client } = setup()
    const { batches, gets } = deployment()
    const reject = async (p: Promise<unknown>, parameter: string) => {
      const e = await p.catch((x: unknown) => x)
      expect(isInvalidParameterError(e) && e.parameter).toBe(parameter)
    }
    await reject(client.uploadStagedAnnotations('tags', rows(1), { batchSize: 10_001 }), 'batchSize')
    await reject(client.uploadStagedAnnotations('tags', rows(1), { batchSize: 0 }), 'batchSize')
    await reject(client.uploadStagedAnnotations('tags', rows(1), { annotationResolution: [1, 1] }), 'annotationResolution')
    await reject(client.uploadStagedAnnotations('tags', rows(1), { batchRetry: { attempts: 0 } }), 'batchRetry.attempts')
    await reject(client.uploadStagedAnnotations('tags', []), 'rows')
    await reject(client.uploadStagedAnnotations('ta/gs', rows(1)), 'table')
    expect(batches).toHaveLength(0)
    expect(gets).toHaveLength(0)
  })
})
