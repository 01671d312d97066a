// `pnpm bench [name ...]`: runs the named benchmarks (all of them without a name).
// Add a benchmark by adding an entry that lazily imports its module.
const benchmarks: Record<string, { describe: string; run: () => Promise<void> }> = {
  codec: {
    describe: 'compressed_segmentation encode/decode: @daf/codec-wasm vs neuroglancer TS',
    run: async () => (await import('./codec/index.js')).run(),
  },
  roots: {
    describe: 'chunkedgraph getRoots of 1,000,000 supervoxels over roots_binary against the dev server (ids/s)',
    run: async () => (await import('./services/roots.js')).run(),
  },
  overhead: {
    describe: 'client overhead per small chunkedgraph request vs a bare fetch of the same URL',
    run: async () => (await import('./services/overhead.js')).run(),
  },
  volume: {
    describe: 'CloudVolume cutouts (uint64 cseg, uint8 raw) from file:// and loopback HTTP vs read+decode limit; sharded; peak RSS',
    run: async () => (await import('./volume/index.js')).run(),
  },
  lookup: {
    describe: '@daf/lookup: 100,000 points to supervoxel and root ids against the dev server (points/s, requests, peak memory)',
    run: async () => (await import('./lookup/index.js')).run(),
  },
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = names.filter((n) => !(n in benchmarks))
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}`)
  console.error(`available:\n${Object.entries(benchmarks).map(([n, b]) => `  ${n}  ${b.describe}`).join('\n')}`)
  process.exit(2)
}
for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
  console.log(`## ${name}: ${benchmarks[name]?.describe}\n`)
  await benchmarks[name]?.run()
}
