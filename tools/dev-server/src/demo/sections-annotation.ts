/**
 * Demo sections for the annotation client (`client.annotation`, AnnotationEngine v2): create a
 * table, upload rows in validated batches with progress, read them back, update one, delete one,
 * and count — every printed result checked.
 */
import { isDeepStrictEqual } from 'node:util'
import { FrameworkClient, isAnnotationValidationError, type AnnotationClient } from '@daf/services'
import { DEMO_ALIGNED_VOLUME, DEMO_DATASTACK } from '../constants.js'
import type { DemoEnv } from './env.js'
import { check, type DemoSection } from './runner.js'
import type { ServicesState } from './sections-services.js'

/** State the annotation sections hand on. */
export interface AnnotationState extends ServicesState {
  annotationTable?: string
  annotationIds?: BigUint64Array
}

const TABLE = 'demo_cell_tags'
const ROWS = 2_500
const BATCH = 1_000

export function annotationSections(env: DemoEnv, state: AnnotationState): DemoSection[] {
  const quiet = { warn: () => {}, debug: () => {} }
  const annotation = (): AnnotationClient => {
    state.client ??= new FrameworkClient(DEMO_DATASTACK, { serverAddress: env.server.url, logger: quiet })
    return state.client.annotation
  }
  return [
    {
      title: 'Annotation tables: create one and read its metadata',
      async run({ say, signal }) {
        const client = annotation()
        say(`aligned volume: ${await client.alignedVolumeName({ signal })}`)
        check((await client.alignedVolumeName()) === DEMO_ALIGNED_VOLUME, 'annotations live in the datastack’s aligned volume')

        const created = await client.createTable(TABLE, 'bound_tag', {
          description: 'Cell tags placed in the demo (created by pnpm demo)',
          voxelResolution: [4, 4, 40],
          noticeText: 'demo data',
          signal,
        })
        say(`created table ${created} (schema bound_tag, 4 × 4 × 40 nm voxels)`)
        check(created === TABLE, 'the engine confirms the new table')
        const tables = await client.getTables({ signal })
        say(`tables: ${tables.join(', ')}`)
        check(tables.includes(TABLE), 'the new table is listed')

        const md = await client.getTableMetadata(TABLE, { signal })
        say(`metadata: schema ${md.schema_type}, owner ${md.user_id}, read ${md.read_permission}, write ${md.write_permission}, voxel resolution ${md.voxelResolution.join(' × ')}`)
        check(md.schema_type === 'bound_tag' && isDeepStrictEqual(md.voxelResolution, [4, 4, 40]), 'metadata has the schema and folded voxel resolution')
        check(md.read_permission === 'PUBLIC' && md.write_permission === 'PRIVATE', 'default permissions: read PUBLIC, write PRIVATE')
        const createdAt = md.created instanceof Date ? md.created.toISOString() : String(md.created)
        say(`created ${createdAt} (UTC)`)
        check(md.created instanceof Date && Math.abs(md.created.getTime() - Date.now()) < 60_000, 'created is a recent UTC Date')

        let refused = ''
        try {
          await client.createTable('Cell/Tags', 'bound_tag', { description: 'x', voxelResolution: [4, 4, 40] })
        } catch (e) {
          refused = (e as Error).message
        }
        say(`a bad name is refused before any request: ${refused}`)
        check(refused.includes('"Cell/Tags"'), 'table names with / or upper case are refused client-side')
        state.annotationTable = TABLE
      },
    },
    {
      title: `Staged upload: ${ROWS} rows validated, rescaled and sent in batches`,
      async run({ say, signal }) {
        const client = annotation()
        check(state.annotationTable === TABLE, 'the table section ran')

        // A mistake in two rows: nothing is sent, and every problem is named.
        const bad = [
          { tag: 'ok', pt_position: [10, 10, 10] },
          { tag: 42, pt_position: [10, 10, 10] },
          { tag: 'short point', pt_position: [10, 10] },
        ]
        const error = await client.uploadStagedAnnotations(TABLE, bad, { signal }).catch((e: unknown) => e)
        check(isAnnotationValidationError(error), 'invalid rows are refused with a validation error')
        for (const p of error.problems) say(`  row ${p.row}, ${p.field}: ${p.problem}`)
        check(isDeepStrictEqual(error.invalidRows, [1, 2]), 'rows 1 and 2 are named')
        check((await client.getAnnotationCount(TABLE, { signal })) === 0, 'nothing was uploaded')

        // Positions in 8 × 8 × 40 nm voxels; the table is 4 × 4 × 40, so x and y double.
        const rows = Array.from({ length: ROWS }, (_, i) => ({
          tag: i % 2 === 0 ? 'pyramidal' : 'basket',
          pt_position: [1000 + i, 2000 + i, 30 + (i % 10)],
        }))
        const progress: string[] = []
        const ids = await client.uploadStagedAnnotations(TABLE, rows, {
          batchSize: BATCH,
          annotationResolution: [8, 8, 40],
          signal,
          onProgress: (p) => {
            progress.push(`${p.batch}/${p.batches}`)
            say(`batch ${p.batch} of ${p.batches}: ${p.rows} of ${p.totalRows} rows uploaded`)
          },
        })
        check(isDeepStrictEqual(progress, ['1/3', '2/3', '3/3']), 'three batches reported in order')
        say(`ids ${ids[0]} … ${ids[ids.length - 1]} (${ids.length} in row order)`)
        check(ids.length === ROWS && ids.every((id, i) => id === BigInt(i + 1)), 'one id per row, in row order')
        state.annotationIds = ids
      },
    },
    {
      title: 'Annotations: read back, update one, delete one, count',
      async run({ say, signal }) {
        const client = annotation()
        const ids = state.annotationIds
        check(ids && ids.length === ROWS, 'the upload section ran')
        const first = ids[0] as bigint
        const second = ids[1] as bigint
        const last = ids[ROWS - 1] as bigint

        const back = await client.getAnnotation(TABLE, [first, last], { signal })
        for (const r of back) say(`#${r.id}: ${String(r.tag)} at ${JSON.stringify(r.pt_position)} (valid ${String(r.valid)})`)
        check(isDeepStrictEqual(back[0]?.pt_position, [2000, 4000, 30]), 'row 0 was rescaled from 8 × 8 × 40 to 4 × 4 × 40')
        check(isDeepStrictEqual(back[1]?.pt_position, [2 * (1000 + ROWS - 1), 2 * (2000 + ROWS - 1), 39]), 'the last row too')

        const mapping = await client.updateAnnotation(TABLE, { id: first, tag: 'chandelier', pt_position: [2000, 4000, 30] }, { signal })
        const replacement = mapping.get(first)
        say(`updated #${first} → new annotation #${replacement}`)
        check(replacement === BigInt(ROWS + 1), 'an update makes a new row with the next id')
        const [old, fresh] = await client.getAnnotation(TABLE, [first, replacement], { signal })
        say(`#${first}: valid ${String(old?.valid)}, superseded by #${old?.superceded_id}; #${fresh?.id}: ${String(fresh?.tag)}`)
        check(old?.valid === false && old.superceded_id === replacement && fresh?.tag === 'chandelier', 'the old row is superseded by the new one')

        const deleted = await client.deleteAnnotation(TABLE, second, { signal })
        const [gone] = await client.getAnnotation(TABLE, second, { signal })
        say(`deleted #${[...deleted].join(', ')}: valid ${String(gone?.valid)}, deleted at ${gone?.deleted instanceof Date ? gone.deleted.toISOString() : String(gone?.deleted)}`)
        check(deleted.length === 1 && deleted[0] === second && gone?.valid === false && gone.deleted instanceof Date, 'a delete marks the row')

        const count = await client.getAnnotationCount(TABLE, { signal })
        say(`rows in ${TABLE}: ${count} (${ROWS} uploaded + 1 replacement; superseded and deleted rows stay)`)
        check(count === ROWS + 1, 'the count includes superseded and deleted rows')
      },
    },
  ]
}
