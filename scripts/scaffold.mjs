// One-off generator for package manifests; kept so new packages follow the same shape.
import { writeFileSync, mkdirSync, existsSync } from 'node:fs'
const pkgs = [
  ['packages/auth', '@daf/auth', 'Tokens for CAVE / DAF deployments: lookup order, ~/.cloudvolume/secrets files, browser storage, saveToken.', [], { './node': 'node/index' }],
  ['packages/services', '@daf/services', 'Shared HTTP client and CAVE / DAF service clients (info, schema, annotation, chunkedgraph, state).', ['@daf/auth'], { './node': 'node/index' }],
  ['packages/codec-wasm', '@daf/codec-wasm', 'compressed_segmentation and raw chunk codecs compiled from AssemblyScript to WebAssembly.', [], {}],
  ['packages/volume', '@daf/volume', 'CloudVolume for Neuroglancer precomputed and graphene volumes.', ['@daf/codec-wasm', '@daf/services', '@daf/auth'], { './node': 'node/index' }],
  ['packages/cirrus', '@daf/cirrus', 'CirrusVolume: precomputed volumes that refuse writes without provenance.', ['@daf/volume'], { './node': 'node/index' }],
  ['packages/lookup', '@daf/lookup', 'LookupClient (points to supervoxel and root ids) and ImageryClient.', ['@daf/services', '@daf/volume'], {}],
]
const exp = (src, types, js, nodeOnly) => nodeOnly
  ? { types, browser: null, node: js, default: null }
  : { types, default: js }
for (const [dir, name, description, deps, subpaths] of pkgs) {
  const exportsSrc = { '.': exp(null, './src/index.ts', './src/index.ts', false) }
  const exportsDist = { '.': exp(null, './dist/index.d.ts', './dist/index.js', false) }
  for (const [sub, file] of Object.entries(subpaths)) {
    exportsSrc[sub] = exp(null, `./src/${file}.ts`, `./src/${file}.ts`, true)
    exportsDist[sub] = exp(null, `./dist/${file}.d.ts`, `./dist/${file}.js`, true)
  }
  exportsSrc['./package.json'] = './package.json'
  exportsDist['./package.json'] = './package.json'
  const manifest = {
    name, version: '0.0.0', description, license: 'MIT', type: 'module', sideEffects: false,
    engines: { node: '>=20.19' },
    repository: { type: 'git', url: 'git+https://example.invalid/daf-sdk.git', directory: dir },
    exports: exportsSrc,
    files: ['dist', 'src', '!src/**/*.test.ts', 'README.md'],
    scripts: {
      build: 'tsc --build',
      typecheck: 'tsc --build',
      lint: 'node ../../scripts/lint-package.mjs',
      test: `vitest run --config ../../vitest.config.ts --dir ${dir}`,
    },
    dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:^'])),
    publishConfig: { access: 'public', exports: exportsDist },
  }
  mkdirSync(`${dir}/src`, { recursive: true })
  writeFileSync(`${dir}/package.json`, JSON.stringify(manifest, null, 2) + '\n')
  const refs = deps.map((d) => ({ path: `../${d.replace('@daf/', '')}` }))
  const tsconfig = {
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
    exclude: ['src/**/*.test.ts'],
    references: refs,
  }
  writeFileSync(`${dir}/tsconfig.json`, JSON.stringify(tsconfig, null, 2) + '\n')
  if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, `export {}\n`)
}
