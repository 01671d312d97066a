import { describe, expect, it } from 'vitest'
import { runDemo } from './demo.js'
import { check, runSections } from './demo/runner.js'

describe('demo', () => {
  // The whole demo (18+ sections) shares two cores with the rest of the suite in CI.
  it('runs every section against the local deployment and checks each result', { timeout: 120_000 }, async () => {
    const lines: string[] = []
    const home = process.env.HOME
    const report = await runDemo({ line: (t) => lines.push(t) })
    const failures = report.failed.map(({ title, error }) => `${title}: ${error instanceof Error ? error.stack : String(error)}`)
    expect(failures).toEqual([])
    expect(report.passed.length).toBeGreaterThanOrEqual(3)
    expect(report.checks).toBeGreaterThan(10)
    expect(lines.join('\n')).toContain('datastacks: minnie_demo')
    // The demo's temporary HOME is gone and the real one is back.
    expect(process.env.HOME).toBe(home)
  })

  it('reports a failed check and keeps going', async () => {
    const lines: string[] = []
    const report = await runSections(
      [
        { title: 'fails', run: async () => check(false, 'one is two') },
        { title: 'passes', run: async () => check(true, 'one is one') },
      ],
      { line: (t) => lines.push(t) },
    )
    expect(report.failed.map((f) => f.title)).toEqual(['fails'])
    expect(report.passed).toEqual(['passes'])
    expect(lines.join('\n')).toContain('check failed: one is two')
  })
})
