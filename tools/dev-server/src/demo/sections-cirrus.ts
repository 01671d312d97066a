/**
 * Demo sections for @daf/cirrus: a CirrusVolume refuses a write without provenance (the error is
 * printed), accepts it once sources, motivation and process are set, and the provenance file it
 * wrote is printed; then a second documented write adds only what is new, and two writers at once
 * both end up in the file. Every printed result is checked.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CirrusVolume, DockerEnv, GitRepoEnv, NodePackagesEnv, Process, type ProvenanceRequiredError, isProvenanceRequiredError, parseNotes } from '@daf/cirrus'
import { CloudVolume, parseProvenance } from '@daf/volume'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'

const BOX = [[0, 64], [0, 64], [0, 8]]

/** The ProvenanceRequiredError a call rejects with (any other outcome fails the check). */
async function refusal(call: Promise<unknown>): Promise<ProvenanceRequiredError> {
  try {
    await call
  } catch (error) {
    check(isProvenanceRequiredError(error), `refused with ProvenanceRequiredError (got ${String(error)})`)
    return error
  }
  check(false, 'the call was refused')
}
const BOX2 = [[64, 128], [0, 64], [0, 8]]

export function cirrusSections(env: DemoEnv): DemoSection[] {
  const state: { cirrusPath?: string } = {}
  const dir = join(env.home, 'cirrus-demo', 'layer')
  const path = `file://${dir}`
  const info = CloudVolume.createNewInfo({
    numChannels: 1,
    layerType: 'segmentation',
    dataType: 'uint32',
    encoding: 'raw',
    resolution: [8, 8, 40],
    voxelOffset: [0, 0, 0],
    volumeSize: [128, 64, 8],
    chunkSize: [64, 64, 8],
  })
  const provenanceText = (): Promise<string> => readFile(join(dir, 'provenance'), 'utf8')

  return [
    {
      title: 'CirrusVolume: a write without provenance is refused, a documented one is accepted',
      async run({ say, signal }) {
        const vol = await CirrusVolume.open(path, { info })
        const refused = await refusal(vol.write(BOX, 7, { signal }))
        say('write without provenance →')
        for (const line of refused.message.split('\n')) say(`  ${line}`)
        check(refused.missing.join() === 'sources,motivation,process', 'the error names all three missing fields')
        const before = await readdir(dir).catch(() => [])
        say(`files in the layer afterwards: ${before.length === 0 ? 'none' : before.join(', ')}`)
        check(before.length === 0, 'nothing was written')

        vol.sources = ['tracer annotation']
        vol.motivation = ''
        const invalid = await refusal(vol.commitInfo({ signal }))
        const problem = invalid.message.split('\n').find((l) => l.startsWith('motivation:'))
        say(`commitInfo with motivation '' → ${problem}`)
        check(problem?.includes('must not be empty') === true && invalid.missing.join() === 'process', 'an empty motivation is named as invalid, the process as missing')

        const git = await GitRepoEnv.capture(fileURLToPath(new URL('.', import.meta.url)))
        const node = await NodePackagesEnv.capture(fileURLToPath(new URL('.', import.meta.url)))
        const docker = (await DockerEnv.fromEnvironment()) ?? new DockerEnv('daf-sdk/demo', 'dev', 'sha256:0d1e2f3a4b5c')
        say(`code environments: git ${git.commit.slice(0, 12)} (${git.dirty ? `dirty: ${git.diff.length} diff bytes, ${git.untracked.length} untracked files` : 'clean'}), ${node.name} with ${node.packages.length} locked packages, docker ${docker.imageName}:${docker.tag}`)
        check(/^[0-9a-f]{40}$/.test(git.commit) && node.name === '@daf/tools-dev-server' && node.packages.length > 0, 'git HEAD and the lockfile were captured')

        vol.motivation = 'giving a demo of cirrus'
        vol.process = new Process('giving a demo of cirrus', { metaLevel: 5 }, [git, node, docker])
        await vol.commitInfo({ signal })
        await vol.write(BOX, 7, { signal })
        const back = await vol.read(BOX, { signal })
        say(`documented write accepted: read back ${back.shape.join('x')}, every voxel ${back.data[0]}`)
        check(back.data.every((v) => v === 7), 'the data was written')

        const text = await provenanceText()
        say('the provenance file:')
        for (const line of text.split('\n')) say(`  ${line}`)
        const p = parseProvenance(text)
        const notes = parseNotes(p.description)
        check(p.sources.join() === 'tracer annotation', 'sources recorded')
        check(notes.length === 1 && notes[0]!.type === 'MOTIVATION' && notes[0]!.content === 'giving a demo of cirrus', 'one MOTIVATION note')
        check(
          p.processing.length === 1 &&
            JSON.stringify(p.processing[0]) === JSON.stringify({ code_envfiles: [git.filename, node.filename, docker.filename], parameters: { metaLevel: 5 }, task: 'giving a demo of cirrus' }),
          'one processing entry {task, parameters, code_envfiles}',
        )
        const files = (await readdir(dir)).sort()
        say(`layer files: ${files.join(', ')}`)
        check([git.filename, node.filename, docker.filename, 'info', 'provenance'].every((f) => files.includes(f)), 'one JSON file per code environment beside provenance')
        state.cirrusPath = path
      },
    },
    {
      title: 'CirrusVolume: reopened, only new facts are added; two writers at once both end up in the file',
      async run({ say, signal }) {
        check(state.cirrusPath, 'the first cirrus section ran')
        const before = await provenanceText()
        const first = parseProvenance(before)
        const entry = first.processing[0] as { task: string; parameters: unknown; code_envfiles: string[] }
        // Same sources, motivation, task and parameters (a different code environment list does not count).
        const again = await CirrusVolume.open(path, {
          sources: ['tracer annotation'],
          motivation: 'giving a demo of cirrus',
          process: new Process(entry.task, { metaLevel: 5 }),
        })
        await again.write(BOX2, 8, { signal })
        const unchanged = (await provenanceText()) === before
        say(`same sources, motivation and process again: provenance unchanged = ${unchanged}`)
        check(unchanged, 'nothing is logged twice')

        const a = await CirrusVolume.open(path, { sources: ['gs://bucket/other-layer'], motivation: 'proofreading pass A', process: new Process('paint A', { pass: 'A' }) })
        const b = await CirrusVolume.open(path, { sources: ['tracer annotation', 'synapse table'], motivation: 'proofreading pass B', process: new Process('paint B', { pass: 'B' }) })
        await Promise.all([a.write(BOX, 1, { signal }), b.write(BOX2, 2, { signal }), a.addResult('pass A looks right')])
        const p = parseProvenance(await provenanceText())
        const notes = parseNotes(p.description)
        say(`after two concurrent writers: sources ${JSON.stringify(p.sources)}`)
        say(`notes: ${notes.map((n) => `${n.type} "${n.content}"`).join(', ')}`)
        say(`processing tasks: ${p.processing.map((e) => (e as { task: string }).task).join(', ')}`)
        check(p.sources.join('|') === 'tracer annotation|gs://bucket/other-layer|synapse table' || p.sources.join('|') === 'tracer annotation|synapse table|gs://bucket/other-layer', 'old sources first, each new one once')
        check(['giving a demo of cirrus', 'proofreading pass A', 'proofreading pass B', 'pass A looks right'].every((c) => notes.some((n) => n.content === c)) && notes.length === 4, 'every note kept')
        check(p.processing.length === 3, 'both new processes recorded next to the first')
      },
    },
  ]
}
