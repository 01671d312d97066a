import { describe, expect, it } from 'vitest'
import type { Box } from './box.js'
import { PageGate, type ZeroFill } from './page-gate.js'
import { zeroFill as nodeZeroFill } from './zero-fill-node.js'

// ---------------------------------------------------------------------------------------------
// Helpers, written independently of page-gate.ts.

/** The parts a chunk grid (anchored at `offset`, cells of `chunk`) cuts `region` into, x fastest. */
function gridParts(region: Box, offset: readonly number[], chunk: readonly number[]): Box[] {
  const starts = (d: number): number[] => {
    const out: number[] = []
    const first = offset[d]! + Math.floor((region[d]![0] - offset[d]!) / chunk[d]!) * chunk[d]!
    for (let s = first; s < region[d]![1]; s += chunk[d]!) out.push(s)
    return out
  }
  const parts: Box[] = []
  for (const z of starts(2))
    for (const y of starts(1))
      for (const x of starts(0)) {
        const cell: Box = [
          [x, x + chunk[0]!],
          [y, y + chunk[1]!],
          [z, z + chunk[2]!],
        ]
        parts.push(cell.map(([a, b], d) => [Math.max(a, region[d]![0]), Math.min(b, region[d]![1])]) as Box)
      }
  return parts
}

interface BandSpec {
  y: [number, number]
  z: [number, number]
}

/** The distinct (y band, z slab) cells of `parts`, in order of first appearance. */
function bandsOf(parts: readonly Box[]): BandSpec[] {
  const seen = new Set<string>()
  const out: BandSpec[] = []
  for (const p of parts) {
    const k = `${p[1][0]}:${p[1][1]}:${p[2][0]}:${p[2][1]}`
    if (seen.has(k)) continue
    seen.add(k)
    out.push({ y: [p[1][0], p[1][1]], z: [p[2][0], p[2][1]] })
  }
  return out
}

/** A 0/1 mask over the output's bytes: every voxel of the band's rows, full x, every channel. */
function bandMask(box: Box, channels: number, eb: number, band: BandSpec): Uint8Array {
  const [[x0, x1], [y0, y1], [z0, z1]] = box
  const dx = x1 - x0
  const dy = y1 - y0
  const dz = z1 - z0
  const mask = new Uint8Array(dx * dy * dz * channels * eb)
  for (let c = 0; c < channels; c++)
    for (let z = band.z[0]; z < band.z[1]; z++)
      for (let y = band.y[0]; y < band.y[1]; y++)
        for (let x = x0; x < x1; x++) {
          const voxel = x - x0 + dx * (y - y0 + dy * (z - z0 + dz * c))
          for (let e = 0; e < eb; e++) mask[voxel * eb + e] = 1
        }
  return mask
}

/** How often each byte of `bytes` is covered by `views` (which must be views of the same buffer). */
function coverage(bytes: Uint8Array, views: readonly Uint8Array[]): Uint8Array {
  const cover = new Uint8Array(bytes.byteLength)
  for (const v of views) {
    expect(v.buffer).toBe(bytes.buffer)
    const start = v.byteOffset - bytes.byteOffset
    expect(start).toBeGreaterThanOrEqual(0)
    expect(start + v.byteLength).toBeLessThanOrEqual(bytes.byteLength)
    for (let i = start; i < start + v.byteLength; i++) cover[i]!++
  }
  return cover
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Lets the gate's promise chains run (several microtask turns and one macrotask). */
const flush = (): Promise<void> => new Promise((r) => setImmediate(r))

interface Call {
  views: Uint8Array[]
  resolve: () => void
  reject: (e: Error) => void
  settled: boolean
}

/** A zeroFill the test drives: records calls, settles them when told, counts how many run at once. */
class FakeZeroFill {
  readonly calls: Call[] = []
  running = 0
  peak = 0
  readonly fn: ZeroFill = (views) =>
    new Promise<void>((resolve, reject) => {
      this.running++
      this.peak = Math.max(this.peak, this.running)
      const call: Call = {
        views: [...views],
        settled: false,
        resolve: () => {
          if (call.settled) return
          call.settled = true
          this.running--
          resolve()
        },
        reject: (e) => {
          if (call.settled) return
          call.settled = true
          this.running--
          reject(e)
        },
      }
      this.calls.push(call)
    })
}

/** Which band of `bands` a call zeroes (by the mask its views cover); -1 if none matches exactly. */
function bandIndexOf(call: Call, bytes: Uint8Array, box: Box, channels: number, eb: number, bands: readonly BandSpec[]): number {
  const cover = coverage(bytes, call.views)
  return bands.findIndex((b) => sameBytes(cover, bandMask(box, channels, eb, b)))
}

/** Seeded shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** A fresh output as a view at a non-zero offset into a larger buffer (offsets must be relative). */
function output(byteLength: number, fill = 0): Uint8Array {
  const buffer = new ArrayBuffer(byteLength + 40)
  new Uint8Array(buffer).fill(0x5a) // guard bytes outside the output
  const bytes = new Uint8Array(buffer, 24, byteLength)
  bytes.fill(fill)
  return bytes
}

function guardIntact(bytes: Uint8Array): boolean {
  const all = new Uint8Array(bytes.buffer)
  for (let i = 0; i < bytes.byteOffset; i++) if (all[i] !== 0x5a) return false
  for (let i = bytes.byteOffset + bytes.byteLength; i < all.length; i++) if (all[i] !== 0x5a) return false
  return true
}

const byteSize = (box: Box, channels: number, eb: number): number => box.reduce((n, [a, b]) => n * (b - a), channels * eb)

// ---------------------------------------------------------------------------------------------

describe('PageGate bands', () => {
  it('each band zeroes exactly the rows of its (y band, z slab) over the full x width and every channel', () => {
    const box: Box = [
      [2, 13],
      [3, 20],
      [1, 9],
    ]
    const channels = 2
    const eb = 4
    const parts = gridParts(box, [0, 0, 0], [4, 5, 3])
    const bands = bandsOf(parts)
    expect(bands).toHaveLength(12)
    const bytes = output(byteSize(box, channels, eb), 0xab)
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 100 })
    expect(gate).toBeInstanceOf(PageGate)
    // Everything issued at once, one call per band, in parts order.
    expect(fake.calls).toHaveLength(bands.length)
    const total = new Uint8Array(bytes.byteLength)
    fake.calls.forEach((call, i) => {
      const cover = coverage(bytes, call.views)
      expect(Math.max(...cover), `band ${i}: views overlap`).toBeLessThanOrEqual(1)
      expect(sameBytes(cover, bandMask(box, channels, eb, bands[i]!)), `band ${i} (${JSON.stringify(bands[i])})`).toBe(true)
      for (let j = 0; j < cover.length; j++) total[j]! += cover[j]!
    })
    // The bands partition the output: every byte exactly once.
    expect(total.every((n) => n === 1)).toBe(true)
    // Building the bands writes nothing.
    expect(bytes.every((b) => b === 0xab)).toBe(true)
    expect(guardIntact(bytes)).toBe(true)
  })

  it('the output box may be larger than the parts (bounded: false): bands still span the full x width of the box', () => {
    const box: Box = [
      [-3, 13],
      [-2, 20],
      [0, 9],
    ]
    const inner: Box = [
      [0, 12],
      [0, 18],
      [0, 9],
    ]
    const channels = 1
    const eb = 2
    const parts = gridParts(inner, [0, 0, 0], [6, 7, 4])
    const bands = bandsOf(parts)
    const bytes = output(byteSize(box, channels, eb))
    const fake = new FakeZeroFill()
    new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 64 })
    expect(fake.calls).toHaveLength(bands.length)
    fake.calls.forEach((call, i) => {
      const cover = coverage(bytes, call.views)
      expect(sameBytes(cover, bandMask(box, channels, eb, bands[i]!)), `band ${i}`).toBe(true)
    })
    // Rows outside the parts' y/z range belong to no band.
    const anyBand = new Uint8Array(bytes.byteLength)
    for (const call of fake.calls) coverage(bytes, call.views).forEach((n, j) => (anyBand[j]! += n))
    const outside = bandMask(box, channels, eb, { y: [-2, 0], z: [0, 9] })
    for (let j = 0; j < outside.length; j++) if (outside[j]) expect(anyBand[j]).toBe(0)
  })

  it('bands covering whole planes merge into one view (per channel when they do not span every z)', () => {
    const eb = 8
    // One y band spanning the whole y range, three z slabs; 1 channel: one view per band.
    const box: Box = [
      [0, 10],
      [0, 6],
      [0, 8],
    ]
    const parts = gridParts(box, [0, 0, 0], [4, 8, 3])
    const bands = bandsOf(parts)
    expect(bands).toHaveLength(3)
    for (const channels of [1, 3]) {
      const bytes = output(byteSize(box, channels, eb))
      const fake = new FakeZeroFill()
      new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 8 })
      expect(fake.calls).toHaveLength(3)
      fake.calls.forEach((call, i) => {
        const b = bands[i]!
        // Contiguous per channel: (z1 - z0) whole planes.
        expect(call.views).toHaveLength(channels)
        for (const v of call.views) expect(v.byteLength).toBe(10 * 6 * (b.z[1] - b.z[0]) * eb)
        expect(sameBytes(coverage(bytes, call.views), bandMask(box, channels, eb, b))).toBe(true)
      })
    }
    // A single band covering the whole output (all y, all z) is one view even with 3 channels.
    const bytes = output(byteSize(box, 3, eb))
    const fake = new FakeZeroFill()
    new PageGate({ bytes, box, channels: 3, elementBytes: eb, parts: gridParts(box, [0, 0, 0], [4, 8, 8]), zeroFill: fake.fn })
    expect(fake.calls).toHaveLength(1)
    expect(fake.calls[0]!.views).toHaveLength(1)
    expect(fake.calls[0]!.views[0]!.byteOffset).toBe(bytes.byteOffset)
    expect(fake.calls[0]!.views[0]!.byteLength).toBe(bytes.byteLength)
  })

  it('bands that do not span whole planes are not merged across rows of other bands', () => {
    const box: Box = [
      [0, 7],
      [0, 9],
      [0, 4],
    ]
    const parts = gridParts(box, [0, 0, 0], [7, 4, 4])
    const fake = new FakeZeroFill()
    const bytes = output(byteSize(box, 2, 1))
    new PageGate({ bytes, box, channels: 2, elementBytes: 1, parts, zeroFill: fake.fn, inFlight: 8 })
    const bands = bandsOf(parts)
    expect(fake.calls).toHaveLength(bands.length)
    fake.calls.forEach((call, i) => {
      const b = bands[i]!
      // One run of (y1 - y0) rows per plane and channel.
      expect(call.views).toHaveLength(2 * (b.z[1] - b.z[0]))
      for (const v of call.views) expect(v.byteLength).toBe(7 * (b.y[1] - b.y[0]))
      expect(sameBytes(coverage(bytes, call.views), bandMask(box, 2, 1, b))).toBe(true)
    })
  })
})

describe('PageGate scheduling', () => {
  const box: Box = [
    [0, 16],
    [0, 16],
    [0, 12],
  ]
  const eb = 2
  const channels = 1
  const chunk = [4, 4, 4]

  it('issues bands in the order of parts, never more than inFlight at once', async () => {
    const parts = shuffled(gridParts(box, [0, 0, 0], chunk), 7)
    const bands = bandsOf(parts)
    expect(bands).toHaveLength(12)
    for (const inFlight of [1, 3]) {
      const bytes = output(byteSize(box, channels, eb))
      const fake = new FakeZeroFill()
      const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight })
      expect(fake.calls).toHaveLength(inFlight)
      let resolved = 0
      let turn = 0
      while (resolved < bands.length) {
        // Settle one running call (not always the oldest), then let the gate refill.
        const open = fake.calls.filter((c) => !c.settled)
        expect(open.length).toBeGreaterThan(0)
        open[turn++ % open.length]!.resolve()
        resolved++
        await flush()
        expect(fake.running).toBeLessThanOrEqual(inFlight)
        expect(fake.running).toBe(Math.min(inFlight, bands.length - resolved))
      }
      expect(fake.peak).toBe(inFlight)
      const order = fake.calls.map((c) => bandIndexOf(c, bytes, box, channels, eb, bands))
      expect(order).toEqual(bands.map((_, i) => i))
      await gate.close()
    }
  })

  it('inFlight below 1 still makes progress, one band at a time', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const bytes = output(byteSize(box, channels, eb))
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 0 })
    for (let i = 0; i < 12; i++) {
      expect(fake.calls).toHaveLength(i + 1)
      fake.calls[i]!.resolve()
      await flush()
    }
    expect(fake.peak).toBe(1)
    await gate.close()
  })

  it('ready() of a running band returns a promise that settles only after its zeroFill completes; then undefined', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const bands = bandsOf(parts)
    const bytes = output(byteSize(box, channels, eb))
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 2 })
    // parts[0] and parts[1] (x neighbours) share band 0, which is running.
    const first = gate.ready(parts[0]!)
    const sibling = gate.ready(parts[1]!)
    expect(first).toBeInstanceOf(Promise)
    expect(sibling).toBeInstanceOf(Promise)
    let settled = false
    void first!.then(() => (settled = true))
    await flush()
    expect(settled).toBe(false)
    // Completing band 1 does not release band 0.
    expect(bandIndexOf(fake.calls[1]!, bytes, box, channels, eb, bands)).toBe(1)
    fake.calls[1]!.resolve()
    await flush()
    expect(settled).toBe(false)
    fake.calls[0]!.resolve()
    await flush()
    expect(settled).toBe(true)
    await expect(sibling).resolves.toBeUndefined()
    expect(gate.ready(parts[0]!)).toBeUndefined()
    expect(gate.ready(parts[3]!)).toBeUndefined()
    // A part of no band (not among the parts) is not gated.
    expect(gate.ready([[0, 4], [100, 104], [0, 4]])).toBeUndefined()
    for (const c of fake.calls) c.resolve()
    await gate.close()
  })

  it('ready() of a pending band touches it on the spot (undefined) and the band is never sent to zeroFill', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const bands = bandsOf(parts)
    const bytes = output(byteSize(box, channels, eb), 0xab)
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 1 })
    expect(fake.calls).toHaveLength(1)
    // Band 5 is pending: a part of it (4 parts per band, x fastest) is ready at once.
    const target = 5
    const part = parts[target * 4 + 2]!
    expect([part[1][0], part[2][0]]).toEqual([bands[target]!.y[0], bands[target]!.z[0]])
    expect(gate.ready(part)).toBeUndefined()
    // Touched here: only bytes of band 5 changed, and its rows were written (start and end).
    const mask = bandMask(box, channels, eb, bands[target]!)
    let changed = 0
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0xab) {
        expect(mask[i], `byte ${i} outside band ${target} was written`).toBe(1)
        changed++
      }
    }
    expect(changed).toBeGreaterThan(0)
    expect(bytes[mask.indexOf(1)]).toBe(0)
    expect(bytes[mask.lastIndexOf(1)]).toBe(0)
    expect(guardIntact(bytes)).toBe(true)
    // Done: later ready() calls for the band do nothing.
    const snapshot = bytes.slice()
    expect(gate.ready(parts[target * 4]!)).toBeUndefined()
    expect(sameBytes(snapshot, bytes)).toBe(true)
    // Drain: every other band goes through zeroFill, band 5 never does.
    for (let i = 0; i < fake.calls.length; i++) {
      fake.calls[i]!.resolve()
      await flush()
    }
    expect(fake.calls).toHaveLength(bands.length - 1)
    const order = fake.calls.map((c) => bandIndexOf(c, bytes, box, channels, eb, bands))
    expect(order).toEqual(bands.map((_, i) => i).filter((i) => i !== target))
    await gate.close()
  })

  it('close() waits for running bands and issues no more', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const bytes = output(byteSize(box, channels, eb), 0xab)
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 2 })
    expect(fake.calls).toHaveLength(2)
    let closed = false
    const closing = gate.close().then(() => (closed = true))
    await flush()
    expect(closed).toBe(false)
    fake.calls[0]!.resolve()
    await flush()
    expect(closed).toBe(false)
    expect(fake.calls).toHaveLength(2) // no refill after close
    fake.calls[1]!.resolve()
    await closing
    expect(closed).toBe(true)
    await flush()
    expect(fake.calls).toHaveLength(2)
    // A band left pending is touched by ready() rather than sent anywhere.
    expect(gate.ready(parts[47]!)).toBeUndefined()
    expect(fake.calls).toHaveLength(2)
    await gate.close() // again: nothing running, returns at once
  })

  it('close() with nothing running resolves at once', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes: output(byteSize(box, channels, eb)), box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 1 })
    fake.calls[0]!.resolve()
    await flush()
    fake.calls[1]!.resolve()
    await flush()
    // Band 2 is running now; settle it first so nothing runs.
    fake.calls[2]!.resolve()
    await flush()
    fake.calls[3]!.reject(new Error('late'))
    await flush()
    expect(fake.running).toBe(1)
    fake.calls[4]!.resolve()
    // close() while band 5 runs: it waits for exactly that one.
    const closing = gate.close()
    fake.calls[5]?.resolve()
    await closing
    expect(fake.running).toBe(0)
  })

  it('a rejected zeroFill falls back to touching the band on the main thread: the band ends done and the next is issued', async () => {
    const parts = gridParts(box, [0, 0, 0], chunk)
    const bands = bandsOf(parts)
    const bytes = output(byteSize(box, channels, eb), 0xab)
    const fake = new FakeZeroFill()
    const gate = new PageGate({ bytes, box, channels, elementBytes: eb, parts, zeroFill: fake.fn, inFlight: 1 })
    const waiting = gate.ready(parts[0]!)
    expect(waiting).toBeInstanceOf(Promise)
    fake.calls[0]!.reject(new Error('no /dev/zero'))
    // The waiting chunk is released (resolved, not rejected).
    await expect(waiting).resolves.toBeUndefined()
    // Band 0 was touched here: its first and last bytes are written, nothing outside it.
    const mask = bandMask(box, channels, eb, bands[0]!)
    expect(bytes[mask.indexOf(1)]).toBe(0)
    expect(bytes[mask.lastIndexOf(1)]).toBe(0)
    for (let i = 0; i < bytes.length; i++) if (!mask[i]) expect(bytes[i]).toBe(0xab)
    expect(gate.ready(parts[1]!)).toBeUndefined()
    // The next band was issued after the failure.
    await flush()
    expect(fake.calls).toHaveLength(2)
    expect(bandIndexOf(fake.calls[1]!, bytes, box, channels, eb, bands)).toBe(1)
    const second = gate.ready(parts[4]!)
    expect(second).toBeInstanceOf(Promise)
    fake.calls[1]!.reject(new Error('again'))
    await expect(second).resolves.toBeUndefined()
    // close() with a failing band in flight resolves too.
    await flush()
    const closing = gate.close()
    fake.calls[2]!.reject(new Error('and again'))
    await expect(closing).resolves.toBeUndefined()
  })
})

describe('PageGate with the Node zeroFill', () => {
  const zf = nodeZeroFill!
  // 256 x 256 x 48 uint16: 6 MiB, bands of 64 rows x 16 planes (12 bands, 48 parts).
  const box: Box = [
    [0, 256],
    [0, 256],
    [0, 48],
  ]
  const eb = 2
  const chunk = [64, 64, 16]
  const value = (x: number, y: number, z: number): number => 1 + ((x * 3 + y * 5 + z * 7) % 65535)

  function expected(): Uint16Array {
    const out = new Uint16Array(256 * 256 * 48)
    let i = 0
    for (let z = 0; z < 48; z++) for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) out[i++] = value(x, y, z)
    return out
  }

  /** Writes `part` of the output the way a chunk copy would. */
  function writePart(out: Uint16Array, part: Box): void {
    for (let z = part[2][0]; z < part[2][1]; z++)
      for (let y = part[1][0]; y < part[1][1]; y++) {
        const row = (z * 256 + y) * 256
        for (let x = part[0][0]; x < part[0][1]; x++) out[row + x] = value(x, y, z)
      }
  }

  it('zeroes every band of a 6 MiB output on the pool', async () => {
    const data = new Uint16Array(256 * 256 * 48)
    const bytes = new Uint8Array(data.buffer)
    bytes.fill(0xab)
    let calls = 0
    const gate = new PageGate({
      bytes,
      box,
      channels: 1,
      elementBytes: eb,
      parts: gridParts(box, [0, 0, 0], chunk),
      zeroFill: (views) => (calls++, zf(views)),
      inFlight: 64,
    })
    await gate.close()
    expect(calls).toBe(12)
    expect(bytes.every((b) => b === 0)).toBe(true)
  })

  for (const slow of [false, true]) {
    it(`data a chunk writes after ready() is never overwritten by zeroing${slow ? ' (zeroFill slow to start)' : ''}`, async () => {
      const data = new Uint16Array(256 * 256 * 48)
      const parts = gridParts(box, [0, 0, 0], chunk)
      let calls = 0
      const zeroFill: ZeroFill = async (views) => {
        calls++
        // Slow: the band stays running (not yet zeroed) for a while, so chunks must wait for it.
        if (slow) await new Promise((r) => setTimeout(r, 3))
        await zf(views)
      }
      const gate = new PageGate({ bytes: new Uint8Array(data.buffer), box, channels: 1, elementBytes: eb, parts, zeroFill, inFlight: 2 })
      // Chunks arrive roughly in fetch order, with some shuffling, from 6 concurrent workers.
      const arrival = [...parts]
      for (let i = 0; i + 4 <= arrival.length; i += 4) arrival.splice(i, 4, ...shuffled(arrival.slice(i, i + 4), i))
      let next = 0
      const worker = async (w: number): Promise<void> => {
        while (next < arrival.length) {
          const part = arrival[next++]!
          if ((next + w) % 3 === 0) await new Promise((r) => setImmediate(r))
          const wait = gate.ready(part)
          if (wait !== undefined) await wait
          writePart(data, part)
        }
      }
      await Promise.all([0, 1, 2, 3, 4, 5].map(worker))
      await gate.close()
      // Let anything stray on the pool land before checking.
      await new Promise((r) => setTimeout(r, 10))
      expect(calls).toBeGreaterThan(0)
      const want = expected()
      let bad = -1
      for (let i = 0; i < want.length; i++) {
        if (data[i] !== want[i]) {
          bad = i
          break
        }
      }
      expect(bad, bad < 0 ? '' : `voxel ${bad % 256},${Math.floor(bad / 256) % 256},${Math.floor(bad / 65536)} is ${data[bad]}`).toBe(-1)
    })
  }
})
