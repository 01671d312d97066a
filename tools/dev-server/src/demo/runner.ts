/**
 * The demo's step runner: each section prints a few readable lines and checks what it printed.
 * A failed check fails the section; the demo exits 0 only when every section passed.
 */
export interface DemoOutput {
  line(text: string): void
}

export interface DemoSection {
  readonly title: string
  run(ctx: DemoContext): Promise<void>
}

export interface DemoContext {
  /** Print one line under the current section. */
  say(text: string): void
  readonly signal: AbortSignal
}

export class DemoCheckError extends Error {
  override name = 'DemoCheckError'
}

let checksRun = 0

/** Throws `DemoCheckError` unless `ok`: every printed result is checked. */
export function check(ok: unknown, what: string): asserts ok {
  checksRun++
  if (!ok) throw new DemoCheckError(`check failed: ${what}`)
}

export interface DemoReport {
  readonly passed: readonly string[]
  readonly failed: ReadonlyArray<{ title: string; error: unknown }>
  readonly checks: number
}

export async function runSections(
  sections: readonly DemoSection[],
  out: DemoOutput,
  signal: AbortSignal = new AbortController().signal,
): Promise<DemoReport> {
  const passed: string[] = []
  const failed: Array<{ title: string; error: unknown }> = []
  const checksBefore = checksRun
  for (const [i, section] of sections.entries()) {
    out.line('')
    out.line(`── ${i + 1}. ${section.title}`)
    const ctx: DemoContext = {
      say: (text) => out.line(`   ${text}`),
      signal,
    }
    try {
      await section.run(ctx)
      passed.push(section.title)
    } catch (error) {
      failed.push({ title: section.title, error })
      out.line(`   ✗ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
    }
  }
  out.line('')
  const checks = checksRun - checksBefore
  out.line(`demo: ${passed.length} of ${sections.length} sections passed, ${checks} checks`)
  return { passed, failed, checks }
}
