/**
 * A small progress bar on stderr: drawn only when stderr is a terminal (never when piped or
 * redirected) and not with --quiet. `DAF_PROGRESS=always|never` overrides the terminal check.
 */
export interface Progress {
  /** `done` of `total` units (`total` may grow). */
  update(done: number, total: number): void
  /** Removes the bar; prints nothing else. */
  finish(): void
}

export interface ProgressOptions {
  quiet?: boolean
  stream?: NodeJS.WriteStream | NodeJS.WritableStream
  /** Unit shown after the counts: `chunks`, `ids`, `rows`, `points`. */
  unit?: string
  /** Minimum milliseconds between redraws. Default 80. */
  intervalMs?: number
}

const NO_PROGRESS: Progress = { update() {}, finish() {} }

export function progressEnabled(options: { quiet?: boolean; stream?: NodeJS.WriteStream | NodeJS.WritableStream } = {}): boolean {
  if (options.quiet) return false
  const forced = process.env.DAF_PROGRESS
  if (forced === 'never') return false
  if (forced === 'always') return true
  const stream = (options.stream ?? process.stderr) as NodeJS.WriteStream
  return stream.isTTY === true
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  if (!progressEnabled(options)) return NO_PROGRESS
  const stream = options.stream ?? process.stderr
  const width = 24
  const interval = options.intervalMs ?? 80
  let last = 0
  let drawn = false
  let finished = false
  const draw = (done: number, total: number): void => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0
    const filled = Math.round(fraction * width)
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`
    const unit = options.unit ? ` ${options.unit}` : ''
    stream.write(`\r${label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}${unit}\x1b[K`)
    drawn = true
  }
  return {
    update(done, total) {
      if (finished) return
      const now = Date.now()
      if (done < total && now - last < interval) return
      last = now
      draw(done, total)
    },
    finish() {
      if (finished) return
      finished = true
      if (drawn) stream.write('\r\x1b[K')
    },
  }
}
