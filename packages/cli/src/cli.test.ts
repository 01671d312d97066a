/**
 * The real `daf` binary (the built dist/bin.js through the workspace launcher bin/daf.js, in a
 * child process) against a local deployment started here, with a temporary HOME. Every expected
 * value comes from the deployment's own data (its chunkedgraph model, its generated volumes).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { tableFromIPC } from 'apache-arrow'
import { DEMO_DATASTACK, DEV_TOKEN, chunkedGraphModelFor, startDevServer, type ChunkedGraphModel, type DevServer } from '@daf/tools-dev-server'
import { decodeNpy } from './npy.js'

// Child processes (and a browser) on a shared 2-core machine: generous per-test time.
vi.setConfig({ testTimeout: 60_000 })

const BIN = fileURLToPath(new URL('../bin/daf.js', import.meta.url))
const DIST = fileURLToPath(new URL('../dist/bin.js', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

let server: DevServer
let model: ChunkedGraphModel
let home: string
let work: string

function daf(args: readonly string[], options: { env?: Record<string, string>; input?: string; global?: boolean } = {}): Promise<Run> {
  const globals = options.global === false ? [] : ['--server', server.url, '--datastack', DEMO_DATASTACK]
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...globals, ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: home, DAF_PROGRESS: '', ...options.env }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
    child.stdin?.end(options.input ?? '')
  })
}

/** With the dev token in the environment (CAVE_TOKEN), as a user who saved none. */
const withToken = (args: readonly string[], options: Parameters<typeof daf>[1] = {}) => daf(args, { ...options, env: { CAVE_TOKEN: DEV_TOKEN, ...options.env } })

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`pnpm build\` first (the tests run the built binary)`)
  server = await startDevServer({ port: 0 })
  model = chunkedGraphModelFor(server.dataset)
  home = await mkdtemp(join(tmpdir(), 'daf-cli-home-'))
  work = await mkdtemp(join(tmpdir(), 'daf-cli-work-'))
})

afterAll(async () => {
  await server?.close()
  await rm(home, { recursive: true, force: true })
  await rm(work, { recursive: true, force: true })
})

describe('usage and exit codes', () => {
  it('--version and --help exit 0', async () => {
    const version = await daf(['--version'], { global: false })
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
    const help = await daf(['--help'], { global: false })
    expect(help.code).toBe(0)
    for (const command of ['auth', 'info', 'schema', 'annotation', 'roots', 'lookup', 'cutout', 'state', 'volume', 'cirrus']) expect(help.stdout).toContain(command)
  })

  it('usage errors exit 1 with a one-line message', async () => {
    const unknown = await daf(['frobnicate'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.split('\n')[0]).toBe("daf: error: unknown command 'frobnicate'")
    const missing = await daf(['roots'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("missing required argument 'ids'")
    const noDatastack = await withToken(['--server', server.url, 'annotation', 'tables'], { global: false })
    expect(noDatastack.code).toBe(1)
    expect(noDatastack.stderr.trim()).toBe('daf: error: no datastack: pass --datastack <name> (or set DAF_DATASTACK)')
  })

  it('server and network errors exit 2, in one line without the token; --debug adds the stack', async () => {
    const refused = await daf(['--server', 'http://127.0.0.1:1', '--token', DEV_TOKEN, 'info', DEMO_DATASTACK], { global: false })
    expect(refused.code).toBe(2)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/^daf: error: GET http:\/\/127\.0\.0\.1:1\/info\/.* network error/)
    expect(refused.stderr).not.toContain(DEV_TOKEN)

    const wrong = 'deadbeefdeadbeefdeadbeefdeadbeef'
    const unauthorized = await daf(['--token', wrong, 'info'])
    expect(unauthorized.code).toBe(2)
    expect(unauthorized.stderr).toContain('401')
    expect(unauthorized.stderr.trim().split('\n')).toHaveLength(1)
    expect(unauthorized.stderr).not.toContain(wrong)

    const debug = await daf(['--token', wrong, '--debug', 'info'])
    expect(debug.code).toBe(2)
    expect(debug.stderr).toMatch(/\n\s+at /)
    expect(debug.stderr).not.toContain(wrong)
  })

  it('bad input exits 3', async () => {
    const id = await withToken(['roots', '12x'])
    expect(id.code).toBe(3)
    expect(id.stderr.trim()).toBe('daf: error: 12x is neither a supervoxel id nor a readable file')
    const missing = await withToken(['annotation', 'post', 'cli_tags', 'missing.csv'])
    expect(missing.code).toBe(3)
    expect(missing.stderr.trim()).toBe('daf: error: cannot read missing.csv: no such file')
    const bounds = await withToken(['cutout', 'image', '0:10,0:10', '--out', 'x.npy'])
    expect(bounds.code).toBe(3)
    expect(bounds.stderr).toContain('bounds must look like x0:x1,y0:y1,z0:z1')
    const ext = await withToken(['cutout', 'image', '0:10,0:10,0:1', '--out', 'x.tif'])
    expect(ext.code).toBe(3)
  })
})

describe('daf auth', () => {
  it('save-token from stdin, show (masked), new-token', async () => {
    const none = await daf(['--server', server.url, 'auth', 'show'], { global: false })
    expect(none.code).toBe(0)
    expect(none.stdout).toMatch(/token\s+\(none\)/)

    const bad = await daf(['--server', server.url, 'auth', 'save-token', 'not-a-token-xyz'], { global: false })
    expect(bad.code).toBe(3)
    expect(bad.stderr).not.toContain('not-a-token-xyz')

    const saved = await daf(['--server', server.url, 'auth', 'save-token'], { global: false, input: `${DEV_TOKEN}\n` })
    expect(saved.code).toBe(0)
    expect(saved.stdout).toContain('token saved')
    expect(saved.stdout + saved.stderr).not.toContain(DEV_TOKEN)
    const secrets = join(home, '.cloudvolume', 'secrets')
    const files = await readdir(secrets)
    const serverFile = files.find((f) => f.endsWith('-cave-secret.json') && f !== 'cave-secret.json')!
    expect(serverFile).toBe(`${new URL(server.url).host}-cave-secret.json`)
    expect(JSON.parse(await readFile(join(secrets, serverFile), 'utf8'))).toEqual({ token: DEV_TOKEN })
    expect((await stat(join(secrets, serverFile))).mode & 0o777).toBe(0o600)

    const shown = await daf(['--server', server.url, 'auth', 'show'], { global: false })
    expect(shown.code).toBe(0)
    expect(shown.stdout).not.toContain(DEV_TOKEN)
    expect(shown.stdout).toContain(`${'*'.repeat(28)}${DEV_TOKEN.slice(-4)}`)
    expect(shown.stdout).toMatch(/source\s+server-file/)
    const json = JSON.parse((await daf(['--server', server.url, '--json', 'auth', 'show'], { global: false })).stdout)
    expect(json).toMatchObject({ serverAddress: server.url, hasToken: true, tokenSource: 'server-file', token: `${'*'.repeat(28)}${DEV_TOKEN.slice(-4)}` })

    // The saved token now works without --token or CAVE_TOKEN.
    const info = await daf(['info'])
    expect(info.code).toBe(0)

    const fresh = await daf(['--server', server.url, 'auth', 'new-token'], { global: false })
    expect(fresh.code).toBe(0)
    expect(fresh.stdout).toContain(`${server.url}/auth/api/v1/create_token`)
    expect(fresh.stderr).toContain('replaces your previous token')
    await rm(secrets, { recursive: true, force: true })
  })
})

describe('daf info, schema, state', () => {
  it('lists datastacks and prints a datastack record', async () => {
    const list = await withToken(['--server', server.url, 'info'], { global: false })
    expect(list.code).toBe(0)
    expect(list.stdout.trim().split('\n')).toEqual([DEMO_DATASTACK])
    const human = await withToken(['info'])
    expect(human.stdout).toMatch(new RegExp(`image source\\s+precomputed://${server.url}/volumes/${DEMO_DATASTACK}/em`))
    const json = JSON.parse((await withToken(['--json', 'info', DEMO_DATASTACK, '--format-for', 'cave_explorer'])).stdout)
    expect(json.local_server).toBe(server.url)
    expect(json.sources.segmentation).toBe(`graphene://middleauth+${server.url}/segmentation/table/minnie_demo_seg`)
  })

  it('schema list and show', async () => {
    const list = await daf(['schema', 'list'])
    expect(list.stdout.trim().split('\n')).toEqual(['bound_point', 'bound_tag', 'cell_type_local', 'synapse'])
    const show = JSON.parse((await daf(['--json', 'schema', 'show', 'bound_tag'])).stdout)
    expect(show.$ref).toBe('#/definitions/BoundTagAnnotation')
    expect((await daf(['schema', 'show', 'no_such_schema'])).code).toBe(2)
  })

  it('state put and get keep integers above 2^53 exact', async () => {
    const file = join(work, 'state.json')
    await writeFile(file, '{"layers": [{"segments": [864691135217641315]}], "n": 18446744073709551615}')
    const put = await withToken(['state', 'put', file])
    expect(put.code).toBe(0)
    const [id, url] = put.stdout.trim().split('\n')
    expect(id).toMatch(/^\d+$/)
    expect(url).toBe(`${server.url}/nglstate/api/v1/${id}`)
    const got = await withToken(['state', 'get', id!])
    expect(got.stdout).toContain('864691135217641315')
    expect(got.stdout).toContain('18446744073709551615')
    const bad = join(work, 'bad.json')
    await writeFile(bad, '{"layers": [')
    expect((await withToken(['state', 'put', bad])).code).toBe(3)
  })
})

describe('daf annotation', () => {
  it('creates a table, posts CSV and JSON rows with progress only on request, reads them back', async () => {
    const created = await withToken(['annotation', 'create', 'cli_tags', 'bound_tag', '--description', 'tags from the CLI test', '--resolution', '4,4,40'])
    expect(created.code).toBe(0)
    expect((await withToken(['annotation', 'tables'])).stdout.split('\n')).toContain('cli_tags')

    const csv = join(work, 'tags.csv')
    await writeFile(csv, 'tag,pt_position_x,pt_position_y,pt_position_z\nalpha,10,20,30\n"with, comma",40,50,60\n')
    const posted = await withToken(['annotation', 'post', 'cli_tags', csv])
    expect(posted.code).toBe(0)
    expect(posted.stdout.trim().split('\n')).toEqual(['1', '2'])
    expect(posted.stderr).not.toContain('\r') // piped: no progress bar

    const json = join(work, 'tags.json')
    await writeFile(json, JSON.stringify([{ tag: 'gamma', pt_position: [7, 8, 9] }]))
    const progress = await withToken(['annotation', 'post', 'cli_tags', json], { env: { DAF_PROGRESS: 'always' } })
    expect(progress.code).toBe(0)
    expect(progress.stdout.trim()).toBe('3')
    expect(progress.stderr).toMatch(/\ruploading cli_tags \[#+\] 100% 1\/1 rows/)

    const rows = JSON.parse((await withToken(['--json', 'annotation', 'get', 'cli_tags', '1', '2', '3'])).stdout)
    expect(rows.map((r: { id: string; tag: string; pt_position: number[] }) => [r.id, r.tag, r.pt_position])).toEqual([
      ['1', 'alpha', [10, 20, 30]],
      ['2', 'with, comma', [40, 50, 60]],
      ['3', 'gamma', [7, 8, 9]],
    ])
    const asCsv = await withToken(['annotation', 'get', 'cli_tags', '2'])
    expect(asCsv.stdout).toContain('"with, comma",40 50 60')

    const invalid = join(work, 'invalid.json')
    await writeFile(invalid, JSON.stringify([{ tag: 'x', pt_position: [1, 2] }]))
    const refused = await withToken(['annotation', 'post', 'cli_tags', invalid])
    expect(refused.code).toBe(3)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('daf roots and lookup', () => {
  it('prints exact root ids now and at an earlier timestamp, from arguments and files', async () => {
    const svs = model.supervoxels.slice(0, 3).map((s) => s.id)
    const run = await withToken(['roots', ...svs.map(String)])
    expect(run.code).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(svs.map((sv) => `${sv} ${model.rootAt(sv)}`))

    const op = model.operations.find((o) => o.isMerge)!
    const sv = op.sourceIds[0]!
    const before = op.timestamp - 1
    expect(model.rootAt(sv, before)).not.toBe(model.rootAt(sv))
    const file = join(work, 'svs.csv')
    await writeFile(file, `supervoxel_id,note\n${sv},merged later\n`)
    const then = JSON.parse((await withToken(['--json', 'roots', file, '--timestamp', String(before)])).stdout)
    expect(then).toEqual([{ supervoxel_id: String(sv), root_id: String(model.rootAt(sv, before)) }])
    expect(BigInt(then[0].root_id)).toBeGreaterThan(2n ** 53n)
  })

  it('looks up points from a CSV into CSV and Arrow', async () => {
    const picks = [model.supervoxels[5]!, model.supervoxels[200]!, model.supervoxels[400]!]
    const file = join(work, 'points.csv')
    await writeFile(file, `name,x,y,z\n${picks.map((s, i) => `p${i},${s.position.join(',')}`).join('\n')}\noutside,99999,1,1\n`)
    const printed = await withToken(['lookup', file, '--resolution', '8,8,40'])
    expect(printed.code).toBe(0)
    const lines = printed.stdout.trim().split('\n')
    expect(lines[0]).toBe('name,x,y,z,supervoxel_id,root_id')
    picks.forEach((s, i) => expect(lines[i + 1]).toBe(`p${i},${s.position.join(',')},${s.id},${model.rootAt(s.id)}`))
    expect(lines[4]).toBe('outside,99999,1,1,0,0')
    expect(printed.stderr).toContain('1 point(s) outside the segmentation')

    const arrow = join(work, 'points.arrow')
    const written = await withToken(['lookup', file, '--resolution', '8,8,40', '--out', arrow])
    expect(written.code).toBe(0)
    const table = tableFromIPC(await readFile(arrow))
    expect(table.numRows).toBe(4)
    expect(table.schema.fields.map((f) => f.name)).toEqual(['name', 'x', 'y', 'z', 'supervoxel_id', 'root_id'])
    expect([...table.getChild('root_id')!.toArray()]).toEqual([...picks.map((s) => model.rootAt(s.id)), 0n])

    const noColumns = join(work, 'nope.csv')
    await writeFile(noColumns, 'a,b\n1,2\n')
    expect((await withToken(['lookup', noColumns])).code).toBe(3)
  })
})

describe('daf cutout, volume, cirrus', () => {
  it('writes image and segmentation cutouts as .npy, .raw and .png; progress bars only on request', async () => {
    const npy = join(work, 'em.npy')
    const run = await withToken(['cutout', 'image', '192:320,192:256,30:32', '--out', npy])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const em = decodeNpy(new Uint8Array(await readFile(npy)))
    expect(em.shape).toEqual([128, 64, 2, 1])
    expect(em.dataType).toBe('uint8')

    const raw = join(work, 'seg.raw')
    const seg = await withToken(['cutout', 'segmentation', '192:320,192:256,30:32', '--agglomerate', '--out', raw], { env: { DAF_PROGRESS: 'always' } })
    expect(seg.code).toBe(0)
    expect(seg.stderr).toMatch(/\rcutout segmentation \[[#-]+\]/)
    const bytes = await readFile(raw)
    const roots = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    expect(roots.length).toBe(128 * 64 * 2)
    // Membranes (dark image voxels) are 0 in the segmentation; everything else is a current root.
    let labelled = 0
    for (let i = 0; i < roots.length; i++) {
      if (roots[i] !== 0n) {
        labelled++
        expect(em.bytes[i]!).toBeGreaterThanOrEqual(100)
      }
    }
    expect(labelled).toBeGreaterThan(roots.length / 2)
    const svs = join(work, 'svs.raw')
    await withToken(['cutout', 'segmentation', '192:320,192:256,30:32', '--out', svs])
    const svBytes = await readFile(svs)
    const svIds = new BigUint64Array(svBytes.buffer, svBytes.byteOffset, svBytes.byteLength / 8)
    for (let i = 0; i < svIds.length; i += 97) expect(roots[i]).toBe(model.rootAt(svIds[i]!))

    const png = join(work, 'overlay.png')
    const overlay = await withToken(['cutout', 'image', '192:320,192:320,30:31', '--out', png, '--overlay'])
    expect(overlay.code).toBe(0)
    expect([...(await readFile(png)).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  })

  it('creates a file:// layer, refuses a CirrusVolume write without provenance, accepts it with provenance', async () => {
    const layer = `file://${join(work, 'layer')}`
    const created = await daf(['volume', 'create', layer, '--size', '64,64,8', '--resolution', '8,8,40', '--chunk', '32,32,8'])
    expect(created.code).toBe(0)
    const info = JSON.parse((await daf(['--json', 'volume', 'info', layer])).stdout)
    expect(info.info.scales[0]).toMatchObject({ size: [64, 64, 8], resolution: [8, 8, 40], chunk_sizes: [[32, 32, 8]] })
    expect((await daf(['volume', 'create', layer, '--size', '64,64,8', '--resolution', '8,8,40'])).code).toBe(3)

    const data = join(work, 'block.raw')
    await writeFile(data, new Uint8Array(32 * 32 * 8).fill(42))
    const refused = await daf(['cirrus', 'write', layer, '0:32,0:32,0:8', '--data', data, '--source', 'tracer annotation'])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/^daf: error: Need to define sources, motivation and process in order to write to this volume\. \| DEFINED: sources: True, motivation: False, process: False/)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(join(work, 'layer', '8_8_40'))).toBe(false)

    const accepted = await daf([
      'cirrus', 'write', layer, '0:32,0:32,0:8', '--data', data,
      '--source', 'tracer annotation', '--source', 'gs://bucket/other',
      '--motivation', 'testing the CLI', '--task', 'fill a block', '--params', '{"value": 42}',
    ])
    expect(accepted.code).toBe(0)
    const provenance = JSON.parse((await daf(['--json', 'cirrus', 'provenance', layer])).stdout)
    expect(provenance.sources).toEqual(['tracer annotation', 'gs://bucket/other'])
    expect(provenance.processing).toEqual([{ task: 'fill a block', parameters: { value: 42 }, code_envfiles: [] }])
    expect(provenance.description).toMatch(/;MOTIVATION;testing the CLI$/)

    const back = join(work, 'back.npy')
    expect((await daf(['cutout', layer, '0:32,0:32,0:8', '--out', back])).code).toBe(0)
    const read = decodeNpy(new Uint8Array(await readFile(back)))
    expect(read.bytes.every((v) => v === 42)).toBe(true)
  })
})
