import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CloudVolume, formatJson, formatProvenance, isAlignmentError, isInvalidArgumentError, isOutOfBoundsError, isReadOnlyException, parseProvenance } from '@daf/volume'
import { DockerEnv, GitRepoEnv } from './envs.js'
import { type CirrusError, type ProvenanceRequiredError, isCirrusError, isProvenanceRequiredError } from './errors.js'
import { parseNotes } from './notes.js'
import { Process } from './process.js'
import { CirrusVolume } from './volume.js'
import { RecordingStorage, keys, makeLayer, memPath, text } from './test-support/layers.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const git = new GitRepoEnv({ url: 'https://github.com/ZettaAI/cirrus-volume.git', commit: SHA, packages: [['numpy', '1.22.2']] })
const docker = new DockerEnv('zettaai/synaptor', 'v1', 'sha256:9f8e7d6c5b4a')
const PROCESS = new Process('testing CirrusVolume', { 'patience for humor': 0.6 }, [git])
const FIELDS = { sources: ['tracer annotation'], motivation: 'proper documentation is helpful', process: PROCESS }
const BOX = [[0, 32], [0, 32], [0, 16]] as const
const BOX2 = [[32, 64], [0, 32], [0, 16]] as const
const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

async function refused(p: Promise<unknown>): Promise<ProvenanceRequiredError> {
  const e = await rejection(p)
  expect(isProvenanceRequiredError(e), String(e)).toBe(true)
  return e as ProvenanceRequiredError
}

async function freshLayer(): Promise<{ path: string; storage: RecordingStorage }> {
  const path = memPath()
  await makeLayer(path)
  return { path, storage: RecordingStorage.mem(path) }
}

const chunkKeys = (all: string[]): string[] => all.filter((k) => k.startsWith('4_4_40/'))

describe('the rules (§8.1): nothing is written without sources, motivation and process', () => {
  it('a volume without any field refuses a write, naming each missing field, before anything is written', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage })
    const e = await refused(vol.write(BOX, 7))
    expect(e.missing).toEqual(['sources', 'motivation', 'process'])
    expect(e.invalid).toEqual([])
    expect(e.operation).toBe('write')
    expect(e.cloudpath).toBe(path)
    expect(e.message.split('\n').slice(0, 2)).toEqual([
      'Need to define sources, motivation and process in order to write to this volume.',
      'DEFINED: sources: False, motivation: False, process: False',
    ])
    expect(e.message).toContain('sources: missing')
    expect(e.message).toContain(`Refused: write on ${path}; nothing was written.`)
    expect(isCirrusError(e, 'PROVENANCE_REQUIRED')).toBe(true)
    expect(e).toBeInstanceOf(Error)
    expect(storage.sets).toEqual([])
    expect(await keys(storage)).toEqual(['info'])
  })

  it('each field alone missing (set at open) is named; null counts as missing', async () => {
    const { path, storage } = await freshLayer()
    for (const field of ['sources', 'motivation', 'process'] as const) {
      const vol = await CirrusVolume.open(path, { storage, ...FIELDS, [field]: field === 'process' ? null : undefined } as never)
      const e = await refused(vol.write(BOX, 1))
      expect(e.missing).toEqual([field])
      expect(e.message).toContain(`${field}: False`)
    }
    expect(storage.sets).toEqual([])
  })

  it('invalid values are named with their values (test_rules: sources 0 / [0], motivation 0, process 0, and ours)', async () => {
    const { path, storage } = await freshLayer()
    const cases: Array<[string, unknown, RegExp]> = [
      ['sources', 0, /sources: invalid, got 0: must be an array of strings/],
      ['sources', [0], /sources: invalid, got \[0\]: entry 0 must be a non-empty string/],
      ['sources', [], /sources: invalid, got \[\]: must not be empty/],
      ['sources', ['gs://a', ' '], /sources: invalid, got \["gs:\/\/a"," "\]: entry 1/],
      ['sources', 'tracer annotation', /must be an array/],
      ['motivation', 0, /motivation: invalid, got 0: must be a non-empty string/],
      ['motivation', '', /motivation: invalid, got "": must not be empty/],
      ['motivation', 'a;b', /motivation: invalid, got "a;b": must not contain ";"/],
      ['motivation', 'a \n b', /must not contain " \\n "/],
      ['process', 0, /process: invalid, got 0: must be a Process/],
      ['process', { description: 'x', parameters: {} }, /process: invalid, got \{"description":"x","parameters":\{\}\}: must be a Process/],
    ]
    for (const [field, value, message] of cases) {
      const vol = await CirrusVolume.open(path, { storage, ...FIELDS, [field]: value } as never)
      const e = await refused(vol.write(BOX, 1))
      expect(e.missing).toEqual([])
      expect(e.invalid).toEqual([expect.objectContaining({ field, value })])
      expect(e.message).toMatch(message)
      expect(e.message).toContain('DEFINED: sources: True, motivation: True, process: True')
    }
    // Several problems at once: all named.
    const vol = await CirrusVolume.open(path, { storage, sources: [''], process: 'script.py' as never })
    const e = await refused(vol.write(BOX, 1))
    expect(e.missing).toEqual(['motivation'])
    expect(e.invalid.map((i) => i.field)).toEqual(['sources', 'process'])
    expect(storage.sets).toEqual([])
  })

  it('fields set later (attributes) work like fields set at open; the sources array is copied', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage })
    expect(vol.documented).toBe(false)
    const mine = ['tracer annotation']
    vol.sources = mine
    vol.motivation = FIELDS.motivation
    expect(() => vol.checkWritingRules()).toThrow(/process: missing/)
    vol.process = PROCESS
    expect(vol.documented).toBe(true)
    mine.push('')
    await vol.write(BOX, 5)
    expect(vol.provenance.sources).toEqual(['tracer annotation'])
    expect((await vol.read(BOX)).data[0]).toBe(5)
    vol.motivation = undefined
    await refused(vol.write(BOX, 6))
    expect((await vol.read(BOX)).data[0]).toBe(5)
  })

  it('reading never needs provenance', async () => {
    const { path } = await freshLayer()
    const vol = await CirrusVolume.open(path, { fillMissing: true })
    const cut = await vol.read(BOX)
    expect(cut.shape).toEqual([32, 32, 16, 1])
    expect(await vol.exists(BOX)).toEqual({ '4_4_40/0-32_0-32_0-16': false })
    expect((await vol.downloadPoint([5, 5, 5], { size: 2 })).shape).toEqual([2, 2, 2, 1])
    expect([vol.dataType, vol.numChannels, vol.layerType, vol.mip, vol.key(), vol.encoding()]).toEqual(['uint32', 1, 'segmentation', 0, '4_4_40', 'raw'])
    expect(vol.bounds()).toEqual([[0, 64], [0, 64], [0, 16]])
    expect(vol.provenance).toEqual({ description: '', owners: [], processing: [], sources: [] })
  })

  it('every mutating operation is guarded: delete, commitInfo, lockMips/unlockMips, transferTo, transferFrom, storage.set/delete', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage })
    const other = memPath('copy')
    const dest = await CirrusVolume.open(path, { storage: RecordingStorage.mem(path) })
    const plain = await CloudVolume.open(path)
    const ops: Array<[string, () => Promise<unknown>]> = [
      ['write', () => vol.upload(BOX, 1)],
      ['delete', () => vol.delete(BOX)],
      ['commitInfo', () => vol.commitInfo()],
      ['lockMips', () => vol.lockMips([0])],
      ['unlockMips', () => vol.unlockMips([0])],
      [`transferTo ${other}`, () => vol.transferTo(other)],
      [`transferFrom ${path}`, () => dest.transferFrom(plain)],
      [`transferFrom ${path}`, () => vol.transferTo(dest)],
      ['storage.set(extra)', () => vol.storage.set('extra', new Uint8Array([1]))],
      ['storage.delete(info)', () => vol.storage.delete('info')],
      ['document', () => vol.document()],
    ]
    for (const [operation, run] of ops) {
      const e = await refused(run())
      expect(e.operation).toBe(operation)
    }
    expect(storage.sets).toEqual([])
    expect(storage.deletes).toEqual([])
    expect(await keys(storage)).toEqual(['info'])
    expect(await keys(RecordingStorage.mem(other))).toEqual([])
    expect(vol.storage.writable).toBe(true)
    expect(await text(vol.storage, 'info')).toContain('"scales"')
  })

  it('whole-shard writes on a sharded scale are guarded and documented', async () => {
    const path = memPath()
    const info = CloudVolume.createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint32', encoding: 'raw', resolution: [4, 4, 40], voxelOffset: [0, 0, 0], volumeSize: [64, 64, 16], chunkSize: [32, 32, 16] })
    info.scales[0]!.sharding = {
      '@type': 'neuroglancer_uint64_sharded_v1',
      preshift_bits: 0,
      hash: 'identity',
      minishard_bits: 0,
      shard_bits: 0,
      minishard_index_encoding: 'raw',
      data_encoding: 'raw',
    }
    await makeLayer(path, info)
    const storage = RecordingStorage.mem(path)
    const vol = await CirrusVolume.open(path, { storage })
    expect(vol.isSharded()).toBe(true)
    await refused(vol.write(vol.bounds(), 3))
    expect(storage.sets).toEqual([])
    Object.assign(vol, FIELDS)
    await vol.write(vol.bounds(), 3)
    expect(storage.sets.filter((k) => k.endsWith('.shard'))).toHaveLength(1)
    expect(storage.sets.at(-1)).toBe('provenance')
    expect((await vol.read(BOX2)).data.every((v) => v === 3)).toBe(true)
    expect(vol.provenance.processing).toHaveLength(1)
  })
})

describe('logging in the Python layout (§8.2–§8.4)', () => {
  it('one write: sources, a MOTIVATION note, a processing entry and the env file, formatted like CloudVolume writes info', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    const before = Date.now()
    await vol.write(BOX, 9)
    expect(storage.sets.slice(-2)).toEqual([git.filename, 'provenance'])
    const stored = await text(storage, 'provenance')
    const p = parseProvenance(stored!)
    expect(stored).toBe(formatProvenance(p))
    expect(Object.keys(p).sort()).toEqual(['description', 'owners', 'processing', 'sources'])
    expect(p.sources).toEqual(['tracer annotation'])
    expect(p.owners).toEqual([])
    const [ts, type, content, ...rest] = p.description.split(';')
    expect(rest).toEqual([])
    expect(ts).toMatch(TIMESTAMP)
    expect([type, content]).toEqual(['MOTIVATION', 'proper documentation is helpful'])
    const note = vol.notes()[0]!
    expect(Math.abs(note.timestamp!.getTime() - before)).toBeLessThan(1000)
    expect(p.processing).toEqual([{ task: 'testing CirrusVolume', parameters: { 'patience for humor': 0.6 }, code_envfiles: [`cirrus-volume_${SHA}`] }])
    const env = await text(storage, `cirrus-volume_${SHA}`)
    expect(env).toBe(formatJson(git.contents()))
    expect(JSON.parse(env!)).toEqual({
      'CodeEnv type': 'NodeGit',
      name: 'https://github.com/ZettaAI/cirrus-volume.git',
      'commit hash': SHA,
      diff: '',
      dirty: false,
      'untracked files': [],
      packages: [['numpy', '1.22.2']],
    })
    expect(env!.indexOf('"CodeEnv type"')).toBeLessThan(env!.indexOf('"commit hash"')) // sorted keys
    expect(vol.provenance).toEqual(p)
  })

  it('de-duplicates across reopened volumes: same fields write nothing new; new sources append in order; new motivation/process append', async () => {
    const { path, storage } = await freshLayer()
    await (await CirrusVolume.open(path, { storage, ...FIELDS })).write(BOX, 1)
    const first = await text(storage, 'provenance')
    storage.sets.length = 0

    // Re-opened with the same fields (same task + parameters, another code env): no provenance write at all.
    const again = await CirrusVolume.open(path, { storage, ...FIELDS, process: new Process('testing CirrusVolume', { 'patience for humor': 0.6 }, [docker]) })
    await again.write(BOX2, 2)
    expect(storage.sets).toEqual(['4_4_40/32-64_0-32_0-16'])
    expect(await text(storage, 'provenance')).toBe(first)

    // New sources append after the old ones, in the given order, without duplicates.
    again.sources = ['gs://bucket/b', 'tracer annotation', 'gs://bucket/a', 'gs://bucket/b']
    await again.write(BOX, 3)
    let p = parseProvenance((await text(storage, 'provenance'))!)
    expect(p.sources).toEqual(['tracer annotation', 'gs://bucket/b', 'gs://bucket/a'])
    expect(p.processing).toHaveLength(1)
    expect(parseNotes(p.description)).toHaveLength(1)

    // A different motivation is a second note; the first one still matches later.
    const third = await CirrusVolume.open(path, { storage, ...FIELDS, motivation: 'a second reason' })
    await third.write(BOX, 4)
    third.motivation = FIELDS.motivation
    await third.write(BOX, 4)
    p = parseProvenance((await text(storage, 'provenance'))!)
    expect(parseNotes(p.description).map((n) => [n.type, n.content])).toEqual([
      ['MOTIVATION', 'proper documentation is helpful'],
      ['MOTIVATION', 'a second reason'],
    ])
    expect(p.description.split(' \n ')).toHaveLength(2)

    // Different parameters: a new entry; its env file (already referenced) is not written again.
    storage.sets.length = 0
    third.process = new Process('testing CirrusVolume', { 'patience for humor': 0.7 }, [git, docker])
    await third.write(BOX, 5)
    expect(storage.sets).toEqual(['4_4_40/0-32_0-32_0-16', docker.filename, 'provenance'])
    p = parseProvenance((await text(storage, 'provenance'))!)
    expect(p.processing.map((e) => (e as { parameters: unknown }).parameters)).toEqual([{ 'patience for humor': 0.6 }, { 'patience for humor': 0.7 }])
    expect((p.processing[1] as { code_envfiles: string[] }).code_envfiles).toEqual([git.filename, 'zettaai_synaptor_sha2569f8e7d6c5b4a'])
  })

  it('parameters compare after JSON normalisation (test: tuple (1,2,3) matches [1,2,3]; key order does not matter)', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS, process: new Process('t', { xs: new Int32Array([1, 2, 3]), a: 1, b: { c: undefined, d: 2n } }) })
    await vol.write(BOX, 1)
    const p1 = await text(storage, 'provenance')
    vol.process = new Process('t', { b: { d: 2 }, a: 1, xs: [1, 2, 3] })
    await vol.write(BOX, 1)
    expect(await text(storage, 'provenance')).toBe(p1)
    expect(parseProvenance(p1!).processing).toEqual([{ task: 't', parameters: { a: 1, b: { d: 2 }, xs: [1, 2, 3] }, code_envfiles: [] }])
  })

  it('env files are written once, even when several processes share them or name them twice', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS, process: new Process('a', {}, [git, docker, git]) })
    await vol.write(BOX, 1)
    vol.process = new Process('b', {}, [docker])
    await vol.write(BOX, 1)
    vol.process = new Process('c', {}, [git])
    await vol.write(BOX, 1)
    expect(storage.sets.filter((k) => k === git.filename)).toHaveLength(1)
    expect(storage.sets.filter((k) => k === docker.filename)).toHaveLength(1)
    expect(parseProvenance((await text(storage, 'provenance'))!).processing).toHaveLength(3)
  })

  it('foreign provenance is preserved: plain-text description, Igneous entries without task, owners, extra keys', async () => {
    const { path, storage } = await freshLayer()
    const foreign = {
      custom: { note: 'kept', n: [1, 2] },
      description: 'Downsampled by igneous; see ticket 42',
      owners: ['someone@example.org'],
      processing: [
        { by: 'igneous@example.org', date: '2022-01-01 10:00 UTC', method: { task: 'DownsampleTask', mip: 0 } },
        { method: 'no task here', parameters: { 'patience for humor': 0.6 } },
      ],
      sources: ['gs://bucket/raw'],
    }
    await storage.inner.set('provenance', new TextEncoder().encode(JSON.stringify(foreign)))
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    expect(vol.notes()).toEqual([expect.objectContaining({ type: 'GENERIC', foreign: true, content: foreign.description, timestamp: undefined })])
    await vol.write(BOX, 1)
    const p = parseProvenance((await text(storage, 'provenance'))!)
    expect(p.custom).toEqual(foreign.custom)
    expect(p.owners).toEqual(foreign.owners)
    expect(p.sources).toEqual(['gs://bucket/raw', 'tracer annotation'])
    expect(p.processing.slice(0, 2)).toEqual(foreign.processing)
    expect(p.processing[2]).toMatchObject({ task: 'testing CirrusVolume' })
    expect(p.description.startsWith(`${foreign.description} \n `)).toBe(true)
    const notes = parseNotes(p.description)
    expect(notes.map((n) => [n.type, n.foreign, n.content])).toEqual([
      ['GENERIC', true, foreign.description],
      ['MOTIVATION', false, FIELDS.motivation],
    ])
  })

  it('a provenance file exactly as the Python cirrus-volume writes it is read, de-duplicated and extended', async () => {
    const { path, storage } = await freshLayer()
    // Hand-written from volumes.md §8.4 (json.dumps(indent=2, sort_keys=True)), with its env file.
    const python = [
      '{',
      '  "description": "2022-02-24 15:29:28.123456;MOTIVATION;proper documentation is helpful",',
      '  "owners": [],',
      '  "processing": [',
      '    {',
      '      "code_envfiles": [',
      `        "cirrus-volume_${SHA}"`,
      '      ],',
      '      "parameters": {',
      '        "patience for humor": 0.6',
      '      },',
      '      "task": "testing CirrusVolume"',
      '    }',
      '  ],',
      '  "sources": [',
      '    "tracer annotation"',
      '  ]',
      '}',
    ].join('\n')
    const pythonEnv = `{\n  "CodeEnv type": "PythonGithub",\n  "commit hash": "${SHA}",\n  "diff": "",\n  "name": "https://github.com/ZettaAI/cirrus-volume.git",\n  "packages": [\n    [\n      "numpy",\n      "1.22.2"\n    ]\n  ]\n}`
    await storage.inner.set('provenance', new TextEncoder().encode(python))
    await storage.inner.set(`cirrus-volume_${SHA}`, new TextEncoder().encode(pythonEnv))
    expect(formatProvenance(parseProvenance(python))).toBe(python) // our formatting is Python's

    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    const [note] = vol.notes()
    expect(note).toMatchObject({ type: 'MOTIVATION', content: FIELDS.motivation, timestampText: '2022-02-24 15:29:28.123456', foreign: false })
    expect([note!.timestamp!.getFullYear(), note!.timestamp!.getMonth(), note!.timestamp!.getDate(), note!.timestamp!.getHours(), note!.timestamp!.getMilliseconds()]).toEqual([2022, 1, 24, 15, 123])

    // Same sources, motivation, task and parameters: nothing to log, the file is untouched.
    await vol.write(BOX, 1)
    expect(await text(storage, 'provenance')).toBe(python)
    expect(storage.sets).toEqual(['4_4_40/0-32_0-32_0-16'])

    // New things are appended in the same layout; the Python env file is not rewritten.
    vol.sources = ['tracer annotation', 'gs://bucket/other-layer']
    vol.motivation = 'giving a demo of cirrus'
    vol.process = new Process('giving a demo of cirrus', { metaLevel: 5 }, [git, docker])
    await vol.write(BOX, 2)
    const out = (await text(storage, 'provenance'))!
    expect(await text(storage, `cirrus-volume_${SHA}`)).toBe(pythonEnv)
    const p = parseProvenance(out)
    expect(out).toBe(formatProvenance(p))
    expect(p.sources).toEqual(['tracer annotation', 'gs://bucket/other-layer'])
    const pieces = p.description.split(' \n ')
    expect(pieces[0]).toBe('2022-02-24 15:29:28.123456;MOTIVATION;proper documentation is helpful')
    expect(pieces).toHaveLength(2)
    // Python's parser: exactly three ';' fields per piece, an ISO timestamp and a known type.
    for (const piece of pieces) {
      const f = piece.split(';')
      expect(f).toHaveLength(3)
      expect(f[0]).toMatch(TIMESTAMP)
      expect(['MOTIVATION', 'RESULT', 'GENERIC']).toContain(f[1])
    }
    expect(p.processing[0]).toEqual(parseProvenance(python).processing[0])
    expect(p.processing[1]).toEqual({ task: 'giving a demo of cirrus', parameters: { metaLevel: 5 }, code_envfiles: [`cirrus-volume_${SHA}`, docker.filename] })
    expect(storage.sets).toEqual(['4_4_40/0-32_0-32_0-16', '4_4_40/0-32_0-32_0-16', docker.filename, 'provenance'])
  })
})

describe('ordering and failures', () => {
  it('a failed write logs nothing (dtype, alignment, bounds, locked mip)', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    expect(isInvalidArgumentError(await rejection(vol.write(BOX, new Uint8Array(32 * 32 * 16))))).toBe(true)
    expect(isAlignmentError(await rejection(vol.write([[0, 5], [0, 5], [0, 5]], 1)))).toBe(true)
    expect(isOutOfBoundsError(await rejection(vol.write([[0, 32], [0, 32], [0, 32]], 1)))).toBe(true)
    expect(storage.sets).toEqual([])
    expect(await keys(storage)).toEqual(['info'])

    await vol.lockMips([0]) // documented itself
    storage.sets.length = 0
    const before = await text(storage, 'provenance')
    expect(isReadOnlyException(await rejection(vol.write(BOX, 1)))).toBe(true)
    expect(storage.sets).toEqual([])
    expect(await text(storage, 'provenance')).toBe(before)
  })

  it('provenance is written only after the data: a data write that fails half-way records nothing', async () => {
    const { path, storage } = await freshLayer()
    storage.failSet.add('4_4_40/32-64_0-32_0-16')
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS, concurrency: 1 })
    const e = await rejection(vol.write([[0, 64], [0, 32], [0, 16]], 1))
    expect(e.message).toContain('injected failure')
    expect(storage.sets).not.toContain('provenance')
    expect(await storage.get('provenance')).toBeUndefined()
  })

  it('when the data is stored but the provenance cannot be, PROVENANCE_WRITE says so; document() retries', async () => {
    const { path, storage } = await freshLayer()
    storage.failSet.add('provenance')
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    const e = await rejection(vol.write(BOX, 8))
    expect(isCirrusError(e, 'PROVENANCE_WRITE')).toBe(true)
    expect(e.message).toMatch(/write on mem:\/\/.* succeeded, but its provenance could not be recorded .*call document\(\) to retry/)
    expect((await vol.read(BOX)).data[0]).toBe(8)
    storage.failSet.clear()
    const p = await vol.document()
    expect(p.sources).toEqual(['tracer annotation'])
    expect(p.processing).toHaveLength(1)
    expect(await storage.get(git.filename)).toBeDefined()
  })

  it('delete, commitInfo and transfers are documented after they succeed', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    await vol.write(BOX, 4)
    vol.info.scales[0]!.extra_field = 'x'
    await vol.commitInfo()
    expect(JSON.parse((await text(storage, 'info'))!).scales[0].extra_field).toBe('x')

    const copyPath = memPath('copy')
    const copy = await vol.transferTo(copyPath, { bounds: BOX })
    expect(copy).toBeInstanceOf(CirrusVolume)
    expect((await copy.read(BOX)).data[0]).toBe(4)
    expect(copy.provenance.sources).toEqual(['tracer annotation', path])
    expect(copy.documented).toBe(true)

    // Into an existing CirrusVolume: its own fields guard and get recorded.
    const intoPath = memPath('into')
    await makeLayer(intoPath)
    const into = await CirrusVolume.open(intoPath, { sources: ['gs://x'], motivation: 'copying', process: new Process('copy', {}) })
    await vol.transferTo(into, { bounds: BOX })
    expect((await into.read(BOX)).data[0]).toBe(4)
    expect(into.provenance.sources).toEqual(['gs://x', path])
    expect(parseNotes(into.provenance.description).map((n) => n.content)).toEqual(['copying'])

    await vol.delete(BOX)
    expect(await vol.exists(BOX)).toEqual({ '4_4_40/0-32_0-32_0-16': false })
    expect(vol.provenance.processing).toHaveLength(1)
  })
})

/** Provenance writes wait a little, so that concurrent writers interleave. */
function slow(storage: RecordingStorage): RecordingStorage {
  storage.beforeSet = (key) => new Promise((r) => setTimeout(r, key === 'provenance' ? 3 : 0))
  return storage
}

describe('concurrent writers lose nothing', () => {
  it('several CirrusVolumes on one mem:// layer write at once: every source, motivation and process is kept', async () => {
    const path = memPath()
    await makeLayer(path)
    const n = 6
    const vols = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        CirrusVolume.open(path, {
          storage: slow(RecordingStorage.mem(path)),
          sources: [`source ${i}`],
          motivation: `motivation ${i}`,
          process: new Process(`process ${i}`, { i }, [new DockerEnv('img', String(i), `sha256:${i}${i}${i}`)]),
        }),
      ),
    )
    await Promise.all(vols.map((v, i) => v.write(i % 2 === 0 ? BOX : BOX2, i)))
    const p = parseProvenance((await text(RecordingStorage.mem(path), 'provenance'))!)
    expect([...p.sources].sort()).toEqual(Array.from({ length: n }, (_, i) => `source ${i}`))
    expect(parseNotes(p.description).map((x) => x.content).sort()).toEqual(Array.from({ length: n }, (_, i) => `motivation ${i}`))
    expect(p.processing.map((e) => (e as { task: string }).task).sort()).toEqual(Array.from({ length: n }, (_, i) => `process ${i}`))
    const all = await keys(RecordingStorage.mem(path))
    expect(all.filter((k) => k.startsWith('img_'))).toHaveLength(n)
  })

  it('two writers on a file:// layer with slow storage interleaving: both are recorded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cirrus-test-'))
    try {
      const path = `file://${dir}/layer`
      await makeLayer(path)
      const a = await CirrusVolume.open(path, { ...FIELDS, sources: ['a'], motivation: 'writer a' })
      const b = await CirrusVolume.open(path, { ...FIELDS, sources: ['b'], motivation: 'writer b', process: new Process('other', {}) })
      await Promise.all([a.write(BOX, 1), b.write(BOX2, 2), a.addResult('a wrote'), b.addGeneric('b wrote')])
      const p = parseProvenance(await readFile(join(dir, 'layer', 'provenance'), 'utf8'))
      expect([...p.sources].sort()).toEqual(['a', 'b'])
      expect(parseNotes(p.description).map((x) => x.content).sort()).toEqual(['a wrote', 'b wrote', 'writer a', 'writer b'])
      expect(p.processing).toHaveLength(2)
      expect((await readdir(join(dir, 'layer'))).sort()).toEqual(['4_4_40', git.filename, 'info', 'provenance'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('entries dropped by another process between our write and our check are written again', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    let clobbered = 0
    storage.afterSet = async (key) => {
      if (key !== 'provenance' || clobbered > 0) return
      clobbered++
      // Another process that read the (absent) file before us writes its own version over ours.
      await storage.inner.set('provenance', new TextEncoder().encode(JSON.stringify({ sources: ['other process'], description: 'their note' })))
    }
    await vol.write(BOX, 1)
    const p = parseProvenance((await text(storage, 'provenance'))!)
    expect(p.sources).toEqual(['other process', 'tracer annotation'])
    expect(parseNotes(p.description).map((n) => n.content)).toEqual(['their note', FIELDS.motivation])
    expect(p.processing).toHaveLength(1)
    expect(storage.sets.filter((k) => k === 'provenance')).toHaveLength(2)
  })

  it('gives up with PROVENANCE_CONFLICT when another writer keeps dropping our entries', async () => {
    const { path, storage } = await freshLayer()
    const vol = await CirrusVolume.open(path, { storage, ...FIELDS })
    storage.afterSet = async (key) => {
      if (key === 'provenance') await storage.inner.set('provenance', new TextEncoder().encode('{}'))
    }
    const e = (await rejection(vol.document())) as CirrusError
    expect(isCirrusError(e, 'PROVENANCE_CONFLICT')).toBe(true)
    expect(storage.sets.filter((k) => k === 'provenance')).toHaveLength(3)
  })
})

describe('notes API and provenance edits', () => {
  let path: string
  let storage: RecordingStorage
  beforeAll(async () => {
    ;({ path, storage } = await freshLayer())
  })

  it('addMotivation / addResult / addGeneric / addNote append parsed, timestamped notes without needing the rules', async () => {
    const vol = await CirrusVolume.open(path, { storage })
    const t0 = Date.now()
    const m = await vol.addMotivation('why')
    expect(m).toMatchObject({ type: 'MOTIVATION', content: 'why', foreign: false })
    expect(Math.abs(m.timestamp!.getTime() - t0)).toBeLessThan(1000)
    await vol.addResult('it worked')
    await vol.addGeneric('by the way')
    const fixed = await vol.addNote('RESULT', 'at a given time', { timestamp: '2021-06-01 12:00:00' })
    expect(fixed.timestampText).toBe('2021-06-01 12:00:00')
    const when = new Date(2020, 0, 2, 3, 4, 5, 678)
    expect((await vol.addNote('GENERIC', 'js date', { timestamp: when })).timestampText).toBe('2020-01-02 03:04:05.678000')
    expect(vol.notes().map((n) => `${n.type}:${n.content}`)).toEqual([
      'MOTIVATION:why',
      'RESULT:it worked',
      'GENERIC:by the way',
      'RESULT:at a given time',
      'GENERIC:js date',
    ])
    const reopened = await CirrusVolume.open(path)
    expect(reopened.notes()).toEqual(vol.notes())
    expect(isCirrusError(await rejection(vol.addNote('RESULT', 'a;b')), 'INVALID_ARGUMENT')).toBe(true)
    expect(isCirrusError(await rejection(vol.addNote('OTHER' as never, 'x')), 'INVALID_ARGUMENT')).toBe(true)
    expect(isCirrusError(await rejection(vol.addNote('RESULT', 'x', { timestamp: 'yesterday' })), 'INVALID_ARGUMENT')).toBe(true)
    expect(vol.notes()).toHaveLength(5)
  })

  it('updateProvenance edits the file as stored right now', async () => {
    const vol = await CirrusVolume.open(path, { storage })
    await (await CirrusVolume.open(path)).addResult('written by another object')
    const p = await vol.updateProvenance((prov) => {
      prov.owners.push('me@example.org')
    })
    expect(p.owners).toEqual(['me@example.org'])
    expect(parseNotes(p.description).at(-1)!.content).toBe('written by another object')
    expect(parseProvenance((await text(storage, 'provenance'))!).owners).toEqual(['me@example.org'])
    const e = await rejection(vol.updateProvenance(() => ({ sources: 3 }) as never))
    expect(e.name).toBe('SpecViolation')
    expect(vol.provenance.owners).toEqual(['me@example.org'])
  })

  it('provenance returns a copy; refreshProvenance re-reads', async () => {
    const vol = await CirrusVolume.open(path, { storage })
    vol.provenance.sources.push('not stored')
    expect(vol.provenance.sources).toEqual([])
    await (await CirrusVolume.open(path)).addGeneric('later')
    expect(vol.notes().at(-1)!.content).not.toBe('later')
    await vol.refreshProvenance()
    expect(vol.notes().at(-1)!.content).toBe('later')
  })
})

describe('wrapping', () => {
  it('wrap() guards an open CloudVolume; toJSON summarises', async () => {
    const { path } = await freshLayer()
    const vol = CirrusVolume.wrap(await CloudVolume.open(path), { sources: ['x'] })
    await refused(vol.write(BOX, 1))
    expect(vol.toJSON()).toMatchObject({ cloudpath: path, sources: ['x'], motivation: undefined, documented: false })
    expect(CirrusVolume.isCirrusVolume(vol)).toBe(true)
    expect(CirrusVolume.isCirrusVolume(await CloudVolume.open(path))).toBe(false)
    expect(() => CirrusVolume.wrap({} as never)).toThrow(/needs a CloudVolume/)
  })
})
