/**
 * Notes inside the provenance `description` (volumes.md §8.2, provenance-toolbox `notebook.py`):
 * `<timestamp>;<TYPE>;<content>` joined by `" \n "`. The timestamp is Python's `str(datetime.now())`:
 * local time without a zone, `YYYY-MM-DD HH:MM:SS.ffffff`, the fraction left out when it is zero.
 *
 * Unlike provenance-toolbox, parsing never throws: a piece that is not a note (plain text written
 * by a person or another tool) becomes a GENERIC note without timestamp, `foreign: true`, kept
 * verbatim; new notes are appended after it.
 */
import { CirrusError, describeValue } from './errors.js'

export const NOTE_SEPARATOR = ' \n '
export const FIELD_SEPARATOR = ';'

export const NoteType = { MOTIVATION: 'MOTIVATION', RESULT: 'RESULT', GENERIC: 'GENERIC' } as const
export type NoteType = (typeof NoteType)[keyof typeof NoteType]
const NOTE_TYPES: readonly string[] = Object.values(NoteType)

export interface Note {
  type: NoteType
  content: string
  /** When the note was written; `undefined` for foreign text. */
  timestamp: Date | undefined
  /** The timestamp as stored (e.g. `2022-02-24 15:29:28.123456`). */
  timestampText: string | undefined
  /** The piece of `description` this note was parsed from, verbatim. */
  text: string
  /** True for text that is not in the `<timestamp>;<TYPE>;<content>` form (kept as a GENERIC note). */
  foreign: boolean
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** Python `str(datetime)` of a local naive time: microseconds are milliseconds + `000`, omitted when zero. */
export function formatTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new CirrusError('INVALID_ARGUMENT', `timestamp: invalid date`)
  const base =
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  const ms = date.getMilliseconds()
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * Parses a timestamp leniently: Python's `str(datetime)` and `isoformat()` (naive: local time), a
 * `T` separator, an optional fraction (any length, truncated to ms) and a `Z`/`±HH:MM` offset.
 */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms] as const
  if (parts[1] > 11 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return undefined
  if (zone === undefined) {
    const date = new Date(...parts)
    date.setFullYear(parts[0]) // years < 100 are not 19xx
    return date.getMonth() === parts[1] && date.getDate() === parts[2] ? date : undefined // no 30 February
  }
  const utc = new Date(Date.UTC(...parts))
  utc.setUTCFullYear(parts[0])
  if (utc.getUTCMonth() !== parts[1] || utc.getUTCDate() !== parts[2]) return undefined
  const z = zone.toUpperCase()
  if (z === 'Z') return utc
  const sign = z.startsWith('-') ? -1 : 1
  const digits = z.slice(1).replace(':', '')
  return new Date(utc.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000)
}

/** Why `content` cannot be stored as a note (Python readers would crash or split it), or undefined. */
export function noteContentProblem(content: unknown): string | undefined {
  if (typeof content !== 'string') return 'must be a string'
  if (content.trim() === '') return 'must not be empty'
  if (content.includes(FIELD_SEPARATOR)) return `must not contain "${FIELD_SEPARATOR}" (provenance-toolbox splits notes on it)`
  if (content.includes(NOTE_SEPARATOR)) return 'must not contain " \\n " (the note separator)'
  return undefined
}

export function checkNoteContent(content: unknown, field = 'note'): string {
  const problem = noteContentProblem(content)
  if (problem) throw new CirrusError('INVALID_ARGUMENT', `${field} ${problem} (got ${describeValue(content, 80)})`)
  return content as string
}

export function checkNoteType(type: unknown): NoteType {
  if (typeof type !== 'string' || !NOTE_TYPES.includes(type)) {
    throw new CirrusError('INVALID_ARGUMENT', `note type must be one of ${NOTE_TYPES.join(', ')} (got ${describeValue(type, 40)})`)
  }
  return type as NoteType
}

/** `<timestamp>;<TYPE>;<content>`. */
export function formatNote(type: NoteType, content: string, timestamp: Date = new Date()): string {
  return [formatTimestamp(timestamp), checkNoteType(type), checkNoteContent(content)].join(FIELD_SEPARATOR)
}

/** Every note in a description, in order; text that is not a note comes back as a foreign GENERIC note. */
export function parseNotes(description: string): Note[] {
  const notes: Note[] = []
  for (const piece of description.split(NOTE_SEPARATOR)) {
    if (piece.length === 0) continue
    notes.push(parseNote(piece))
  }
  return notes
}

function parseNote(piece: string): Note {
  const fields = piece.split(FIELD_SEPARATOR)
  if (fields.length >= 3) {
    const [ts, type] = fields as [string, string]
    const timestamp = parseTimestamp(ts)
    if (timestamp && NOTE_TYPES.includes(type)) {
      return { type: type as NoteType, content: fields.slice(2).join(FIELD_SEPARATOR), timestamp, timestampText: ts, text: piece, foreign: false }
    }
  }
  return { type: NoteType.GENERIC, content: piece, timestamp: undefined, timestampText: undefined, text: piece, foreign: true }
}

/** The description with `note` (formatted) appended; any existing text, foreign or not, is kept. */
export function appendNote(description: string, note: string): string {
  return description.length === 0 ? note : `${description}${NOTE_SEPARATOR}${note}`
}

/**
 * provenance-toolbox `note_absent`: true unless a note with this exact content and type exists.
 * Without a type, always true (as upstream).
 */
export function noteAbsent(description: string, content: string, type?: NoteType): boolean {
  if (type === undefined) return true
  return !parseNotes(description).some((n) => n.type === type && n.content === content)
}
