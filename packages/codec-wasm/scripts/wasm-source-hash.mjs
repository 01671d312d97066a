// Hash of everything the wasm binary is built from: the AssemblyScript sources, the compiler
// version and the `build:wasm` command. Recorded in src/wasm-binary.generated.ts by
// inline-wasm.mjs; a test recomputes it so a stale committed binary fails the suite.
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** @param {string} packageDir absolute path of packages/codec-wasm */
export function wasmSourceHash(packageDir) {
  const hash = createHash('sha256')
  const assembly = join(packageDir, 'assembly')
  const files = readdirSync(assembly).filter((f) => f.endsWith('.ts')).sort()
  for (const f of files) {
    // Normalise line endings so a Windows checkout hashes the same.
    hash.update(`${f}\0${readFileSync(join(assembly, f), 'utf8').replace(/\r\n/g, '\n')}\0`)
  }
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  const require = createRequire(join(packageDir, 'package.json'))
  const asc = JSON.parse(readFileSync(require.resolve('assemblyscript/package.json'), 'utf8'))
  hash.update(`assemblyscript@${asc.version}\0${pkg.scripts['build:wasm']}\0`)
  return hash.digest('hex')
}
