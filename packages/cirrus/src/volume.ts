/**
 * CirrusVolume (volumes.md §8.1): a CloudVolume that refuses to change anything unless it knows
 * where the data came from (`sources`), why it is written (`motivation`) and how it was made
 * (`process`), and records all three in the layer's `provenance` after every successful change.
 *
 * It composes (does not extend) a CloudVolume: reads go straight through; every mutating call is
 * guarded — `write`/`upload` (sharded scales included: whole-shard writes), `delete`,
 * `commitInfo`, `lockMips`/`unlockMips`, `transferTo`/`transferFrom`, and `set`/`delete` on
 * `storage`. Guarded calls check the rules before any I/O, run the operation, and only once it
 * succeeded record the provenance (one locked read-modify-write, see `log.ts`).
 */
import {
  type BoxLike,
  type CallOptions,
  CloudVolume,
  type CloudVolumeOptions,
  type MipSelector,
  type Provenance,
  ReadOnlyException,
  type Storage,
  type StorageCallOptions,
  type StorageSetOptions,
  type VolumeInfo,
  type WriteData,
} from '@daf/volume'
import { CirrusError } from './errors.js'
import { type DocumentRequest, editProvenance, recordProvenance } from './log.js'
import { type Note, NoteType, checkNoteContent, checkNoteType, parseNotes, parseTimestamp } from './notes.js'
import type { Process } from './process.js'
import { type CheckedFields, checkWritingRules, findProblems } from './rules.js'

/** The provenance fields; any value is accepted here and checked when something is written. */
export interface CirrusFields {
  /** Where the data came from: layer paths, `"tracer annotation"`, … (non-empty array of non-empty strings). */
  sources?: readonly string[] | undefined
  /** Why the data is written (a non-empty string without `;`). */
  motivation?: string | undefined
  /** How it was made: `new Process(description, parameters, codeEnvs)`. */
  process?: Process | undefined
}

export type CirrusVolumeOptions = CloudVolumeOptions & CirrusFields

export interface NoteOptions {
  /** When the note was written (default now); a Date or a timestamp string. */
  timestamp?: Date | string
  signal?: AbortSignal
}

export type TransferOptions = NonNullable<Parameters<CloudVolume['transferTo']>[1]>

const VOLUME_BRAND = Symbol.for('@daf/cirrus.volume')

export class CirrusVolume {
  readonly #vol: CloudVolume
  readonly #storage: Storage
  #sources: unknown
  #motivation: unknown
  #process: unknown

  private constructor(volume: CloudVolume, fields: CirrusFields) {
    this.#vol = volume
    this.sources = fields.sources
    this.#motivation = fields.motivation
    this.#process = fields.process
    this.#storage = this.#guardedStorage(volume.storage)
    Object.defineProperty(this, VOLUME_BRAND, { value: true })
  }

  /**
   * Opens a layer like `CloudVolume.open` (same paths and options) plus `sources`, `motivation` and
   * `process`, which may also be set later. Reading never needs them.
   */
  static async open(cloudpath: string, options: CirrusVolumeOptions = {}): Promise<CirrusVolume> {
    const { sources, motivation, process, ...volumeOptions } = options
    const volume = await CloudVolume.open(cloudpath, volumeOptions)
    return new CirrusVolume(volume, { sources, motivation, process })
  }

  /**
   * Wraps an open CloudVolume. The CloudVolume itself stays unguarded: hand only the CirrusVolume on.
   */
  static wrap(volume: CloudVolume, fields: CirrusFields = {}): CirrusVolume {
    if (!(volume instanceof CloudVolume)) throw new CirrusError('INVALID_ARGUMENT', 'CirrusVolume.wrap needs a CloudVolume')
    return new CirrusVolume(volume, fields)
  }

  /** True for a CirrusVolume of any copy of this package. */
  static isCirrusVolume(value: unknown): value is CirrusVolume {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[VOLUME_BRAND] === true
  }

  // -------------------------------------------------------------------------------------------
  // The provenance fields and the rules

  get sources(): string[] | undefined {
    return this.#sources as string[] | undefined
  }

  /** Copied when set (later changes to your array do not leak in); validated when something is written. */
  set sources(value: readonly string[] | undefined) {
    this.#sources = Array.isArray(value) ? [...(value as unknown[])] : value
  }

  get motivation(): string | undefined {
    return this.#motivation as string | undefined
  }

  set motivation(value: string | undefined) {
    this.#motivation = value
  }

  get process(): Process | undefined {
    return this.#process as Process | undefined
  }

  set process(value: Process | undefined) {
    this.#process = value
  }

  /** True when `sources`, `motivation` and `process` would let a write through. */
  get documented(): boolean {
    const p = findProblems(this.#fields())
    return p.missing.length === 0 && p.invalid.length === 0
  }

  /** Throws `ProvenanceRequiredError` (naming each missing or invalid field) unless writes are allowed. */
  checkWritingRules(operation = 'write'): void {
    this.#check(operation)
  }

  #fields(): { sources: unknown; motivation: unknown; process: unknown } {
    return { sources: this.#sources, motivation: this.#motivation, process: this.#process }
  }

  #check(operation: string): CheckedFields {
    return checkWritingRules(this.#fields(), operation, this.cloudpath)
  }

  /** Records the fields (after a successful mutation). Not aborted by the caller's signal: the data is already there. */
  async #record(fields: CheckedFields, operation: string, extraSources: readonly string[] = []): Promise<Provenance> {
    const request: DocumentRequest = {
      sources: [...fields.sources, ...extraSources.filter((s) => !fields.sources.includes(s))],
      motivation: fields.motivation,
      process: fields.process,
      timestamp: new Date(),
    }
    try {
      const stored = await recordProvenance(this.#vol.storage, request, { base: this.#vol.provenance })
      this.#vol.provenance = stored
      return stored
    } catch (error) {
      throw new CirrusError(
        'PROVENANCE_WRITE',
        `${operation} on ${this.cloudpath} succeeded, but its provenance could not be recorded (${
          error instanceof Error ? error.message : String(error)
        }); call document() to retry`,
        { cause: error },
      )
    }
  }

  async #guarded<T>(operation: string, run: () => Promise<T>, extraSources: readonly string[] = []): Promise<T> {
    const fields = this.#check(operation)
    const result = await run()
    await this.#record(fields, operation, extraSources)
    return result
  }

  /**
   * Records sources, motivation and process in the layer's provenance now (cirrus-volume
   * `document()`), e.g. to retry after a `PROVENANCE_WRITE` error. Returns the stored provenance.
   */
  async document(options: { signal?: AbortSignal } = {}): Promise<Provenance> {
    const fields = this.#check('document')
    this.#checkWritable('record provenance')
    const request: DocumentRequest = { ...fields, timestamp: new Date() }
    const stored = await recordProvenance(this.#vol.storage, request, { base: this.#vol.provenance, signal: options.signal })
    this.#vol.provenance = stored
    return structuredClone(stored)
  }

  #checkWritable(what: string): void {
    if (this.#vol.redirectedFrom.length > 0) throw new ReadOnlyException(`cannot ${what}: ${this.cloudpath} was opened through a redirect and is read-only`)
    if (!this.#vol.storage.writable) throw new ReadOnlyException(`cannot ${what}: ${this.#vol.storage.url} is read-only`)
  }

  // -------------------------------------------------------------------------------------------
  // Guarded mutations

  /** `CloudVolume.write`, refused without provenance; the provenance is recorded after the data is stored. */
  async write(bounds: BoxLike, data: WriteData, options: CallOptions = {}): Promise<void> {
    await this.#guarded('write', () => this.#vol.write(bounds, data, options))
  }

  /** Alias of `write` (CV `upload`). */
  upload(bounds: BoxLike, data: WriteData, options: CallOptions = {}): Promise<void> {
    return this.write(bounds, data, options)
  }

  async delete(bounds: BoxLike, options: CallOptions = {}): Promise<void> {
    await this.#guarded('delete', () => this.#vol.delete(bounds, options))
  }

  async commitInfo(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#guarded('commitInfo', () => this.#vol.commitInfo(options))
  }

  async lockMips(mips: readonly MipSelector[], options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#guarded('lockMips', () => this.#vol.lockMips(mips, options))
  }

  async unlockMips(mips: readonly MipSelector[], options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#guarded('unlockMips', () => this.#vol.unlockMips(mips, options))
  }

  /**
   * Copies data to another layer (`CloudVolume.transferTo`). Into a path: guarded by this volume's
   * fields, and the new layer is returned as a CirrusVolume with the same fields; its provenance
   * gets them with this volume's path added to `sources`. Into a CirrusVolume: `dest.transferFrom(this)`.
   */
  async transferTo(dest: string | CirrusVolume, options: TransferOptions = {}): Promise<CirrusVolume> {
    if (CirrusVolume.isCirrusVolume(dest)) return dest.transferFrom(this, options)
    const fields = this.#check(`transferTo ${dest}`)
    const out = await this.#vol.transferTo(dest, options)
    const wrapped = new CirrusVolume(out, { sources: fields.sources, motivation: fields.motivation, process: fields.process })
    await wrapped.#record(fields, `transferTo ${dest}`, [this.cloudpath])
    return wrapped
  }

  /**
   * Copies `source` (a CloudVolume or CirrusVolume) into this layer, guarded by this volume's
   * fields; `source`'s path is added to the recorded `sources`.
   */
  async transferFrom(source: CloudVolume | CirrusVolume, options: TransferOptions = {}): Promise<this> {
    const src = source instanceof CirrusVolume ? source.#vol : source
    if (!(src instanceof CloudVolume)) throw new CirrusError('INVALID_ARGUMENT', 'transferFrom needs a CloudVolume or a CirrusVolume')
    await this.#guarded(
      `transferFrom ${src.cloudpath}`,
      async () => {
        await src.transferTo(this.cloudpath, { ...options, storage: this.#vol.storage })
        await this.#vol.refreshInfo({ signal: options.signal })
      },
      [src.cloudpath],
    )
    return this
  }

  /**
   * The layer's storage. Reads pass through; `set` and `delete` are guarded like `write` (each call
   * checks the rules, then stores, then records the provenance: one provenance read per call).
   */
  get storage(): Storage {
    return this.#storage
  }

  #guardedStorage(inner: Storage): Storage {
    return {
      get: (key: string, options?: StorageCallOptions) => inner.get(key, options),
      getRange: (key, range, options) => inner.getRange(key, range, options),
      list: (prefix, options) => inner.list(prefix, options),
      exists: (key, options) => inner.exists(key, options),
      set: (key: string, value: Uint8Array, options?: StorageSetOptions) => this.#guarded(`storage.set(${key})`, () => inner.set(key, value, options)),
      delete: (key: string, options?: StorageCallOptions) => this.#guarded(`storage.delete(${key})`, () => inner.delete(key, options)),
      get url() {
        return inner.url
      },
      get writable() {
        return inner.writable
      },
    }
  }

  // -------------------------------------------------------------------------------------------
  // Provenance and notes (not guarded: they are documentation themselves)

  /** A copy of the provenance as last read or written by this object. Edit with `updateProvenance`. */
  get provenance(): Provenance {
    return structuredClone(this.#vol.provenance)
  }

  async refreshProvenance(options: { signal?: AbortSignal } = {}): Promise<Provenance> {
    return structuredClone(await this.#vol.refreshProvenance(options))
  }

  /**
   * Edits the provenance file: `edit` gets the file as stored right now (re-read under the lock)
   * and changes it in place or returns a replacement, which is validated and written. Not guarded.
   */
  async updateProvenance(
    edit: (provenance: Provenance) => Provenance | void | Promise<Provenance | void>,
    options: { signal?: AbortSignal } = {},
  ): Promise<Provenance> {
    this.#checkWritable('update provenance')
    const stored = await editProvenance(this.#vol.storage, edit, { base: this.#vol.provenance, signal: options.signal })
    this.#vol.provenance = stored
    return structuredClone(stored)
  }

  /** The notes in the provenance `description` (as last read or written; `refreshProvenance()` first for others' notes). */
  notes(): Note[] {
    return parseNotes(this.#vol.provenance.description)
  }

  /** Appends a note `<timestamp>;<TYPE>;<content>` to the description (provenance-toolbox `addnote`). */
  async addNote(type: NoteType, content: string, options: NoteOptions = {}): Promise<Note> {
    const noteType = checkNoteType(type)
    const text = checkNoteContent(content)
    let timestamp = new Date()
    if (options.timestamp !== undefined) {
      const t = typeof options.timestamp === 'string' ? parseTimestamp(options.timestamp) : options.timestamp
      if (!(t instanceof Date) || Number.isNaN(t.getTime())) throw new CirrusError('INVALID_ARGUMENT', `timestamp ${String(options.timestamp)} is not a valid date`)
      timestamp = t
    }
    this.#checkWritable('add a note')
    const stored = await recordProvenance(this.#vol.storage, { notes: [{ type: noteType, content: text, timestamp }], timestamp }, { base: this.#vol.provenance, signal: options.signal })
    this.#vol.provenance = stored
    const notes = parseNotes(stored.description)
    for (let i = notes.length - 1; i >= 0; i--) if (notes[i]!.type === noteType && notes[i]!.content === text) return notes[i]!
    throw new CirrusError('PROVENANCE_CONFLICT', `the note was written to ${this.cloudpath}/provenance but is not there any more`)
  }

  addMotivation(content: string, options: NoteOptions = {}): Promise<Note> {
    return this.addNote(NoteType.MOTIVATION, content, options)
  }

  addResult(content: string, options: NoteOptions = {}): Promise<Note> {
    return this.addNote(NoteType.RESULT, content, options)
  }

  addGeneric(content: string, options: NoteOptions = {}): Promise<Note> {
    return this.addNote(NoteType.GENERIC, content, options)
  }

  // -------------------------------------------------------------------------------------------
  // Reads and accessors: exactly the CloudVolume's

  read(...args: Parameters<CloudVolume['read']>): ReturnType<CloudVolume['read']> {
    return this.#vol.read(...args)
  }

  download(...args: Parameters<CloudVolume['download']>): ReturnType<CloudVolume['download']> {
    return this.#vol.download(...args)
  }

  downloadPoint(...args: Parameters<CloudVolume['downloadPoint']>): ReturnType<CloudVolume['downloadPoint']> {
    return this.#vol.downloadPoint(...args)
  }

  exists(...args: Parameters<CloudVolume['exists']>): ReturnType<CloudVolume['exists']> {
    return this.#vol.exists(...args)
  }

  refreshInfo(...args: Parameters<CloudVolume['refreshInfo']>): ReturnType<CloudVolume['refreshInfo']> {
    return this.#vol.refreshInfo(...args)
  }

  /** In memory only; `commitInfo()` (guarded) stores it. */
  addScale(...args: Parameters<CloudVolume['addScale']>): ReturnType<CloudVolume['addScale']> {
    return this.#vol.addScale(...args)
  }

  /** In memory only; `commitInfo()` (guarded) stores it. */
  resetScales(): void {
    this.#vol.resetScales()
  }

  scale(mip?: MipSelector): ReturnType<CloudVolume['scale']> {
    return this.#vol.scale(mip)
  }

  grid(mip?: MipSelector): ReturnType<CloudVolume['grid']> {
    return this.#vol.grid(mip)
  }

  shape(mip?: MipSelector): ReturnType<CloudVolume['shape']> {
    return this.#vol.shape(mip)
  }

  volumeSize(mip?: MipSelector): ReturnType<CloudVolume['volumeSize']> {
    return this.#vol.volumeSize(mip)
  }

  voxelOffset(mip?: MipSelector): ReturnType<CloudVolume['voxelOffset']> {
    return this.#vol.voxelOffset(mip)
  }

  resolution(mip?: MipSelector): ReturnType<CloudVolume['resolution']> {
    return this.#vol.resolution(mip)
  }

  chunkSize(mip?: MipSelector): ReturnType<CloudVolume['chunkSize']> {
    return this.#vol.chunkSize(mip)
  }

  key(mip?: MipSelector): string {
    return this.#vol.key(mip)
  }

  encoding(mip?: MipSelector): string {
    return this.#vol.encoding(mip)
  }

  bounds(mip?: MipSelector): ReturnType<CloudVolume['bounds']> {
    return this.#vol.bounds(mip)
  }

  isSharded(mip?: MipSelector): boolean {
    return this.#vol.isSharded(mip)
  }

  get cloudpath(): string {
    return this.#vol.cloudpath
  }

  get redirectedFrom(): readonly string[] {
    return this.#vol.redirectedFrom
  }

  /** The info in use (edit it, then `commitInfo()`, which is guarded). */
  get info(): VolumeInfo {
    return this.#vol.info
  }

  set info(value: VolumeInfo) {
    this.#vol.info = value
  }

  get mip(): number {
    return this.#vol.mip
  }

  set mip(value: MipSelector) {
    this.#vol.mip = value
  }

  get backgroundColor(): CloudVolume['backgroundColor'] {
    return this.#vol.backgroundColor
  }

  set backgroundColor(value: CloudVolume['backgroundColor']) {
    this.#vol.backgroundColor = value
  }

  get dataType(): CloudVolume['dataType'] {
    return this.#vol.dataType
  }

  get numChannels(): number {
    return this.#vol.numChannels
  }

  get layerType(): string {
    return this.#vol.layerType
  }

  get scales(): CloudVolume['scales'] {
    return this.#vol.scales
  }

  get availableMips(): number[] {
    return this.#vol.availableMips
  }

  get readOnly(): boolean {
    return this.#vol.readOnly
  }

  get bounded(): boolean {
    return this.#vol.bounded
  }

  set bounded(value: boolean) {
    this.#vol.bounded = value
  }

  get autocrop(): boolean {
    return this.#vol.autocrop
  }

  set autocrop(value: boolean) {
    this.#vol.autocrop = value
  }

  get fillMissing(): boolean {
    return this.#vol.fillMissing
  }

  set fillMissing(value: boolean) {
    this.#vol.fillMissing = value
  }

  get nonAlignedWrites(): boolean {
    return this.#vol.nonAlignedWrites
  }

  set nonAlignedWrites(value: boolean) {
    this.#vol.nonAlignedWrites = value
  }

  get overwritePartialChunks(): boolean {
    return this.#vol.overwritePartialChunks
  }

  set overwritePartialChunks(value: boolean) {
    this.#vol.overwritePartialChunks = value
  }

  get deleteBlackUploads(): boolean {
    return this.#vol.deleteBlackUploads
  }

  set deleteBlackUploads(value: boolean) {
    this.#vol.deleteBlackUploads = value
  }

  get concurrency(): number {
    return this.#vol.concurrency
  }

  set concurrency(value: number) {
    this.#vol.concurrency = value
  }

  get progress(): CloudVolume['progress'] {
    return this.#vol.progress
  }

  set progress(value: CloudVolume['progress']) {
    this.#vol.progress = value
  }

  get compress(): CloudVolume['compress'] {
    return this.#vol.compress
  }

  set compress(value: CloudVolume['compress']) {
    this.#vol.compress = value
  }

  get cdnCache(): CloudVolume['cdnCache'] {
    return this.#vol.cdnCache
  }

  set cdnCache(value: CloudVolume['cdnCache']) {
    this.#vol.cdnCache = value
  }

  /** A plain-object summary: the CloudVolume's plus the provenance fields. */
  toJSON(): Record<string, unknown> {
    const process = this.#process
    return {
      ...this.#vol.toJSON(),
      sources: this.#sources,
      motivation: this.#motivation,
      process: process && typeof process === 'object' && 'description' in process ? (process as Process).description : process,
      documented: this.documented,
    }
  }
}

