// Cross-check: @daf/codec-wasm against neuroglancer's own TypeScript encoder/decoder
// (@janelia-flyem/neuroglancer 2.37.5) on random inputs: byte-identical encodings, and each
// decodes the other's output.
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeCompressedSegmentation, encodeCompressedSegmentation, init } from '@daf/codec-wasm'
import { type NeuroglancerCseg, loadNeuroglancer } from './neuroglancer.js'
import { prng } from './volumes.js'

let ng: NeuroglancerCseg

beforeAll(async () => {
  await init()
  ng = (await loadNeuroglancer()).codec
}, 60_000)

function randomData(random: () => number, length: number, values: number, dataType: 'uint32' | 'uint64'): Uint32Array | BigUint64Array {
  const pool = Array.from({ length: values }, () => (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32)))
  const pick = (): bigint => pool[Math.floor(random() * pool.length)] as bigint
  return dataType === 'uint64' ? BigUint64Array.from({ length }, pick) : Uint32Array.from({ length }, () => Number(pick() & 0xffffffffn))
}

function same(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

describe('byte-identical to neuroglancer 2.37.5 (encodeChannels / decodeChannels)', () => {
  const shapes: Array<[number, number, number, number]> = [[1, 2, 1, 1], [4, 4, 5, 3], [13, 7, 9, 2], [24, 20, 16, 1], [30, 17, 8, 1]]
  const blocks: Array<[number, number, number]> = [[2, 2, 2], [8, 4, 1], [8, 8, 8], [3, 5, 7], [16, 16, 1]]
  let seed = 100
  for (const dataType of ['uint32', 'uint64'] as const) {
    for (const shape of shapes) {
      for (const block of blocks) {
        const s = seed++
        it(`${dataType} ${shape.join('x')} block ${block.join('x')} (seed ${s})`, () => {
          const random = prng(s)
          const total = shape[0] * shape[1] * shape[2] * shape[3]
          for (const values of [1, 2, 5, 40, 1000]) {
            const data = randomData(random, total, values, dataType)
            const ours = encodeCompressedSegmentation(data, shape, block)
            const builder = new ng.Uint32ArrayBuilder()
            const words = dataType === 'uint64' ? new Uint32Array(data.buffer, data.byteOffset, total * 2) : (data as Uint32Array)
            if (dataType === 'uint64') ng.encodeChannelsUint64(builder, block, words, shape)
            else ng.encodeChannelsUint32(builder, block, words, shape)
            expect(same(ours, builder.view), 'encodings differ').toBe(true)
            const decodedByNg = new Uint32Array(dataType === 'uint64' ? total * 2 : total)
            const stream = new Uint32Array(ours.buffer, ours.byteOffset, ours.byteLength / 4)
            if (dataType === 'uint64') ng.decodeChannelsUint64(decodedByNg, stream, 0, shape, block)
            else ng.decodeChannelsUint32(decodedByNg, stream, 0, shape, block)
            expect(same(decodedByNg, words), 'neuroglancer decodes our encoding differently').toBe(true)
            const bytes = new Uint8Array(builder.view.buffer, builder.view.byteOffset, builder.view.byteLength)
            expect(same(decodeCompressedSegmentation(bytes, shape, block, dataType), data), 'we decode neuroglancer\'s encoding differently').toBe(true)
          }
        })
      }
    }
  }
})
