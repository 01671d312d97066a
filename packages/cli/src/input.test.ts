import { describe, expect, it } from 'vitest'
import { csvToRecords, formatCsv, idsFromText, parseBounds, parseCsv, parseVec3 } from './input.js'
import { decodeNpy, encodeNpy } from './npy.js'
import { CliError, EXIT_INPUT } from './errors.js'
import { maskToken, toJsonValue } from './output.js'

describe('arguments', () => {
  it('parses bounds in three notations (end exclusive) and rejects the rest with exit code 3', () => {
    const box = [[0, 64], [10, 20], [3, 4]]
    expect(parseBounds('0:64,10:20,3:4')).toEqual(box)
    expect(parseBounds('0-64_10-20_3-4')).toEqual(box)
    expect(parseBounds('[[0, 64], [10, 20], [3, 4]]')).toEqual(box)
    expect(parseBounds('-8:8,0:1,0:1')).toEqual([[-8, 8], [0, 1], [0, 1]])
    for (const bad of ['0:64,10:20', '0:64,10:10,0:1', 'a:b,0:1,0:1', '[[0,1]]']) {
      expect(() => parseBounds(bad)).toThrow(CliError)
      try {
        parseBounds(bad)
      } catch (e) {
        expect((e as CliError).exitCode).toBe(EXIT_INPUT)
      }
    }
  })

  it('parses vectors and id lists exactly', () => {
    expect(parseVec3('8,8,40', 'r')).toEqual([8, 8, 40])
    expect(parseVec3('4x4x40', 'r')).toEqual([4, 4, 40])
    expect(() => parseVec3('0,1,1', 'r', { positive: true })).toThrow('three positive numbers')
    expect(idsFromText('864691135217641315\n18446744073709551615, 1', 'f')).toEqual([864691135217641315n, 18446744073709551615n, 1n])
    expect(idsFromText('name,supervoxel_id\na,72550587564032223\n', 'f')).toEqual([72550587564032223n])
    expect(() => idsFromText('18446744073709551616', 'f')).toThrow('does not fit in 64 bits')
  })
})

describe('CSV', () => {
  it('reads quoted fields and CRLF, joins _x/_y/_z columns, writes back what it read', () => {
    const table = parseCsv('tag,pt_position_x,pt_position_y,pt_position_z,big\r\n"a, ""b""",1,2,3,864691135217641315\r\nc,4.5,5,6,\r\n')
    expect(table.columns).toEqual(['tag', 'pt_position_x', 'pt_position_y', 'pt_position_z', 'big'])
    expect(csvToRecords(table)).toEqual([
      { tag: 'a, "b"', big: 864691135217641315n, pt_position: [1, 2, 3] },
      { tag: 'c', big: null, pt_position: [4.5, 5, 6] },
    ])
    expect(formatCsv(table.columns, table.rows)).toBe('tag,pt_position_x,pt_position_y,pt_position_z,big\n"a, ""b""",1,2,3,864691135217641315\nc,4.5,5,6,\n')
    expect(() => parseCsv('a,b\n1\n')).toThrow('row 1 has 1 fields')
  })
})

describe('.npy', () => {
  it('round-trips Fortran-order arrays and transposes C-order ones', () => {
    const data = new BigUint64Array([1n, 2n, 3n, 4n, 5n, 864691135217641315n])
    const bytes = encodeNpy(data, [3, 2, 1, 1], 'uint64')
    expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0)
    const back = decodeNpy(bytes)
    expect(back).toMatchObject({ shape: [3, 2, 1, 1], dataType: 'uint64' })
    expect(new BigUint64Array(back.bytes.buffer)).toEqual(data)

    // The same 3 x 2 array in C order (numpy's default): [[1, 4], [2, 5], [3, 6]].
    const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2), }"
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n'
    const c = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0, ...new TextEncoder().encode(padded), 1, 4, 2, 5, 3, 6])
    expect([...decodeNpy(c).bytes]).toEqual([1, 2, 3, 4, 5, 6])
  })
})

describe('output', () => {
  it('masks tokens and writes ids as strings in JSON', () => {
    expect(maskToken('85c8d83c162209f8fa6c90fdf9657466')).toBe(`${'*'.repeat(28)}7466`)
    expect(maskToken(undefined)).toBe('(none)')
    expect(toJsonValue({ ids: new BigUint64Array([18446744073709551615n]), m: new Map([[1n, 2n]]) })).toEqual({ ids: ['18446744073709551615'], m: { 1: '2' } })
  })
})
