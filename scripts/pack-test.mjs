#!/usr/bin/env node
// Pick-and-choose installs, as users get the packages (CI runs this after the build):
//  1. packs every package under packages/ with `pnpm pack` (publishConfig applied: exports → dist,
//     workspace:^ → versions);
//  2. a fresh project installs only @daf/codec-wasm + @daf/volume from their tarballs with npm (their
//     own @daf dependencies, auth and services, come from the tarballs through `overrides`; third-party
//     packages from the npm registry) and, in plain Node, creates a file:// layer, writes and reads a
//     cutout (raw uint8 and compressed_segmentation uint64, which needs the wasm codec);
//  3. a Vite app that imports only @daf/services is built from that install (and one that imports
//     only @daf/volume), checked for Node-only code, and its bundle sizes are printed and written
//     to tools/bench/RESULTS.md (section between the pack-test markers);
//  4. @daf/cli is installed from its tarball and its published `daf` binary runs.
// Exits non-zero when any step fails. `--keep` keeps the temporary directory.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('..', import.meta.url))
const keep = process.argv.includes('--keep')
const work = mkdtempSync(join(tmpdir(), 'daf-pack-test-'))
const started = Date.now()
const step = (text) => console.log(`pack-test: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
const run = (cmd, args, cwd, options = {}) =>
  execFileSync(cmd, args, { cwd, stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'inherit', 'inherit'], encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } })

function packAll() {
  const out = join(work, 'tarballs')
  mkdirSync(out)
  const tarballs = {}
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir)
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
    if (manifest.private) continue
    const before = new Set(readdirSync(out))
    run('pnpm', ['pack', '--pack-destination', out], pkgDir, { capture: true })
    const file = readdirSync(out).find((f) => !before.has(f))
    if (!file) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`)
    tarballs[manifest.name] = join(out, file)
  }
  return tarballs
}

/** A project with `deps` from tarballs; every other @daf package resolves to its tarball too (never the registry). */
function project(name, deps, tarballs, files) {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  const fileSpec = (pkg) => `file:${tarballs[pkg]}`
  const overrides = Object.fromEntries(Object.keys(tarballs).filter((p) => !deps.includes(p)).map((p) => [p, fileSpec(p)]))
  const manifest = { name, private: true, type: 'module', dependencies: Object.fromEntries(deps.map((p) => [p, fileSpec(p)])), overrides }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'], dir)
  return dir
}

const installedDaf = (dir) => readdirSync(join(dir, 'node_modules', '@daf')).sort()

const NODE_READ = `// Written by scripts/pack-test.mjs: a user's script with only @daf/volume (+ @daf/codec-wasm) installed.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloudVolume } from '@daf/volume'
import { init, isInitialized } from '@daf/codec-wasm'

const dir = mkdtempSync(join(tmpdir(), 'daf-pack-layer-'))
const check = (ok, what) => { if (!ok) throw new Error('check failed: ' + what) }
try {
  // An image layer: raw uint8.
  const image = await CloudVolume.open('file://' + join(dir, 'image'), {
    info: CloudVolume.createNewInfo({ numChannels: 1, layerType: 'image', dataType: 'uint8', encoding: 'raw', resolution: [8, 8, 40], voxelOffset: [0, 0, 0], volumeSize: [128, 128, 16], chunkSize: [64, 64, 16] }),
  })
  await image.commitInfo()
  const pixels = new Uint8Array(128 * 128 * 16).map((_, i) => (i * 7) % 251)
  await image.write([[0, 128], [0, 128], [0, 16]], pixels)
  const reopened = await CloudVolume.open('precomputed://file://' + join(dir, 'image'))
  const cut = await reopened.read([[32, 96], [40, 104], [3, 9]])
  check(cut.shape.join() === '64,64,6,1', 'image cutout shape ' + cut.shape)
  let same = true
  for (let z = 3; z < 9; z++) for (let y = 40; y < 104; y++) for (let x = 32; x < 96; x++)
    same &&= cut.data[(x - 32) + 64 * ((y - 40) + 64 * (z - 3))] === pixels[x + 128 * (y + 128 * z)]
  check(same, 'image cutout values')

  // A segmentation layer: compressed_segmentation uint64 (the wasm codec), ids above 2^53.
  const seg = await CloudVolume.open('file://' + join(dir, 'seg'), {
    info: CloudVolume.createNewInfo({ numChannels: 1, layerType: 'segmentation', dataType: 'uint64', encoding: 'compressed_segmentation', resolution: [8, 8, 40], voxelOffset: [0, 0, 0], volumeSize: [64, 64, 8], chunkSize: [32, 32, 8] }),
  })
  await seg.commitInfo()
  const labels = new BigUint64Array(64 * 64 * 8).map((_, i) => 864691135217641315n + BigInt(((i % 64) >> 4) + 4 * (Math.floor(i / 64) % 64 >> 4)))
  await seg.write([[0, 64], [0, 64], [0, 8]], labels)
  const back = await (await CloudVolume.open('file://' + join(dir, 'seg'))).read([[0, 64], [0, 64], [0, 8]])
  check(isInitialized(), 'the wasm codec was loaded')
  check(back.data.every((v, i) => v === labels[i]), 'segmentation round trip')
  await init()
  console.log('node: file:// cutouts read back (uint8 raw ' + cut.shape.join('x') + ', uint64 compressed_segmentation ' + back.shape.join('x') + ')')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
`

const SERVICES_APP = `// Written by scripts/pack-test.mjs: a browser app that uses only @daf/services.
import { FrameworkClient, isHttpError } from '@daf/services'

const client = new FrameworkClient('minnie65_public', { serverAddress: location.origin })
client.info
  .getDatastackInfo()
  .then((info) => { document.body.textContent = info.description })
  .catch((e) => { document.body.textContent = isHttpError(e) ? 'HTTP ' + e.status : String(e) })
`

const HTTP_APP = `// Written by scripts/pack-test.mjs: a browser app that uses only the HTTP layer of @daf/services.
import { AuthClient } from '@daf/auth'
import { createHttpClient, infoV2, requestEndpoint } from '@daf/services'

const baseUrl = location.origin
const http = createHttpClient({ auth: new AuthClient({ serverAddress: baseUrl }) })
requestEndpoint(http, infoV2.datastackInfo, { baseUrl, params: { datastack: 'minnie65_public' } })
  .then((info) => { document.body.textContent = info.description })
`

const VOLUME_APP = `// Written by scripts/pack-test.mjs: a browser app that uses only @daf/volume.
import { CloudVolume } from '@daf/volume'

const vol = await CloudVolume.open('precomputed://https://example.org/layer', { useHttps: true })
const cut = await vol.read([[0, 64], [0, 64], [0, 1]])
document.body.textContent = cut.shape.join('x')
`

const html = (entry) => `<!doctype html><html><head><meta charset="utf-8"><title>pack test</title></head><body><script type="module" src="./${entry}"></script></body></html>\n`

async function viteBuild(dir, name) {
  const { build } = await import(join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js'))
  const outDir = join(dir, `dist-${name}`)
  await build({ root: dir, logLevel: 'warn', configFile: false, build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: join(dir, `${name}.html`) } } })
  const files = []
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(js|wasm)$/.test(f)) files.push(p)
    }
  }
  walk(outDir)
  let bytes = 0
  let gzip = 0
  for (const f of files) {
    const content = readFileSync(f)
    if (f.endsWith('.js') && /from\s*["']node:|import\(["']node:|require\(["']node:/.test(content.toString('utf8'))) {
      throw new Error(`${name}: the browser bundle imports a node: module (${relative(outDir, f)})`)
    }
    bytes += content.length
    gzip += gzipSync(content, { level: 9 }).length
  }
  return { files: files.length, bytes, gzip }
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`

function writeResults(rows, versions) {
  const file = join(root, 'tools', 'bench', 'RESULTS.md')
  const start = '<!-- pack-test:start -->'
  const end = '<!-- pack-test:end -->'
  const section = [
    start,
    '## pack-test: browser bundle sizes of pick-and-choose installs',
    '',
    'Written by `pnpm pack-test` (`scripts/pack-test.mjs`, also run by `.ci/run`): the packages are packed with',
    '`pnpm pack`, installed from the tarballs into a fresh project with npm, and a one-file app is built with',
    `Vite ${versions.vite} (production, minified, \`target: es2022\`) importing only the named package. Sizes are the`,
    'JavaScript (and wasm) the app ships, including the package\'s third-party dependencies; gzip level 9.',
    '`FrameworkClient` brings every service client with it (annotation, chunkedgraph, state, schema, info),',
    'because they are imported statically; ajv (staged-upload validation) is a separate chunk loaded on first',
    'use, counted here. The HTTP layer alone shakes down to the second row.',
    '',
    '| app imports only | what it calls | files | minified | gzip |',
    '|---|---|---:|---:|---:|',
    ...rows.map((r) => `| \`${r.pkg}\` | ${r.calls} | ${r.files} | ${kB(r.bytes)} | ${kB(r.gzip)} |`),
    end,
  ].join('\n')
  const text = readFileSync(file, 'utf8')
  const i = text.indexOf(start)
  const j = text.indexOf(end)
  let next
  if (i >= 0 && j > i) next = text.slice(0, i) + section + text.slice(j + end.length)
  else {
    const at = text.indexOf('\n## ')
    next = at >= 0 ? `${text.slice(0, at + 1)}${section}\n\n${text.slice(at + 1)}` : `${text.trimEnd()}\n\n${section}\n`
  }
  if (next !== text) writeFileSync(file, next)
}

try {
  const tarballs = packAll()
  step(`packed ${Object.keys(tarballs).join(', ')}`)

  const volumeProject = project('volume-only', ['@daf/codec-wasm', '@daf/volume'], tarballs, {
    'read.mjs': NODE_READ,
    'services.html': html('services.js'),
    'services.js': SERVICES_APP,
    'http.html': html('http.js'),
    'http.js': HTTP_APP,
    'volume.html': html('volume.js'),
    'volume.js': VOLUME_APP,
  })
  const got = installedDaf(volumeProject)
  if (got.join() !== 'auth,codec-wasm,services,volume') throw new Error(`volume-only install holds @daf/${got.join(', @daf/')}; expected auth, codec-wasm, services, volume`)
  step(`npm installed @daf/codec-wasm + @daf/volume from tarballs (pulling in @daf/${got.filter((p) => p !== 'volume' && p !== 'codec-wasm').join(', @daf/')})`)
  run(process.execPath, ['read.mjs'], volumeProject)

  const vite = JSON.parse(readFileSync(join(root, 'node_modules', 'vite', 'package.json'), 'utf8')).version
  const services = await viteBuild(volumeProject, 'services')
  const http = await viteBuild(volumeProject, 'http')
  const volume = await viteBuild(volumeProject, 'volume')
  const rows = [
    { pkg: '@daf/services', label: 'FrameworkClient', calls: '`new FrameworkClient(…).info.getDatastackInfo()`', ...services },
    { pkg: '@daf/services', label: 'HTTP layer', calls: '`createHttpClient` + `requestEndpoint(http, infoV2.datastackInfo, …)` (and `@daf/auth`)', ...http },
    { pkg: '@daf/volume', label: 'CloudVolume', calls: '`CloudVolume.open(…)` + `read(…)` over https', ...volume },
  ]
  for (const r of rows) console.log(`pack-test: Vite bundle importing only ${r.pkg} (${r.label}): ${r.files} files, ${kB(r.bytes)} minified, ${kB(r.gzip)} gzip`)
  writeResults(rows, { vite })
  step('Vite apps built (no node: imports); sizes written to tools/bench/RESULTS.md')

  const cliProject = project('cli', ['@daf/cli'], tarballs, {})
  const daf = join(cliProject, 'node_modules', '.bin', 'daf')
  const version = run(daf, ['--version'], cliProject, { capture: true }).trim()
  if (version !== JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version) throw new Error(`daf --version printed ${version}`)
  const layer = `file://${join(cliProject, 'layer')}`
  run(daf, ['--quiet', 'volume', 'create', layer, '--size', '32,32,4', '--resolution', '8,8,40', '--chunk', '32,32,4'], cliProject, { capture: true })
  const info = JSON.parse(run(daf, ['--json', 'volume', 'info', layer], cliProject, { capture: true }))
  if (info.info.scales[0].size.join() !== '32,32,4') throw new Error('daf volume info did not read back the created layer')
  step(`npm installed @daf/cli; its published binary runs (daf ${version}: volume create + info on a file:// layer)`)
  console.log('pack-test: ok')
} catch (error) {
  console.error(`pack-test: FAILED: ${error.message}`)
  process.exitCode = 1
} finally {
  if (keep) console.log(`pack-test: kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}
