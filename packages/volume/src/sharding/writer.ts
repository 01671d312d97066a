/**
 * Whole shard files laid out as CloudVolume's `synthesize_shard_file` writes them (volumes.md §4.8):
 * `[shard index][data of every minishard][every minishard index]`. Minishards in ascending number
 * (CloudVolume: first-seen order), ids ascending within each; data contiguous, so only the first
 * offset of each minishard index is non-zero (the data written before it); empty minishards have the
 * entry `[0, 0]`. `data_encoding`/`minishard_index_encoding` gzip compress each chunk / each index.
 */
import { compress } from '../compression/index.js'
import { InvalidArgumentError } from '../errors.js'
import { encodeMinishardIndex } from './indices.js'
import { parseShardingSpec, shardLocation, type ShardingParams, type ShardingSpec } from './spec.js'

export interface SynthesizeOptions {
  signal?: AbortSignal
  /** gzip level for gzip encodings (default 9 in Node). */
  level?: number
}

/**
 * Shard files for `chunks` (chunk id → encoded chunk bytes, before `data_encoding`): file name
 * (`<hex>.shard`, relative to the scale directory) → bytes. Only shards holding chunks appear.
 */
export async function synthesizeShardFiles(
  spec: ShardingSpec | ShardingParams,
  chunks: ReadonlyMap<bigint, Uint8Array>,
  options: SynthesizeOptions = {},
): Promise<Map<string, Uint8Array>> {
  const params = parseShardingSpec(spec)
  const byShard = new Map<string, Map<bigint, Uint8Array>>()
  for (const [id, bytes] of chunks) {
    if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`chunks[${id}]`, bytes, 'a Uint8Array')
    const loc = shardLocation(params, id)
    let group = byShard.get(loc.file)
    if (!group) byShard.set(loc.file, (group = new Map()))
    group.set(id, bytes)
  }
  const out = new Map<string, Uint8Array>()
  for (const file of [...byShard.keys()].sort()) {
    out.set(file, await synthesizeShardFile(params, byShard.get(file)!, options))
  }
  return out
}

/** One shard file from chunks that all belong to the same shard. */
export async function synthesizeShardFile(
  spec: ShardingSpec | ShardingParams,
  chunks: ReadonlyMap<bigint, Uint8Array>,
  options: SynthesizeOptions = {},
): Promise<Uint8Array> {
  const params = parseShardingSpec(spec)
  const gz = { ...(options.signal && { signal: options.signal }), ...(options.level !== undefined && { level: options.level }) }
  const minishards = new Map<bigint, bigint[]>()
  let shard: bigint | undefined
  for (const id of chunks.keys()) {
    const loc = shardLocation(params, id)
    if (shard === undefined) shard = loc.shard
    else if (loc.shard !== shard) {
      throw new InvalidArgumentError('chunks', id, `chunk ids of one shard (${shard.toString(16)}), but ${id} is in shard ${loc.shard.toString(16)}`)
    }
    let ids = minishards.get(loc.minishard)
    if (!ids) minishards.set(loc.minishard, (ids = []))
    ids.push(id)
  }
  const order = [...minishards.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

  const dataParts: Uint8Array[] = []
  const indexParts: { minishard: bigint; bytes: Uint8Array }[] = []
  let dataLength = 0
  for (const m of order) {
    const ids = minishards.get(m)!.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const firstOffset = BigInt(dataLength)
    const sizes: number[] = []
    for (const id of ids) {
      let bytes = chunks.get(id)!
      if (params.dataEncoding === 'gzip') bytes = await compress(bytes, 'gzip', gz)
      dataParts.push(bytes)
      sizes.push(bytes.byteLength)
      dataLength += bytes.byteLength
    }
    let index = encodeMinishardIndex(ids, sizes, firstOffset)
    if (params.minishardIndexEncoding === 'gzip') index = await compress(index, 'gzip', gz)
    indexParts.push({ minishard: m, bytes: index })
  }

  const indexLength = params.indexLength
  const total = indexLength + dataLength + indexParts.reduce((s, p) => s + p.bytes.byteLength, 0)
  const file = new Uint8Array(total)
  const view = new DataView(file.buffer)
  let at = indexLength
  for (const part of dataParts) {
    file.set(part, at)
    at += part.byteLength
  }
  let rel = BigInt(dataLength)
  for (const { minishard, bytes } of indexParts) {
    file.set(bytes, at)
    at += bytes.byteLength
    const entry = Number(minishard) * 16
    view.setBigUint64(entry, rel, true)
    rel += BigInt(bytes.byteLength)
    view.setBigUint64(entry + 8, rel, true)
  }
  return file
}
