/**
 * lookupDataframe on records and Apache Arrow tables: output columns and their order, suffixes,
 * CAVE-style `pt_position` inputs, several point columns in one pass, flat segmentations (no
 * supervoxel column), inputs left untouched, and column errors before any request.
 */
import { isInvalidParameterError } from '@daf/services'
import { Field, FixedSizeList, Float64, Int32, List, Schema, Table, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { makeLookupClient } from './lookup.js'
import { outputColumns } from './tables.js'
import { MERGE_TIME, rootOf, startFakeDeployment, supervoxelAt, writeVolumes, type FakeDeployment } from './test-support/fake-deployment.js'

let dep: FakeDeployment
beforeAll(async () => {
  await writeVolumes()
  dep = startFakeDeployment()
})
afterAll(() => dep.close())
beforeEach(() => {
  dep.seen.length = 0
})

const T = MERGE_TIME + 10
// Points in 4 × 4 × 40 nm voxels (the datastack's viewer resolution).
const sv = (p: readonly number[]) => supervoxelAt(Math.floor(p[0]! / 2), Math.floor(p[1]! / 2), p[2]!)
const pre = [[10, 20, 3], [100, 64, 9], [30, 90, 15]]
const post = [[12, 22, 3], [110, 4, 1], [0, 0, 0]]

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}

describe('records', () => {
  it('replaces each point column by position, supervoxel and root columns in place; the input is untouched', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { timestamp: T })
    const rows = pre.map((p, i) => ({ id: i + 1, pre_pt: p, post_pt: post[i]!, size: 10 * i }))
    const snapshot = structuredClone(rows)
    const out = await lookup.lookupDataframe(rows, { pointColumn: ['pre_pt', 'post_pt'] })
    expect(rows).toEqual(snapshot)
    expect(Object.keys(out[0]!)).toEqual(['id', 'pre_pt_position', 'pre_pt_supervoxel_id', 'pre_pt_root_id', 'post_pt_position', 'post_pt_supervoxel_id', 'post_pt_root_id', 'size'])
    out.forEach((row, i) => {
      expect(row.pre_pt_position).toEqual(pre[i])
      expect(row.pre_pt_position).not.toBe(rows[i]!.pre_pt)
      expect(row.pre_pt_supervoxel_id).toBe(sv(pre[i]!))
      expect(row.pre_pt_root_id).toBe(rootOf(sv(pre[i]!), T))
      expect(row.post_pt_supervoxel_id).toBe(sv(post[i]!))
      expect(row.post_pt_root_id).toBe(rootOf(sv(post[i]!), T))
    })
    // Both columns in one pass: one roots_binary request.
    expect(dep.count('/roots_binary')).toBe(1)
  })

  it('suffixes are configurable; a CAVE `pt_position` column keeps its name and gets `pt_…` siblings; old id columns are refreshed', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { timestamp: T })
    const rows = pre.map((p) => ({ pt: p }))
    const custom = await lookup.lookupDataframe(rows, { pointColumn: 'pt', suffixes: { position: '_xyz', supervoxelId: '_sv', rootId: '_root' } })
    expect(Object.keys(custom[0]!)).toEqual(['pt_xyz', 'pt_sv', 'pt_root'])
    const cave = pre.map((p) => ({ id: 1, pt_supervoxel_id: 1n, pt_root_id: 2n, pt_position: p }))
    const refreshed = await lookup.lookupDataframe(cave, { pointColumn: 'pt_position', timestamp: MERGE_TIME - 10 })
    expect(Object.keys(refreshed[0]!)).toEqual(['id', 'pt_position', 'pt_supervoxel_id', 'pt_root_id'])
    expect(refreshed.map((r) => r.pt_root_id)).toEqual(pre.map((p) => rootOf(sv(p), MERGE_TIME - 10)))
    expect(outputColumns('pt', {})).toEqual({ source: 'pt', position: 'pt_position', supervoxelId: 'pt_supervoxel_id', rootId: 'pt_root_id' })
    expect(() => outputColumns('pt', { supervoxelId: '_id', rootId: '_id' })).toThrow(/clashing/)
  })

  it('flat segmentation: no supervoxel column', async () => {
    const lookup = makeLookupClient(dep.client('flat_ds'))
    const out = await lookup.lookupDataframe(pre.map((p) => ({ pt: p, n: 1 })), { pointColumn: 'pt' })
    expect(Object.keys(out[0]!)).toEqual(['pt_position', 'pt_root_id', 'n'])
    expect(out.map((r) => r.pt_root_id)).toEqual(pre.map((p) => sv(p) & 0xffffffn))
  })

  it('out-of-bounds rows get 0 and are reported per column', async () => {
    const reports: Array<{ column?: string; indices: number[] }> = []
    const lookup = makeLookupClient(dep.client('graphene_ds'), { timestamp: T, onOutOfBounds: (r) => reports.push({ column: r.column, indices: [...r.indices] }) })
    const out = await lookup.lookupDataframe(
      [{ a: [1, 1, 1], b: [1, 1, 1] }, { a: [1, 1, 99], b: [1, 1, 1] }, { a: [1, 1, 1], b: [-5, 1, 1] }],
      { pointColumn: ['a', 'b'] },
    )
    expect(out[1]!.a_root_id).toBe(0n)
    expect(out[2]!.b_supervoxel_id).toBe(0n)
    expect(reports).toEqual([
      { column: 'a', indices: [1] },
      { column: 'b', indices: [2] },
    ])
  })

  it('errors before any request: unknown column, bad values, NaN, duplicate or missing pointColumn', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'))
    const cases: Array<[unknown, unknown, RegExp]> = [
      [[{ pt: [1, 2, 3] }], { pointColumn: 'pos' }, /unknown column "pos"; the rows have "pt"/],
      [[{ pt: [1, 2, 3] }, { pt: [1, 2] }], { pointColumn: 'pt' }, /row 1, column "pt": expected 3 coordinates, got 2/],
      [[{ pt: [1, 2, 3] }, { x: 1 }], { pointColumn: 'pt' }, /row 1, column "pt": expected \[x, y, z\], got no value/],
      [[{ pt: [1, NaN, 3] }], { pointColumn: 'pt' }, /row 0, column "pt" has a NaN/],
      [[{ pt: [1, 2, 3] }], { pointColumn: ['pt', 'pt'] }, /twice/],
      [[{ pt: [1, 2, 3] }], { pointColumn: [] }, /pointColumn must be/],
      [{ pt: [1, 2, 3] }, { pointColumn: 'pt' }, /array of row objects or an Arrow table/],
    ]
    for (const [table, options, message] of cases) {
      const e = await rejection(lookup.lookupDataframe(table as never, options as never))
      expect(isInvalidParameterError(e), String(message)).toBe(true)
      expect(e.message).toMatch(message)
    }
    expect(dep.seen).toHaveLength(0)
  })
})

describe('Apache Arrow tables', () => {
  const pointsType = new FixedSizeList(3, new Field('item', new Float64(), false))

  it('FixedSizeList[3] and List point columns; ids as Uint64 columns; other columns, order and metadata kept', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { timestamp: T })
    const base = new Table({
      id: makeVector(Int32Array.from([1, 2, 3])),
      pre_pt: vectorFromArray(pre, pointsType),
      post_pt: vectorFromArray(post, new List(new Field('item', new Int32(), true))),
      size: makeVector(Float64Array.from([0.5, 1.5, 2.5])),
    })
    const schema = new Schema(
      base.schema.fields.map((f) => (f.name === 'id' ? f.clone({ metadata: new Map([['unit', 'none']]) }) : f)),
      new Map([['source', 'test']]),
    )
    const table = new Table(schema, base.batches.map((b) => b))
    const out = await lookup.lookupDataframe(table, { pointColumn: ['pre_pt', 'post_pt'] })
    expect(out).toBeInstanceOf(Table)
    expect(out.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'id:Int32',
      'pre_pt_position:FixedSizeList[3]<Float64>',
      'pre_pt_supervoxel_id:Uint64',
      'pre_pt_root_id:Uint64',
      'post_pt_position:List<Int32>',
      'post_pt_supervoxel_id:Uint64',
      'post_pt_root_id:Uint64',
      'size:Float64',
    ])
    expect(out.schema.metadata.get('source')).toBe('test')
    expect(out.schema.fields[0]!.metadata.get('unit')).toBe('none')
    expect([...out.getChild('pre_pt_supervoxel_id')!.toArray()]).toEqual(pre.map(sv))
    expect([...out.getChild('pre_pt_root_id')!.toArray()]).toEqual(pre.map((p) => rootOf(sv(p), T)))
    expect([...out.getChild('post_pt_root_id')!.toArray()]).toEqual(post.map((p) => rootOf(sv(p), T)))
    // The same data, renamed (no copy).
    expect(out.getChild('pre_pt_position')!.data[0]!.children[0]!.values).toBe(table.getChild('pre_pt')!.data[0]!.children[0]!.values)
    expect([...out.getChild('size')!.toArray()]).toEqual([0.5, 1.5, 2.5])
    expect(table.schema.fields.map((f) => f.name)).toEqual(['id', 'pre_pt', 'post_pt', 'size']) // input unchanged
  })

  it('multi-batch and sliced tables read the right rows', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'), { timestamp: T })
    const one = new Table({ pt: vectorFromArray(pre, pointsType), k: makeVector(Int32Array.from([0, 1, 2])) })
    const two = new Table({ pt: vectorFromArray(post, pointsType), k: makeVector(Int32Array.from([3, 4, 5])) })
    const all = one.concat(two)
    expect(all.batches.length).toBe(2)
    const sliced = all.slice(1, 5) // rows 1..4 across both batches
    const out = await lookup.lookupDataframe(sliced, { pointColumn: 'pt' })
    const expected = [...pre, ...post].slice(1, 5)
    expect(out.numRows).toBe(4)
    expect([...out.getChild('pt_supervoxel_id')!.toArray()]).toEqual(expected.map(sv))
    expect([...out.getChild('k')!.toArray()]).toEqual([1, 2, 3, 4])
  })

  it('flat segmentation: no supervoxel column', async () => {
    const lookup = makeLookupClient(dep.client('flat_ds'))
    const out = await lookup.lookupDataframe(tableFromArrays({ n: Int32Array.from([1, 2, 3]) }).assign(new Table({ pt: vectorFromArray(pre, pointsType) })), { pointColumn: 'pt' })
    expect(out.schema.fields.map((f) => f.name)).toEqual(['n', 'pt_position', 'pt_root_id'])
  })

  it('errors before any request: unknown column, wrong type, nulls', async () => {
    const lookup = makeLookupClient(dep.client('graphene_ds'))
    const t = new Table({ pt: vectorFromArray(pre, pointsType), name: vectorFromArray(['a', 'b', 'c']) })
    expect((await rejection(lookup.lookupDataframe(t, { pointColumn: 'p' }))).message).toMatch(/unknown column "p"; the table has "pt", "name"/)
    expect((await rejection(lookup.lookupDataframe(t, { pointColumn: 'name' }))).message).toMatch(/column "name" has type Dictionary.*; a point column must be FixedSizeList\[3\] or List of numbers/)
    const withNull = new Table({ pt: vectorFromArray([[1, 2, 3], null, [4, 5, 6]], new FixedSizeList(3, new Field('item', new Float64(), true))) })
    expect((await rejection(lookup.lookupDataframe(withNull, { pointColumn: 'pt' }))).message).toMatch(/row 1, column "pt": the point is null/)
    const nan = new Table({ pt: vectorFromArray([[1, 2, 3], [4, NaN, 6]], pointsType) })
    expect((await rejection(lookup.lookupDataframe(nan, { pointColumn: 'pt' }))).message).toMatch(/row 1, column "pt" has a NaN/)
    expect(dep.seen).toHaveLength(0)
  })
})
