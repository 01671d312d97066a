/** CirrusVolume in Chromium: a mem:// layer refuses an undocumented write, then accepts a documented one. */
import { describe, expect, it } from 'vitest'
import { CloudVolume, parseProvenance } from '@daf/volume'
import { CirrusVolume, DockerEnv, GitRepoEnv, NodePackagesEnv, Process, isCirrusError, isProvenanceRequiredError, parseNotes } from './index.js'

describe('CirrusVolume in the browser', () => {
  it('refuses a write without provenance, then accepts it and records the provenance', async () => {
    const path = `mem://cirrus-browser-${Date.now()}/layer`
    const info = CloudVolume.createNewInfo({
      numChannels: 1,
      layerType: 'image',
      dataType: 'uint8',
      encoding: 'raw',
      resolution: [8, 8, 40],
      voxelOffset: [0, 0, 0],
      volumeSize: [64, 64, 8],
      chunkSize: [64, 64, 8],
    })
    const vol = await CirrusVolume.open(path, { info })
    const box = [[0, 64], [0, 64], [0, 8]]
    let refused: unknown
    try {
      await vol.write(box, 200)
    } catch (e) {
      refused = e
    }
    expect(isProvenanceRequiredError(refused)).toBe(true)
    expect((refused as Error).message).toContain('DEFINED: sources: False, motivation: False, process: False')
    expect(await vol.storage.get('provenance')).toBeUndefined()
    expect(await vol.storage.exists('8_8_40/0-64_0-64_0-8')).toBe(false)

    const git = new GitRepoEnv({ url: 'https://github.com/org/repo.git', commit: 'abc1234def' })
    vol.sources = ['tracer annotation']
    vol.motivation = 'a browser demo'
    vol.process = new Process('painting a block', { value: 200 }, [git, new DockerEnv('org/img', 'v1', 'sha256:42')])
    await vol.commitInfo()
    await vol.write(box, 200)
    expect((await vol.read(box)).data.every((v) => v === 200)).toBe(true)

    const p = parseProvenance(new TextDecoder().decode(await vol.storage.get('provenance')))
    expect(p.sources).toEqual(['tracer annotation'])
    expect(parseNotes(p.description).map((n) => [n.type, n.content])).toEqual([['MOTIVATION', 'a browser demo']])
    expect(p.processing).toEqual([{ task: 'painting a block', parameters: { value: 200 }, code_envfiles: ['repo_abc1234def', 'org_img_sha25642'] }])
    expect(JSON.parse(new TextDecoder().decode(await vol.storage.get('repo_abc1234def')))['commit hash']).toBe('abc1234def')
  })

  it('capturing code environments needs Node: clear CODE_ENV errors, nothing from the environment', async () => {
    for (const p of [GitRepoEnv.capture('.'), NodePackagesEnv.capture(), DockerEnv.capture('img', 'tag')]) {
      let error: unknown
      try {
        await p
      } catch (e) {
        error = e
      }
      expect(isCirrusError(error, 'CODE_ENV')).toBe(true)
      expect((error as Error).message).toMatch(/needs Node/)
    }
    expect(await DockerEnv.fromEnvironment()).toBeUndefined()
  })
})
