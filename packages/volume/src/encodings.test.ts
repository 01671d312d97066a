import { init } from '@daf/codec-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Vec3 } from './box.js'
import { checkFormat, contentTypeOf, decodeChunkBytes, defaultCompression, encodeChunk, type ChunkFormat } from './encodings.js'
import { isDecodeError, isUnsupportedEncodingError } from './errors.js'

beforeAll(() => init())

const shape: Vec3 = [7, 5, 3]
const n = 7 * 5 * 3

function ramp(len: number, f: (i: number) => number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => f(i))
}

describe('chunk encodings (§2.3-2.5)', () => {
  it('raw: little-endian Fortran order, exact length, no copy on decode', () => {
    const format: ChunkFormat = { encoding: 'raw', dataType: 'uint16', numChannels: 2 }
    const data = Uint16Array.from({ length: n * 2 }, (_, i) => i * 3)
    const bytes = encodeChunk(format, data, shape)
    expect(bytes.byteLength).toBe(n * 2 * 2)
    expect(new DataView(bytes.buffer).getUint16(2 * 5, true)).toBe(15)
    expect(decodeChunkBytes(format, bytes, shape)).toBe(bytes)
    const e = (() => {
      try {
        decodeChunkBytes(format, bytes.subarray(1), shape, 'k/0-7_0-5_0-3')
      } catch (x) {
        return x as Error
      }
    })()
    expect(isDecodeError(e)).toBe(true)
    expect(e?.message).toContain('needs 420 bytes, got 419')
  })

  it('compressed_segmentation round-trips uint64 labels via @daf/codec-wasm', () => {
    const format: ChunkFormat = { encoding: 'compressed_segmentation', dataType: 'uint64', numChannels: 1, blockSize: [4, 4, 2] }
    const data = BigUint64Array.from({ length: n }, (_, i) => BigInt(i % 4) * 864691135217871271n)
    const bytes = encodeChunk(format, data, shape)
    const back = new BigUint64Array(decodeChunkBytes(format, bytes, shape).slice().buffer)
    expect(back).toEqual(data)
  })

  it('png: uint8 and uint16, 1-4 channels, width x and height y*z', () => {
    for (const [dataType, nc] of [['uint8', 1], ['uint8', 3], ['uint16', 1], ['uint16', 4]] as const) {
      const format: ChunkFormat = { encoding: 'png', dataType, numChannels: nc }
      const data = dataType === 'uint8' ? ramp(n * nc, (i) => (i * 7) & 255) : Uint16Array.from({ length: n * nc }, (_, i) => (i * 1031) & 65535)
      const bytes = encodeChunk(format, data, shape)
      expect(Array.from(bytes.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47])
      const view = new DataView(bytes.buffer, bytes.byteOffset)
      expect([view.getUint32(16), view.getUint32(20)]).toEqual([7, 15])
      const back = decodeChunkBytes(format, bytes, shape)
      expect(Array.from(dataType === 'uint8' ? back : new Uint16Array(back.slice().buffer))).toEqual(Array.from(data))
    }
  })

  it('jpeg: uint8, 1 or 3 channels, lossy within a tolerance', () => {
    const s: Vec3 = [32, 16, 4]
    const m = 32 * 16 * 4
    for (const nc of [1, 3]) {
      const format: ChunkFormat = { encoding: 'jpeg', dataType: 'uint8', numChannels: nc, jpegQuality: 95 }
      const data = ramp(m * nc, (i) => 60 + ((i % m) % 32) * 3 + Math.floor(i / m) * 20)
      const bytes = encodeChunk(format, data, s)
      expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8])
      const back = decodeChunkBytes(format, bytes, s)
      let worst = 0
      for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(back[i]! - data[i]!))
      expect(worst).toBeLessThan(12)
    }
  })

  it('image decoders check pixel count and channels', () => {
    const png = encodeChunk({ encoding: 'png', dataType: 'uint8', numChannels: 1 }, new Uint8Array(n), shape)
    expect(() => decodeChunkBytes({ encoding: 'png', dataType: 'uint8', numChannels: 1 }, png, [7, 5, 2])).toThrow(/7x15 pixels/)
    expect(() => decodeChunkBytes({ encoding: 'png', dataType: 'uint8', numChannels: 3 }, png, shape)).toThrow(/1 channels, the layer has 3/)
    expect(() => decodeChunkBytes({ encoding: 'jpeg', dataType: 'uint8', numChannels: 1 }, new Uint8Array([1, 2, 3]), shape)).toThrow(/jpeg chunk/)
  })

  it('unknown and unsupported encodings name the encoding', () => {
    for (const encoding of ['compresso', 'crackle', 'jxl', 'zfpc', 'mystery']) {
      try {
        checkFormat({ encoding, dataType: 'uint8', numChannels: 1 })
        expect.unreachable()
      } catch (e) {
        expect(isUnsupportedEncodingError(e)).toBe(true)
        expect((e as { encoding: string }).encoding).toBe(encoding)
        expect((e as Error).message).toContain(`'${encoding}'`)
      }
    }
    expect(() => checkFormat({ encoding: 'jpeg', dataType: 'uint16', numChannels: 1 })).toThrow(/supports uint8, not uint16/)
    expect(() => checkFormat({ encoding: 'compressed_segmentation', dataType: 'uint8', numChannels: 1, blockSize: [8, 8, 8] })).toThrow(/uint32 and uint64/)
  })

  it('content types and default transport compression follow CV', () => {
    expect(contentTypeOf('raw')).toBe('application/octet-stream')
    expect(contentTypeOf('jpeg')).toBe('image/jpeg')
    expect(contentTypeOf('compressed_segmentation')).toBe('image/x.compressed_segmentation')
    expect(defaultCompression('raw')).toBe('gzip')
    expect(defaultCompression('compressed_segmentation')).toBe('gzip')
    expect(defaultCompression('jpeg')).toBe(false)
    expect(defaultCompression('png')).toBe(false)
  })
})
