/**
 * The annotation client (through FrameworkClient) against the local deployment's annotation
 * engine over real HTTP: tables, rows, updates and deletes, staged uploads, server-side errors,
 * ids above 2^53, and tables that survive a restart with the same data directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FrameworkClient,
  createAnnotationClient,
  isAuthError,
  isHttpError,
  isStagedUploadError,
  type AnnotationClient,
  type FrameworkClientOptions,
} from '@daf/services'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ANNOTATION_STORE_FILE,
  DEMO_ALIGNED_VOLUME,
  DEMO_DATASTACK,
  DEV_TOKEN,
  NO_PERMISSION_TOKEN,
  startDevServer,
  type DevServer,
  type DevServerOptions,
} from './index.js'

const BIG = 864691135217871271n
const quiet = { warn: () => {}, debug: () => {} }
const fast = async (_ms: number, signal?: AbortSignal) => signal?.throwIfAborted()

let server: DevServer
let secretsDir: string
let n = 0
/** A table name nobody else uses on this server. */
const fresh = (prefix = 'tags') => `${prefix}_${++n}`

beforeAll(async () => {
  server = await startDevServer()
  secretsDir = await mkdtemp(join(tmpdir(), 'daf-annotation-int-'))
})
afterAll(async () => {
  await server.close()
  await rm(secretsDir, { recursive: true, force: true })
})
beforeEach(() => server.faults.clear())

function framework(on: DevServer, extra: FrameworkClientOptions = {}) {
  return new FrameworkClient(DEMO_DATASTACK, {
    serverAddress: on.url,
    authToken: DEV_TOKEN,
    secretsDir,
    writeServerCache: false,
    logger: quiet,
    ...extra,
  })
}

function annotation(on: DevServer = server, extra: FrameworkClientOptions = {}): AnnotationClient {
  // The staged-upload waits are skipped; everything else is the FrameworkClient's own context.
  return createAnnotationClient(framework(on, extra).context, { sleep: fast })
}

const tagTable = (client: AnnotationClient, name: string, extra: Record<string, unknown> = {}) =>
  client.createTable(name, 'bound_tag', { description: `test table ${name}`, voxelResolution: [4, 4, 40], ...extra })

describe('annotation client against the local deployment', () => {
  it('client.annotation: create, list, metadata, post, read, update, delete, count', async () => {
    const fw = framework(server)
    const client = fw.annotation
    const table = fresh()
    expect(await client.alignedVolumeName()).toBe(DEMO_ALIGNED_VOLUME)
    expect(await tagTable(client, table, { noticeText: 'please cite' })).toBe(table)
    expect(await client.getTables()).toContain(table)

    const md = await client.getTableMetadata(table)
    expect(md).toMatchObject({ table_name: table, schema_type: 'bound_tag', read_permission: 'PUBLIC', write_permission: 'PRIVATE', valid: true })
    expect(md.voxelResolution).toEqual([4, 4, 40])
    expect(md.created).toBeInstanceOf(Date)
    expect(Math.abs((md.created as Date).getTime() - Date.now())).toBeLessThan(60_000)
    expect(md.user_id).toMatch(/^\d+$/)

    const ids = await client.postAnnotation(table, [
      { tag: 'a', pt_position: [1, 2, 3] },
      { tag: 'b', pt: { position: [4, 5, 6], root_id: BIG } },
    ])
    expect([...ids]).toEqual([1n, 2n])
    const [a, b] = await client.getAnnotation(table, ids)
    expect(a).toMatchObject({ id: 1n, tag: 'a', pt_position: [1, 2, 3], valid: true, deleted: null, superceded_id: null })
    expect(a?.created).toBeInstanceOf(Date)
    expect(b).toMatchObject({ id: 2n, tag: 'b', pt_position: [4, 5, 6], pt_root_id: BIG })

    const mapping = await client.updateAnnotation(table, { id: 1, tag: 'a2', pt_position: [7, 8, 9] })
    expect(mapping).toEqual(new Map([[1n, 3n]]))
    const [old, replacement] = await client.getAnnotation(table, [1n, 3n])
    expect(old).toMatchObject({ valid: false, superceded_id: 3n })
    expect(old?.deleted).toBeInstanceOf(Date)
    expect(replacement).toMatchObject({ id: 3n, tag: 'a2', pt_position: [7, 8, 9], valid: true })

    expect([...(await client.deleteAnnotation(table, [2n]))]).toEqual([2n])
    expect((await client.getAnnotation(table, 2))[0]).toMatchObject({ valid: false })
    // Every row ever written: two posted, one replacement.
    expect(await client.getAnnotationCount(table)).toBe(3)

    const updated = await client.updateMetadata(table, { description: 'renamed', noticeText: 'none' })
    expect(updated).toMatchObject({ description: 'renamed', notice_text: null })
    expect(updated.voxelResolution).toEqual([4, 4, 40])

    expect(await client.deleteTable(table)).toBe(true)
    expect(await client.getTables()).not.toContain(table)
    expect(await client.getTables({ filterValid: false })).toContain(table)
    expect((await client.getTableMetadata(table)).deleted).toBeInstanceOf(Date)
  })

  it('getTables({ timestamp }) lists tables as of that time', async () => {
    const client = annotation()
    const before = new Date(Date.now() - 5_000)
    const table = fresh()
    await tagTable(client, table)
    expect(await client.getTables({ timestamp: before })).not.toContain(table)
    expect(await client.getTables({ timestamp: new Date(Date.now() + 5_000) })).toContain(table)
    const sent = server.requests.filter((r) => r.path.endsWith('/table') && r.query.timestamp !== undefined)
    expect(sent.at(-1)?.query.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/)
  })

  it('staged upload: validated, rescaled, batched in order with progress; ids back in row order', async () => {
    const client = annotation()
    const table = fresh()
    await tagTable(client, table)
    const rows = Array.from({ length: 25 }, (_, i) => ({ tag: `t${i}`, pt_position: [i, i + 1, i + 2] }))
    const progress: string[] = []
    const ids = await client.uploadStagedAnnotations(table, rows, {
      batchSize: 10,
      annotationResolution: [8, 8, 40],
      onProgress: (p) => progress.push(`${p.batch}/${p.batches}:${p.rows}/${p.totalRows}`),
    })
    expect(progress).toEqual(['1/3:10/25', '2/3:20/25', '3/3:25/25'])
    expect([...ids]).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i + 1)))
    const back = await client.getAnnotation(table, [ids[0] as bigint, ids[24] as bigint])
    expect(back.map((r) => [r.tag, r.pt_position])).toEqual([
      ['t0', [0, 2, 2]],
      ['t24', [48, 50, 26]],
    ])
    const posts = server.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/table/${table}/annotations`))
    expect(posts).toHaveLength(3)
  })

  it('staged upload: invalid rows are refused on the client; the server refuses them too (422)', async () => {
    const client = annotation()
    const table = fresh()
    await tagTable(client, table)
    const bad = [{ tag: 'ok', pt_position: [1, 2, 3] }, { tag: 3, pt_position: [1, 2] }]
    const before = server.requests.length
    await expect(client.uploadStagedAnnotations(table, bad)).rejects.toThrow(/row 1, tag: must be string/)
    expect(server.requests.slice(before).some((r) => r.method === 'POST')).toBe(false)
    const e = await client.postAnnotation(table, bad).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(422)
    expect(isHttpError(e) && e.serverMessage).toMatch(/Not a valid string|Length must be 3/)
    expect(await client.getAnnotationCount(table)).toBe(0)
  })

  it('staged upload rides out a 503 burst on its own table, and reports what was uploaded when a batch keeps failing', async () => {
    const client = annotation()
    const table = fresh()
    await tagTable(client, table)
    const rows = Array.from({ length: 6 }, (_, i) => ({ tag: `r${i}`, pt_position: [i, 0, 0] }))
    const path = `/annotation/api/v2/aligned_volume/${DEMO_ALIGNED_VOLUME}/table/${table}/annotations`
    server.faults.add({ method: 'POST', path, status: 503, skip: 1, times: 2 })
    expect(await client.uploadStagedAnnotations(table, rows, { batchSize: 2 })).toHaveLength(6)

    server.faults.add({ method: 'POST', path, status: 503, skip: 1 })
    const e = await client.uploadStagedAnnotations(table, rows, { batchSize: 2 }).catch((x: unknown) => x)
    expect(isStagedUploadError(e)).toBe(true)
    if (!isStagedUploadError(e)) return
    expect(e.failedBatch).toBe(2)
    expect(e.attempts).toBe(3)
    expect([...e.uploadedIds]).toEqual([7n, 8n])
    server.faults.clear()
    expect(await client.getAnnotationCount(table)).toBe(8)
  })

  it('server-side refusals come back as HttpError/AuthError with the engine’s message', async () => {
    const client = annotation()
    const table = fresh()
    await tagTable(client, table)
    const e1 = await tagTable(client, table).catch((x: unknown) => x)
    expect(isHttpError(e1) && [e1.status, e1.serverMessage]).toEqual([400, `Table ${table} already exists`])

    // Past the client's checks, straight to the engine.
    const fw = framework(server)
    const A = `/annotation/api/v2/aligned_volume/${DEMO_ALIGNED_VOLUME}/table`
    const raw = (json: unknown) => fw.http.request(`POST ${A}`, { baseUrl: server.url, json, responseType: 'text' }).catch((x: unknown) => x)
    const md = { description: 'd', voxel_resolution_x: 1, voxel_resolution_y: 1, voxel_resolution_z: 1 }
    const e2 = await raw({ schema_type: 'bound_tag', table_name: 'Bad/Name', metadata: md })
    expect(isHttpError(e2) && e2.status).toBe(400)
    const e3 = await raw({ schema_type: 'bound_tag', table_name: fresh(), metadata: { ...md, description: undefined } })
    expect(isHttpError(e3) && [e3.status, e3.serverMessage]).toEqual([404, 'Table description required'])

    const e4 = await client.getTableMetadata('no_such_table').catch((x: unknown) => x)
    expect(isHttpError(e4) && e4.status).toBe(404)
    const many = Array.from({ length: 10_001 }, () => ({ tag: 'x', pt: { position: [1, 1, 1] } }))
    // The client refuses this before sending (use uploadStagedAnnotations); the engine would answer 413.
    await expect(client.postAnnotation(table, many)).rejects.toThrow(/limit of 10000/)
    const e5 = await fw.http
      .request(`POST ${A}/${table}/annotations`, { baseUrl: server.url, json: { annotations: many } })
      .catch((x: unknown) => x)
    expect(isHttpError(e5) && e5.status).toBe(413)
    const e6 = await client.updateAnnotation(table, { id: 999, tag: 'x', pt_position: [1, 1, 1] }).catch((x: unknown) => x)
    expect(isHttpError(e6) && e6.status).toBe(404)
    const [id] = await client.postAnnotation(table, { tag: 'x', pt_position: [1, 1, 1] })
    await client.updateAnnotation(table, { id: id as bigint, tag: 'y', pt_position: [1, 1, 1] })
    const e7 = await client.updateAnnotation(table, { id: id as bigint, tag: 'z', pt_position: [1, 1, 1] }).catch((x: unknown) => x)
    expect(isHttpError(e7) && e7.status).toBe(409)

    const noPerm = annotation(server, { authToken: NO_PERMISSION_TOKEN })
    const e8 = await noPerm.getTables().catch((x: unknown) => x)
    // The info record is read first, and this user may not even view the datastack.
    expect(isAuthError(e8) && e8.status).toBe(403)
  })

  it('a PRIVATE table refuses writes from another user with edit permission', async () => {
    const other = 'abcdefabcdefabcdefabcdefabcdef01'
    server.tokens.add({ token: other, name: 'Other User' })
    const owner = annotation()
    const table = fresh()
    await tagTable(owner, table)
    const intruder = annotation(server, { authToken: other })
    const e = await intruder.postAnnotation(table, { tag: 'x', pt_position: [1, 1, 1] }).catch((x: unknown) => x)
    expect(isHttpError(e) && e.status).toBe(403)
    expect(isHttpError(e) && e.serverMessage).toMatch(/permission to write/)
    await owner.updateMetadata(table, { writePermission: 'PUBLIC' })
    expect(await intruder.postAnnotation(table, { tag: 'x', pt_position: [1, 1, 1] })).toHaveLength(1)
    const e2 = await intruder.deleteTable(table).catch((x: unknown) => x)
    expect(isHttpError(e2) && e2.status).toBe(403)
  })
})

describe('ids above 2^53 and persistence', () => {
  const started: DevServer[] = []
  const start = async (options: DevServerOptions) => {
    const s = await startDevServer(options)
    started.push(s)
    return s
  }
  afterAll(() => Promise.all(started.map((s) => s.close())))

  it('keeps ids above 2^53 exact both ways', async () => {
    const s = await start({ annotationFirstId: BIG })
    const client = annotation(s)
    const table = fresh()
    await tagTable(client, table)
    const ids = await client.postAnnotation(table, [{ tag: 'a', pt_position: [1, 1, 1] }, { tag: 'b', pt_position: [2, 2, 2] }])
    expect([...ids]).toEqual([BIG, BIG + 1n])
    expect((await client.getAnnotation(table, BIG + 1n)).map((r) => r.id)).toEqual([BIG + 1n])
    expect(await client.updateAnnotation(table, { id: BIG, tag: 'a2', pt_position: [1, 1, 1] })).toEqual(new Map([[BIG, BIG + 2n]]))
    expect([...(await client.deleteAnnotation(table, [BIG + 1n]))]).toEqual([BIG + 1n])
    const staged = await client.uploadStagedAnnotations(table, [{ id: BIG + 2n, tag: 'a3', pt_position: [1, 1, 1] }], { update: true })
    expect(staged).toEqual(new Map([[BIG + 2n, BIG + 3n]]))
  })

  it('a restart with the same dataDir keeps tables, rows and the id sequence', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'daf-annotation-data-'))
    try {
      const first = await start({ dataDir })
      const table = fresh('kept')
      const c1 = annotation(first)
      await tagTable(c1, table, { noticeText: 'kept notice' })
      await c1.postAnnotation(table, [{ tag: 'a', pt_position: [1, 2, 3] }, { tag: 'b', pt_position: [4, 5, 6] }])
      await c1.updateAnnotation(table, { id: 1, tag: 'a2', pt_position: [1, 2, 3] })
      await first.close()
      const saved = await readFile(join(dataDir, ANNOTATION_STORE_FILE), 'utf8')
      expect(saved).toContain(table)

      const second = await start({ dataDir })
      const c2 = annotation(second)
      expect(await c2.getTables()).toContain(table)
      expect((await c2.getTableMetadata(table)).notice_text).toBe('kept notice')
      expect(await c2.getAnnotationCount(table)).toBe(3)
      expect((await c2.getAnnotation(table, [1, 3])).map((r) => [r.id, r.tag, r.valid])).toEqual([
        [1n, 'a', false],
        [3n, 'a2', true],
      ])
      expect([...(await c2.postAnnotation(table, { tag: 'c', pt_position: [0, 0, 0] }))]).toEqual([4n])

      // Without dataDir nothing is kept.
      const memory = await start({})
      expect(await annotation(memory).getTables()).toEqual([])
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
