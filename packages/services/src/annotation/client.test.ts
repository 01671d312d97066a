import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { isHttpError, isInvalidParameterError } from '../http/errors.js'
import { A, AV, annotationTestContext } from '../test-support/annotation-context.js'
import { GLOBAL, TOKEN } from '../test-support/fake-auth.js'
import { createAnnotationClient } from './client.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const BIG = 864691135217871271n
const BIG2 = 864691135217871272n

interface Seen {
  method: string
  url: string
  headers: Headers
  body: string
}

/** Records every request msw sees. */
function recorder() {
  const seen: Seen[] = []
  const record = async (request: Request) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: await request.clone().text() })
  }
  return { seen, record }
}

const jsonText = (text: string, status = 200, headers: Record<string, string> = {}) =>
  new HttpResponse(text, { status, headers: { 'content-type': 'application/json', ...headers } })

function setup() {
  const t = annotationTestContext()
  const client = createAnnotationClient(t.ctx)
  const rec = recorder()
  return { ...t, client, ...rec }
}

function expectJsonWrite(s: Seen | undefined, method: string, url: string) {
  expect(s?.method).toBe(method)
  expect(s?.url).toBe(url)
  expect(s?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
  expect(s?.headers.get('content-type')).toBe('application/json')
}

/** Rejects with InvalidParameterError naming `parameter`, and nothing was sent. */
async function expectRejectedBeforeRequest(p: Promise<unknown>, parameter: string | RegExp, seen: unknown[]) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(isInvalidParameterError(e), String(e)).toBe(true)
  if (isInvalidParameterError(e)) {
    if (typeof parameter === 'string') expect(e.parameter).toBe(parameter)
    else expect(e.parameter).toMatch(parameter)
  }
  expect(seen).toHaveLength(0)
}

describe('construction', () => {
  it('sends nothing and reads no info record until a method is called', async () => {
    const { client, infoCalls, seen } = setup()
    expect(infoCalls()).toBe(0)
    expect(seen).toHaveLength(0)
    server.use(http.get(`${A}/table`, () => HttpResponse.json(['a'])))
    await client.getTables()
    expect(infoCalls()).toBeGreaterThan(0)
  })

  it('alignedVolumeName comes from the info record', async () => {
    const { client } = setup()
    expect(await client.alignedVolumeName()).toBe(AV)
  })
})

describe('getTables', () => {
  it('GET A/table with the token, no query', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.get(`${A}/table`, async ({ request }) => {
        await record(request)
        return HttpResponse.json(['synapses', 'cells'])
      }),
    )
    expect(await client.getTables()).toEqual(['synapses', 'cells'])
    expect(seen).toHaveLength(1)
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.url).toBe(`${A}/table`)
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
  })

  it('timestamp is sent as naive UTC with microseconds, with one warning for the unknown server version', async () => {
    const { client, seen, record, logger } = setup()
    server.use(
      http.get(`${A}/table`, async ({ request }) => {
        await record(request)
        return HttpResponse.json(['t'])
      }),
    )
    await client.getTables({ timestamp: new Date('2024-01-02T03:04:05.678Z'), filterValid: false })
    await client.getTables({ timestamp: 1704164645.5 })
    await client.getTables({ timestamp: '2024-01-02T03:04:05' })
    await client.getTables({ timestamp: '2024-01-02T04:04:05+01:00' })
    expect(seen.map((s) => new URL(s.url).search)).toEqual([
      '?timestamp=2024-01-02T03%3A04%3A05.678000&filter_valid=false',
      '?timestamp=2024-01-02T03%3A04%3A05.500000',
      '?timestamp=2024-01-02T03%3A04%3A05.000000',
      '?timestamp=2024-01-02T03%3A04%3A05.000000',
    ])
    const gate = logger.warnings.filter((w) => w.includes('4.33.0'))
    expect(gate).toHaveLength(1)
    expect(gate[0]).toMatch(/annotation server >=4\.33\.0.*no version/)
  })

  it('rejects a bad timestamp or filterValid before any request', async () => {
    const { client, seen } = setup()
    await expectRejectedBeforeRequest(client.getTables({ timestamp: 'yesterday' }), 'timestamp', seen)
    await expectRejectedBeforeRequest(client.getTables({ timestamp: Number.NaN }), 'timestamp', seen)
    await expectRejectedBeforeRequest(client.getTables({ timestamp: new Date('nope') }), 'timestamp', seen)
    await expectRejectedBeforeRequest(client.getTables({ filterValid: 'yes' as unknown as boolean }), 'filterValid', seen)
  })
})

describe('getTableMetadata', () => {
  it('reads the 201 answer, folds the voxel resolution and parses the timestamps as UTC', async () => {
    const { client, seen, record, logger } = setup()
    server.use(
      http.get(`${A}/table/:t`, async ({ request, params }) => {
        await record(request)
        expect(params.t).toBe('my_table')
        return HttpResponse.json(
          {
            id: 7,
            table_name: 'my_table',
            schema_type: 'bound_tag',
            description: 'tags',
            created: '2024-05-06T07:08:09.123456',
            deleted: null,
            valid: true,
            user_id: '12',
            reference_table: null,
            flat_segmentation_source: null,
            notice_text: 'cite us',
            read_permission: 'PUBLIC',
            write_permission: 'PRIVATE',
            last_modified: '2024-05-07 00:00:00.5',
            voxel_resolution_x: 4,
            voxel_resolution_y: 4,
            voxel_resolution_z: 40,
          },
          { status: 201, headers: { Warning: 'Table Owner Notice: cite us' } },
        )
      }),
    )
    const md = await client.getTableMetadata('my_table')
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.url).toBe(`${A}/table/my_table`)
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(md.voxelResolution).toEqual([4, 4, 40])
    expect(md).not.toHaveProperty('voxel_resolution_x')
    expect(md.created).toEqual(new Date('2024-05-06T07:08:09.123Z'))
    expect(md.deleted).toBeNull()
    expect(md.last_modified).toEqual(new Date('2024-05-07T00:00:00.500Z'))
    expect(md.schema_type).toBe('bound_tag')
    expect(md.user_id).toBe('12')
    expect(logger.warnings.some((w) => w.includes('Table Owner Notice: cite us'))).toBe(true)
  })

  it('reads Flask HTTP dates too, and keeps an unreadable timestamp as sent', async () => {
    const { client } = setup()
    server.use(
      http.get(`${A}/table/:t`, () =>
        HttpResponse.json(
          { table_name: 't', schema_type: 's', created: 'Tue, 02 Jan 2024 03:04:05 GMT', deleted: 'sometime', voxel_resolution_x: 1, voxel_resolution_y: 1, voxel_resolution_z: 1 },
          { status: 201 },
        ),
      ),
    )
    const md = await client.getTableMetadata('t')
    expect(md.created).toEqual(new Date('2024-01-02T03:04:05Z'))
    expect(md.deleted).toBe('sometime')
  })

  it('rejects table names that would change the path, before any request', async () => {
    const { client, seen } = setup()
    await expectRejectedBeforeRequest(client.getTableMetadata('a/b'), 'table', seen)
    await expectRejectedBeforeRequest(client.getTableMetadata('..'), 'table', seen)
    await expectRejectedBeforeRequest(client.getTableMetadata(''), 'table', seen)
    await expectRejectedBeforeRequest(client.getAnnotationCount('x?y=1'), 'table', seen)
  })

  it('a server error is an HttpError carrying the server message', async () => {
    const { client } = setup()
    server.use(http.get(`${A}/table/:t`, () => HttpResponse.json({ message: 'table missing_t not found' }, { status: 404 })))
    const e = await client.getTableMetadata('missing_t').catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(404)
    expect(isHttpError(e) && e.serverMessage).toBe('table missing_t not found')
  })
})

describe('getAnnotationCount', () => {
  it('GET A/table/{t}/count', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.get(`${A}/table/:t/count`, async ({ request }) => {
        await record(request)
        return HttpResponse.json(42)
      }),
    )
    expect(await client.getAnnotationCount('tags')).toBe(42)
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.url).toBe(`${A}/table/tags/count`)
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
  })
})

describe('createTable', () => {
  it('POST A/table with the CreateTable body and the defaults', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table`, async ({ request }) => {
        await record(request)
        return new HttpResponse('new_tags', { headers: { 'content-type': 'text/html; charset=utf-8' } })
      }),
    )
    const answer = await client.createTable('new_tags', 'bound_tag', { description: 'my tags', voxelResolution: [4, 4, 40] })
    expect(answer).toBe('new_tags')
    expectJsonWrite(seen[0], 'POST', `${A}/table`)
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      schema_type: 'bound_tag',
      table_name: 'new_tags',
      metadata: {
        description: 'my tags',
        voxel_resolution_x: 4,
        voxel_resolution_y: 4,
        voxel_resolution_z: 40,
        read_permission: 'PUBLIC',
        write_permission: 'PRIVATE',
      },
    })
  })

  it('sends the optional fields; notice text "none" (any case) becomes ""', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table`, async ({ request }) => {
        await record(request)
        return new HttpResponse('ok')
      }),
    )
    await client.createTable('ref_tags', 'bound_tag', {
      description: 'd',
      voxelResolution: new Float64Array([1, 1, 1]) as unknown as number[],
      readPermission: 'GROUP',
      writePermission: 'PUBLIC',
      userId: 12,
      noticeText: 'NoNe',
      referenceTable: 'cells',
      trackTargetIdUpdates: true,
      flatSegmentationSource: 'precomputed://gs://b/flat',
    })
    expect(JSON.parse(seen[0]?.body ?? '').metadata).toEqual({
      description: 'd',
      voxel_resolution_x: 1,
      voxel_resolution_y: 1,
      voxel_resolution_z: 1,
      read_permission: 'GROUP',
      write_permission: 'PUBLIC',
      user_id: '12',
      notice_text: '',
      table_metadata: { reference_table: 'cells', track_target_id_updates: true },
      flat_segmentation_source: 'precomputed://gs://b/flat',
    })
  })

  it('rejects bad names, permissions, descriptions and resolutions before any request', async () => {
    const { client, seen } = setup()
    const ok = { description: 'd', voxelResolution: [4, 4, 40] }
    await expectRejectedBeforeRequest(client.createTable('bad/name', 'bound_tag', ok), 'table', seen)
    await expectRejectedBeforeRequest(client.createTable('UpperCase', 'bound_tag', ok), 'table', seen)
    await expectRejectedBeforeRequest(client.createTable('1abc', 'bound_tag', ok), 'table', seen)
    await expectRejectedBeforeRequest(client.createTable('has space', 'bound_tag', ok), 'table', seen)
    await expectRejectedBeforeRequest(client.createTable('t', '', ok), 'schemaType', seen)
    await expectRejectedBeforeRequest(
      client.createTable('t', 'bound_tag', { ...ok, readPermission: 'public' as 'PUBLIC' }),
      'readPermission',
      seen,
    )
    await expectRejectedBeforeRequest(
      client.createTable('t', 'bound_tag', { ...ok, writePermission: 'EVERYONE' as 'PUBLIC' }),
      'writePermission',
      seen,
    )
    await expectRejectedBeforeRequest(client.createTable('t', 'bound_tag', { ...ok, description: '  ' }), 'description', seen)
    await expectRejectedBeforeRequest(client.createTable('t', 'bound_tag', { ...ok, voxelResolution: [4, 4] }), 'voxelResolution', seen)
    await expectRejectedBeforeRequest(client.createTable('t', 'bound_tag', { ...ok, voxelResolution: [4, -4, 40] }), 'voxelResolution', seen)
    await expectRejectedBeforeRequest(client.createTable('t', 'bound_tag', { ...ok, userId: -3 }), 'userId', seen)
    await expectRejectedBeforeRequest(client.createTable('t', 'bound_tag', { ...ok, trackTargetIdUpdates: true }), 'trackTargetIdUpdates', seen)
    const e = await client.createTable('Bad', 'bound_tag', ok).catch((x: unknown) => x)
    expect(String(e)).toContain('"Bad"')
  })

  it('is not retried on 503 unless asked', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table`, async ({ request }) => {
        await record(request)
        return HttpResponse.json({ message: 'busy' }, { status: 503 })
      }),
    )
    const e = await client.createTable('t', 'bound_tag', { description: 'd', voxelResolution: [1, 1, 1] }).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(503)
    expect(seen).toHaveLength(1)
    await client.createTable('t', 'bound_tag', { description: 'd', voxelResolution: [1, 1, 1], retry: true }).catch(() => {})
    expect(seen).toHaveLength(1 + 4)
  })
})

describe('deleteTable', () => {
  it('DELETE A/table/{t}', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.delete(`${A}/table/:t`, async ({ request }) => {
        await record(request)
        return HttpResponse.json(true)
      }),
    )
    expect(await client.deleteTable('old_tags')).toBe(true)
    expect(seen[0]?.method).toBe('DELETE')
    expect(seen[0]?.url).toBe(`${A}/table/old_tags`)
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(seen[0]?.body).toBe('')
  })
})

describe('updateMetadata', () => {
  const answer = {
    table_name: 'tags',
    schema_type: 'bound_tag',
    description: 'new',
    created: '2024-01-01T00:00:00',
    deleted: null,
    user_id: '1',
    notice_text: '',
    voxel_resolution_x: 1,
    voxel_resolution_y: 2,
    voxel_resolution_z: 3,
  }

  it('PUT A/table with only the given fields; "None" values become ""', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.put(`${A}/table`, async ({ request }) => {
        await record(request)
        return HttpResponse.json(answer)
      }),
    )
    const md = await client.updateMetadata('tags', { description: 'new', noticeText: 'None', writePermission: 'GROUP' })
    expectJsonWrite(seen[0], 'PUT', `${A}/table`)
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      table_name: 'tags',
      metadata: { description: 'new', notice_text: '', write_permission: 'GROUP' },
    })
    expect(md.voxelResolution).toEqual([1, 2, 3])
    expect(md.created).toEqual(new Date('2024-01-01T00:00:00Z'))
  })

  it('rejects no fields and bad permissions before any request', async () => {
    const { client, seen } = setup()
    await expectRejectedBeforeRequest(client.updateMetadata('tags', {}), 'fields', seen)
    await expectRejectedBeforeRequest(client.updateMetadata('tags', { readPermission: 'ALL' as 'PUBLIC' }), 'readPermission', seen)
    await expectRejectedBeforeRequest(client.updateMetadata('ta/gs', { description: 'x' }), 'table', seen)
  })
})

describe('getAnnotation', () => {
  it('GET annotations?annotation_ids=… with ids above 2^53 kept exact', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.get(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return jsonText(
          `[{"id":${BIG},"created":"2024-01-01 10:00:00.123456","deleted":"None","superceded_id":null,"valid":true,"tag":"a","pt_position":[1,2,3]},` +
            `{"id":5,"created":"2024-01-01 10:00:00","deleted":"2024-01-02 00:00:00","superceded_id":${BIG2},"valid":false,"tag":"b","pt_position":[4,5,6]}]`,
        )
      }),
    )
    const rows = await client.getAnnotation('tags', [BIG, 5])
    expect(seen[0]?.method).toBe('GET')
    expect(seen[0]?.url).toBe(`${A}/table/tags/annotations?annotation_ids=864691135217871271,5`)
    expect(new URL(seen[0]?.url ?? '').searchParams.get('annotation_ids')).toBe(`${BIG},5`)
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`)
    expect(rows[0]).toEqual({
      id: BIG,
      created: new Date('2024-01-01T10:00:00.123Z'),
      deleted: null,
      superceded_id: null,
      valid: true,
      tag: 'a',
      pt_position: [1, 2, 3],
    })
    expect(rows[1]?.id).toBe(5n)
    expect(rows[1]?.superceded_id).toBe(BIG2)
    expect(rows[1]?.deleted).toEqual(new Date('2024-01-02T00:00:00Z'))
  })

  it('accepts one id, and rejects bad ids before any request', async () => {
    const { client, seen, record } = setup()
    await expectRejectedBeforeRequest(client.getAnnotation('tags', -1), 'ids', seen)
    await expectRejectedBeforeRequest(client.getAnnotation('tags', [1, 2.5]), 'ids[1]', seen)
    await expectRejectedBeforeRequest(client.getAnnotation('tags', [2 ** 60]), 'ids[0]', seen)
    await expectRejectedBeforeRequest(client.getAnnotation('tags', ['12a']), 'ids[0]', seen)
    await expectRejectedBeforeRequest(client.getAnnotation('tags', [2n ** 64n]), 'ids[0]', seen)
    await expectRejectedBeforeRequest(client.getAnnotation('tags', []), 'ids', seen)
    server.use(
      http.get(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return HttpResponse.json([{ id: 3 }])
      }),
    )
    expect((await client.getAnnotation('tags', '3'))[0]?.id).toBe(3n)
    expect(new URL(seen[0]?.url ?? '').searchParams.get('annotation_ids')).toBe('3')
  })
})

describe('postAnnotation', () => {
  it('wraps a single row, converts flat columns to nested points and returns exact ids', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return jsonText(`[${BIG}]`)
      }),
    )
    const ids = await client.postAnnotation('tags', { tag: 'x', pt_position: [1, 2, 3], pt_root_id: BIG })
    expect(ids).toBeInstanceOf(BigUint64Array)
    expect([...ids]).toEqual([BIG])
    expectJsonWrite(seen[0], 'POST', `${A}/table/tags/annotations`)
    expect(seen[0]?.body).toBe(`{"annotations":[{"tag":"x","pt":{"position":[1,2,3],"root_id":${BIG}}}]}`)
  })

  it('sends a list of nested rows as given, ids in row order', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return jsonText(`[${BIG},${BIG2},3]`)
      }),
    )
    const rows = [
      { tag: 'a', pt: { position: [1, 2, 3] } },
      { tag: 'b', pt: { position: new Float32Array([4, 5, 6]) } },
      { tag: 'c', pt_position: new Int32Array([7, 8, 9]) },
    ]
    expect([...(await client.postAnnotation('tags', rows))]).toEqual([BIG, BIG2, 3n])
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({
      annotations: [
        { tag: 'a', pt: { position: [1, 2, 3] } },
        { tag: 'b', pt: { position: [4, 5, 6] } },
        { tag: 'c', pt: { position: [7, 8, 9] } },
      ],
    })
  })

  it('is not retried by default', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.post(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return HttpResponse.json({ message: 'gateway' }, { status: 502 })
      }),
    )
    const e = await client.postAnnotation('tags', { tag: 'x', pt_position: [1, 2, 3] }).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(502)
    expect(seen).toHaveLength(1)
  })

  it('surfaces the server validation message (422)', async () => {
    const { client } = setup()
    server.use(
      http.post(`${A}/table/:t/annotations`, () =>
        HttpResponse.json({ message: "{'pt': {'position': ['Missing data for required field.']}}" }, { status: 422 }),
      ),
    )
    const e = await client.postAnnotation('tags', { tag: 'x' }).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(422)
    expect(isHttpError(e) && e.serverMessage).toContain('Missing data for required field')
  })

  it('rejects bad rows before any request', async () => {
    const { client, seen } = setup()
    await expectRejectedBeforeRequest(client.postAnnotation('tags', []), 'rows', seen)
    await expectRejectedBeforeRequest(client.postAnnotation('tags', [null as unknown as Record<string, unknown>]), 'rows[0]', seen)
    await expectRejectedBeforeRequest(client.postAnnotation('tags', [{ pt: { position: [1, 2, 3] }, pt_position: [1, 2, 3] }]), 'rows[0].pt', seen)
    await expectRejectedBeforeRequest(client.postAnnotation('tags', [{ tag: 'a' }, { id: -2, tag: 'b' }]), 'rows[1].id', seen)
    await expectRejectedBeforeRequest(client.postAnnotation('bad/table', [{ tag: 'a' }]), 'table', seen)
    const many = Array.from({ length: 10_001 }, () => ({ tag: 'a', pt_position: [1, 2, 3] }))
    await expectRejectedBeforeRequest(client.postAnnotation('tags', many), 'rows', seen)
    await expect(client.postAnnotation('tags', many)).rejects.toThrow(/uploadStagedAnnotations/)
  })
})

describe('updateAnnotation', () => {
  it('PUT with ids as bare integers; {"old": new} becomes a Map', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.put(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return jsonText(`{"${BIG}": ${BIG2}, "7": 8}`)
      }),
    )
    const mapping = await client.updateAnnotation('tags', [
      { id: BIG, tag: 'new', pt_position: [1, 2, 3] },
      { id: 7, tag: 'n2', pt: { position: [4, 5, 6] } },
    ])
    expect(mapping).toEqual(
      new Map([
        [BIG, BIG2],
        [7n, 8n],
      ]),
    )
    expectJsonWrite(seen[0], 'PUT', `${A}/table/tags/annotations`)
    // Key order kept; the nested point takes the place of its first flat column.
    expect(seen[0]?.body).toBe(
      `{"annotations":[{"id":${BIG},"tag":"new","pt":{"position":[1,2,3]}},{"id":7,"tag":"n2","pt":{"position":[4,5,6]}}]}`,
    )
  })

  it('merges a list of per-row mappings (older engines)', async () => {
    const { client } = setup()
    server.use(http.put(`${A}/table/:t/annotations`, () => jsonText(`[{"1": 3}, {"2": ${BIG}}]`)))
    expect(await client.updateAnnotation('tags', { id: 1, tag: 'x' })).toEqual(
      new Map([
        [1n, 3n],
        [2n, BIG],
      ]),
    )
  })

  it('needs an id on every row', async () => {
    const { client, seen } = setup()
    await expectRejectedBeforeRequest(client.updateAnnotation('tags', [{ tag: 'x' } as unknown as { id: number }]), 'rows[0].id', seen)
    await expectRejectedBeforeRequest(client.updateAnnotation('tags', [{ id: 1.5, tag: 'x' }]), 'rows[0].id', seen)
  })
})

describe('deleteAnnotation', () => {
  it('DELETE with {"annotation_ids": [...]} and exact ids back', async () => {
    const { client, seen, record } = setup()
    server.use(
      http.delete(`${A}/table/:t/annotations`, async ({ request }) => {
        await record(request)
        return jsonText(`[${BIG},4]`)
      }),
    )
    const ids = await client.deleteAnnotation('tags', [BIG, 4])
    expect([...ids]).toEqual([BIG, 4n])
    expectJsonWrite(seen[0], 'DELETE', `${A}/table/tags/annotations`)
    expect(seen[0]?.body).toBe(`{"annotation_ids":[${BIG},4]}`)
  })

  it('a 404 for unknown ids carries the server text', async () => {
    const { client } = setup()
    server.use(http.delete(`${A}/table/:t/annotations`, () => jsonText('"annotation_id [99] not in table tags"', 404)))
    const e = await client.deleteAnnotation('tags', 99).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(404)
    expect(isHttpError(e) && e.serverMessage).toBe('annotation_id [99] not in table tags')
  })
})

describe('auth and abort', () => {
  it('the token goes only to origins the AuthClient allows (the client adds none itself)', async () => {
    // A context whose local server was never registered with the AuthClient.
    const t = annotationTestContext({ info: { local_server: 'https://elsewhere.test' } })
    const ctx = { ...t.ctx, localServer: async () => 'https://elsewhere.test' }
    const client = createAnnotationClient(ctx)
    const { seen, record } = recorder()
    server.use(
      http.get('https://elsewhere.test/annotation/api/v2/aligned_volume/:av/table', async ({ request }) => {
        await record(request)
        return HttpResponse.json([])
      }),
    )
    await client.getTables()
    expect(seen[0]?.headers.get('authorization')).toBeNull()
    expect(t.auth.authorizes('https://elsewhere.test/x')).toBe(false)
    expect(t.auth.authorizes(GLOBAL)).toBe(true)
  })

  it('an aborted signal rejects before any request', async () => {
    const { client, seen } = setup()
    const controller = new AbortController()
    controller.abort()
    await expect(client.getTables({ signal: controller.signal })).rejects.toThrow(/abort/i)
    await expect(client.postAnnotation('tags', { tag: 'x' }, { signal: controller.signal })).rejects.toThrow(/abort/i)
    expect(seen).toHaveLength(0)
  })
})
