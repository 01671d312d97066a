// Module resolve hook for the workspace launcher (bin/daf.js): a workspace package's source file
// (…/packages/<name>/src/<path>.ts) resolves to its build output (…/packages/<name>/dist/<path>.js).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const SOURCE = /\/packages\/([^/]+)\/src\/(.+)\.ts$/

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context)
  if (!result.url.startsWith('file:')) return result
  const match = SOURCE.exec(result.url)
  if (!match) return result
  const url = result.url.replace(SOURCE, `/packages/$1/dist/$2.js`)
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`${fileURLToPath(url)} is missing: run \`pnpm build\` first`)
  }
  return { ...result, url, format: 'module' }
}
