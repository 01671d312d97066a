/**
 * Faults in the pages of a fresh cutout off the main thread, in the order the chunks fill them.
 *
 * A new multi-megabyte array is all untouched pages: the first write to each 4 KiB page costs a
 * kernel fault (~1.3 µs here, ~90 ms for 256 MiB), which would otherwise land on the main thread
 * in the middle of the chunk copies. Where the platform can zero memory on another thread (Node:
 * `readv` from /dev/zero on the libuv pool), the output is cut into bands — the rows of one
 * (z slab, y band) cell of the chunk grid across the whole x width, every channel — and a band
 * is zeroed there before the first chunk of that band is copied in. Zeroing a fresh array changes
 * nothing; the gate only makes sure it never runs over rows a chunk already wrote.
 *
 * A chunk whose band has not been sent to the pool yet does not wait for the pool: its band is
 * touched on the main thread at once (the chunks came in an unexpected order, e.g. from shards).
 */
import type { Box } from './box.js'

/** Zeroes the bytes of `views` (parts of one buffer) off the main thread. */
export type ZeroFill = (views: Uint8Array[]) => Promise<void>

interface Band {
  views: Uint8Array[]
  state: 'pending' | 'running' | 'done'
  promise?: Promise<void>
}

export interface PageGateOptions {
  /** The fresh output (Fortran order over `box`, `channels` channels, `elementBytes` each). */
  bytes: Uint8Array
  box: Box
  channels: number
  elementBytes: number
  /** The parts of the output the chunks will fill (inside `box`), in the order they are fetched. */
  parts: Iterable<Box>
  zeroFill: ZeroFill
  /** Bands zeroing at once (each takes one pool thread). */
  inFlight?: number
}

const PAGE = 4096

export class PageGate {
  readonly #bands: Band[] = []
  readonly #byKey = new Map<string, Band>()
  readonly #zeroFill: ZeroFill
  readonly #inFlight: number
  #next = 0
  #running = 0
  #closed = false

  constructor(options: PageGateOptions) {
    const { bytes, box, channels, elementBytes: eb, parts } = options
    this.#zeroFill = options.zeroFill
    this.#inFlight = Math.max(1, options.inFlight ?? 2)
    const dx = box[0][1] - box[0][0]
    const dy = box[1][1] - box[1][0]
    const dz = box[2][1] - box[2][0]
    const row = dx * eb
    for (const part of parts) {
      const key = bandKey(part)
      if (this.#byKey.has(key)) continue
      const [, [y0, y1], [z0, z1]] = part
      const views: Uint8Array[] = []
      for (let c = 0; c < channels; c++) {
        for (let z = z0; z < z1; z++) {
          const start = (((c * dz + (z - box[2][0])) * dy + (y0 - box[1][0])) * row)
          const end = start + (y1 - y0) * row
          const last = views[views.length - 1]
          // Bands covering whole planes are contiguous from plane to plane: one view.
          if (last !== undefined && last.byteOffset + last.byteLength === bytes.byteOffset + start) {
            views[views.length - 1] = bytes.subarray(last.byteOffset - bytes.byteOffset, end)
          } else {
            views.push(bytes.subarray(start, end))
          }
        }
      }
      const band: Band = { views, state: 'pending' }
      this.#bands.push(band)
      this.#byKey.set(key, band)
    }
    this.#pump()
  }

  /**
   * Call before copying a chunk's `part` into the output: undefined when its band is ready now
   * (already zeroed, or touched here on the spot), else a promise that settles when it is.
   */
  ready(part: Box): Promise<void> | undefined {
    const band = this.#byKey.get(bandKey(part))
    if (band === undefined || band.state === 'done') return undefined
    if (band.state === 'running') return band.promise
    touch(band.views)
    band.state = 'done'
    return undefined
  }

  /** Stops sending bands to the pool and waits for the ones there (they write to the output). */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all(this.#bands.map((b) => (b.state === 'running' ? b.promise : undefined)))
  }

  #pump(): void {
    while (!this.#closed && this.#running < this.#inFlight && this.#next < this.#bands.length) {
      const band = this.#bands[this.#next++]!
      if (band.state !== 'pending') continue
      band.state = 'running'
      this.#running++
      band.promise = this.#zeroFill(band.views).then(
        () => this.#finish(band),
        // The pool could not zero it (no /dev/zero): touch it here instead.
        () => {
          touch(band.views)
          this.#finish(band)
        },
      )
    }
  }

  #finish(band: Band): void {
    band.state = 'done'
    this.#running--
    this.#pump()
  }
}

function bandKey(part: Box): string {
  return `${part[1][0]},${part[2][0]}`
}

/** One write per page (the memory is still zero: writing 0 changes nothing). */
function touch(views: Uint8Array[]): void {
  for (const v of views) {
    for (let i = 0; i < v.length; i += PAGE) v[i] = 0
    if (v.length > 0) v[v.length - 1] = 0
  }
}
