/**
 * Recording provenance: one read-modify-write of the layer's `provenance` file per documentation
 * step, under an in-process lock per file, re-reading the file just before changing it.
 *
 * - The lock (keyed by `storage.url`, shared by every copy of this package in the process through
 *   a `Symbol.for` registry) serialises all CirrusVolumes of this process writing the same layer,
 *   so none of them can drop another's entries.
 * - Other processes are not covered by the lock: after writing, the file is read once more and the
 *   step is re-applied if our entries were lost (up to `MAX_WRITES` writes). That narrows the
 *   window but cannot close it: a concurrent writer that read before our write and writes after
 *   our check can still drop our entries (object stores here offer no conditional writes).
 *
 * Every step is idempotent (sources appended only when absent, the motivation only when no
 * MOTIVATION note has that text, the process only when no entry has that task and parameters, an
 * explicit note only when that exact note text is not there yet), so re-applying is safe.
 */
import { type Provenance, type Storage, defaultProvenance, formatJson, formatProvenance, normalizeProvenance, parseProvenance } from '@daf/volume'
import { CirrusError } from './errors.js'
import type { JsonValue } from './json.js'
import { NoteType, appendNote, formatNote, noteAbsent, parseNotes } from './notes.js'
import { type Process, codefileAbsent, processAbsent } from './process.js'

export interface NoteRequest {
  type: NoteType
  content: string
  timestamp: Date
}

/** What one documentation step adds. */
export interface DocumentRequest {
  sources?: readonly string[]
  motivation?: string
  process?: Process
  notes?: readonly NoteRequest[]
  /** When the motivation note is written. */
  timestamp: Date
}

export interface EnvFile {
  filename: string
  contents: JsonValue
}

const MAX_WRITES = 3
const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()
const JSON_SET = { contentType: 'application/json', cacheControl: 'no-cache', compress: false } as const

type LockRegistry = Map<string, Promise<void>>
const REGISTRY = Symbol.for('@daf/cirrus.provenance-locks')
const locks: LockRegistry = ((globalThis as Record<symbol, unknown>)[REGISTRY] as LockRegistry | undefined) ?? new Map()
;(globalThis as Record<symbol, unknown>)[REGISTRY] = locks

/** Runs `fn` while holding this process's lock on `storage`'s provenance file. */
export async function withProvenanceLock<T>(storage: Storage, fn: () => Promise<T>): Promise<T> {
  const key = `${storage.url}\0provenance`
  const previous = locks.get(key) ?? Promise.resolve()
  let release!: () => void
  const mine = new Promise<void>((r) => (release = r))
  const tail = previous.then(() => mine)
  locks.set(key, tail)
  await previous
  try {
    return await fn()
  } finally {
    release()
    if (locks.get(key) === tail) locks.delete(key)
  }
}

/** The stored provenance, or `undefined` when the layer has none yet. */
export async function readStoredProvenance(storage: Storage, signal?: AbortSignal): Promise<Provenance | undefined> {
  const bytes = await storage.get('provenance', { signal })
  if (bytes === undefined) return undefined
  return parseProvenance(utf8Decoder.decode(bytes))
}

/**
 * Applies `request` to `provenance` in place. Returns whether anything changed and which code
 * environment files must be written first (those not referenced by any entry yet).
 */
export function applyRequest(provenance: Provenance, request: DocumentRequest): { changed: boolean; envFiles: EnvFile[] } {
  let changed = false
  const envFiles: EnvFile[] = []
  for (const source of request.sources ?? []) {
    if (!provenance.sources.includes(source)) {
      provenance.sources.push(source)
      changed = true
    }
  }
  if (request.motivation !== undefined && noteAbsent(provenance.description, request.motivation, NoteType.MOTIVATION)) {
    provenance.description = appendNote(provenance.description, formatNote(NoteType.MOTIVATION, request.motivation, request.timestamp))
    changed = true
  }
  for (const note of request.notes ?? []) {
    const text = formatNote(note.type, note.content, note.timestamp)
    if (!parseNotes(provenance.description).some((n) => n.text === text)) {
      provenance.description = appendNote(provenance.description, text)
      changed = true
    }
  }
  const process = request.process
  if (process && processAbsent(provenance.processing, process)) {
    const written = new Set<string>()
    for (const file of process.envFiles()) {
      if (written.has(file.filename) || !codefileAbsent(provenance.processing, file.filename)) continue
      written.add(file.filename)
      envFiles.push(file)
    }
    provenance.processing.push(process.entry())
    changed = true
  }
  return { changed, envFiles }
}

async function writeProvenance(storage: Storage, provenance: Provenance, signal?: AbortSignal): Promise<void> {
  await storage.set('provenance', utf8.encode(formatProvenance(provenance)), { ...JSON_SET, signal })
}

/**
 * Records `request` in the layer's provenance: under the lock, re-read the file (or start from
 * `base` when there is none), apply, write the new code-environment files, then `provenance`;
 * re-read to check the entries stuck. Returns the provenance as stored.
 */
export async function recordProvenance(
  storage: Storage,
  request: DocumentRequest,
  options: { base?: Provenance; signal?: AbortSignal } = {},
): Promise<Provenance> {
  const { signal } = options
  return withProvenanceLock(storage, async () => {
    for (let writes = 0; ; writes++) {
      const stored = await readStoredProvenance(storage, signal)
      const provenance = stored ?? normalizeProvenance(structuredClone(options.base ?? defaultProvenance()))
      const { changed, envFiles } = applyRequest(provenance, request)
      if (!changed && stored !== undefined) return provenance
      if (writes >= MAX_WRITES) {
        throw new CirrusError(
          'PROVENANCE_CONFLICT',
          `${storage.url}/provenance: our entries were overwritten ${MAX_WRITES} times by another writer; call document() again`,
        )
      }
      for (const file of envFiles) {
        await storage.set(file.filename, utf8.encode(formatJson(file.contents)), { ...JSON_SET, signal })
      }
      await writeProvenance(storage, provenance, signal)
    }
  })
}

/** One locked read-modify-write with an arbitrary edit (no re-check: the edit need not be idempotent). */
export async function editProvenance(
  storage: Storage,
  edit: (provenance: Provenance) => Provenance | void | Promise<Provenance | void>,
  options: { base?: Provenance; signal?: AbortSignal } = {},
): Promise<Provenance> {
  return withProvenanceLock(storage, async () => {
    const stored = await readStoredProvenance(storage, options.signal)
    const provenance = stored ?? normalizeProvenance(structuredClone(options.base ?? defaultProvenance()))
    const result = normalizeProvenance((await edit(provenance)) ?? provenance)
    await writeProvenance(storage, result, options.signal)
    return result
  })
}
