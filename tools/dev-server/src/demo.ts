/**
 * `pnpm demo`: starts the local deployment in-process on a free port and walks through the
 * documented workflows, checking every result. Exits 0 only if every section passed.
 */
import { pathToFileURL } from 'node:url'
import { createDemoEnv } from './demo/env.js'
import { runSections, type DemoOutput, type DemoReport } from './demo/runner.js'
import { foundationSections } from './demo/sections-foundation.js'
import { servicesSections, type ServicesState } from './demo/sections-services.js'
import { annotationSections, type AnnotationState } from './demo/sections-annotation.js'
import { chunkedgraphSections, type ChunkedGraphState } from './demo/sections-chunkedgraph.js'
import { volumesSections, type VolumesState } from './demo/sections-volumes.js'
import { lookupSections } from './demo/sections-lookup.js'
import { cirrusSections } from './demo/sections-cirrus.js'

export async function runDemo(out: DemoOutput = { line: (t) => console.log(t) }): Promise<DemoReport> {
  const env = await createDemoEnv()
  try {
    out.line(`DAF SDK demo — local deployment at ${env.server.url}`)
    const state: ServicesState & AnnotationState & ChunkedGraphState & VolumesState = {}
    return await runSections(
      [
        ...foundationSections(env, state),
        ...servicesSections(env, state),
        ...annotationSections(env, state),
        ...chunkedgraphSections(env, state),
        ...volumesSections(env, state),
        ...lookupSections(env, state),
        ...cirrusSections(env),
      ],
      out,
    )
  } finally {
    await env.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await runDemo()
  process.exitCode = report.failed.length === 0 ? 0 : 1
}
