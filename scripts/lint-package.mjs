#!/usr/bin/env node
// Lints the package in the current directory the way it will be published:
// `pnpm pack` applies publishConfig (exports → dist), then publint and attw read the tarball.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

const out = mkdtempSync(join(tmpdir(), 'daf-lint-'))
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' })
try {
  execFileSync('pnpm', ['pack', '--pack-destination', out], { stdio: ['ignore', 'ignore', 'inherit'] })
  const tarball = join(out, readdirSync(out).find((f) => f.endsWith('.tgz')))
  run(bin('publint'), ['run', tarball, '--strict'])
  // ESM-only packages: the CommonJS and node10 resolutions are not supported on purpose.
  run(bin('attw'), [tarball, '--profile', 'esm-only', '--no-emoji', '--format', 'table-flipped'])
} finally {
  rmSync(out, { recursive: true, force: true })
}
