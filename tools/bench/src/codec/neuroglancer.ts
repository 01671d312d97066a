// neuroglancer's TypeScript compressed_segmentation codec (@janelia-flyem/neuroglancer 2.37.5),
// bundled with esbuild from the package's TS sources: its compiled dist/ uses extensionless ESM
// specifiers that Node cannot import.
import { build } from 'esbuild'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface Uint32ArrayBuilderLike {
  readonly view: Uint32Array
}

export interface NeuroglancerCseg {
  Uint32ArrayBuilder: new (initialCapacity?: number) => Uint32ArrayBuilderLike
  /** uint64 input is a Uint32Array of (low, high) pairs; volumeSize is [x, y, z, c]. */
  encodeChannelsUint32(output: Uint32ArrayBuilderLike, blockSize: ArrayLike<number>, rawData: Uint32Array, volumeSize: ArrayLike<number>): void
  encodeChannelsUint64(output: Uint32ArrayBuilderLike, blockSize: ArrayLike<number>, rawData: Uint32Array, volumeSize: ArrayLike<number>): void
  decodeChannelsUint32(out: Uint32Array, data: Uint32Array, baseOffset: number, chunkDataSize: ArrayLike<number>, blockSize: ArrayLike<number>): void
  /** Two words per voxel. */
  decodeChannelsUint64(out: Uint32Array, data: Uint32Array, baseOffset: number, chunkDataSize: ArrayLike<number>, blockSize: ArrayLike<number>): void
}

const ENTRY = `
export { encodeChannels as encodeChannelsUint32 } from 'neuroglancer/sliceview/compressed_segmentation/encode_uint32'
export { encodeChannels as encodeChannelsUint64 } from 'neuroglancer/sliceview/compressed_segmentation/encode_uint64'
export { decodeChannels as decodeChannelsUint32 } from 'neuroglancer/sliceview/compressed_segmentation/decode_uint32'
export { decodeChannels as decodeChannelsUint64 } from 'neuroglancer/sliceview/compressed_segmentation/decode_uint64'
export { Uint32ArrayBuilder } from 'neuroglancer/util/uint32array_builder'
`

export const NEUROGLANCER_PACKAGE = '@janelia-flyem/neuroglancer'

/** Bundles and imports neuroglancer's codec; throws with the reason if the package is missing. */
export async function loadNeuroglancer(): Promise<{ codec: NeuroglancerCseg; version: string }> {
  const require = createRequire(import.meta.url)
  const pkgJson = require.resolve(`${NEUROGLANCER_PACKAGE}/package.json`)
  const { version } = require(pkgJson) as { version: string }
  const benchDir = fileURLToPath(new URL('../..', import.meta.url))
  const outDir = join(benchDir, 'node_modules', '.cache', 'daf-bench')
  mkdirSync(outDir, { recursive: true })
  const outfile = join(outDir, `neuroglancer-cseg-${version}.mjs`)
  await build({
    stdin: { contents: ENTRY, resolveDir: benchDir, loader: 'ts', sourcefile: 'neuroglancer-cseg-entry.ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    alias: { neuroglancer: join(dirname(pkgJson), 'src', 'neuroglancer') },
    outfile,
    logLevel: 'error',
  })
  const codec = (await import(pathToFileURL(outfile).href)) as NeuroglancerCseg
  return { codec, version }
}
