import { describe, expect, it } from 'vitest'
import {
  NOTE_SEPARATOR,
  appendNote,
  formatNote,
  formatTimestamp,
  noteAbsent,
  noteContentProblem,
  parseNotes,
  parseTimestamp,
} from './notes.js'

describe('timestamps (Python str(datetime.now()))', () => {
  it('formats local time with six fraction digits, none when the milliseconds are zero', () => {
    expect(formatTimestamp(new Date(2022, 1, 24, 15, 29, 28, 123))).toBe('2022-02-24 15:29:28.123000')
    expect(formatTimestamp(new Date(2022, 1, 24, 15, 29, 28, 0))).toBe('2022-02-24 15:29:28')
    expect(formatTimestamp(new Date(2022, 0, 2, 3, 4, 5, 7))).toBe('2022-01-02 03:04:05.007000')
    expect(() => formatTimestamp(new Date(NaN))).toThrow(/invalid date/)
  })

  it('parses leniently: Python forms, T separator, any fraction, Z and offsets; rejects nonsense', () => {
    const local = parseTimestamp('2022-02-24 15:29:28.123456')!
    expect([local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds()]).toEqual([2022, 1, 24, 15, 29, 28, 123])
    expect(parseTimestamp('2022-02-24 15:29:28')!.getMilliseconds()).toBe(0)
    expect(parseTimestamp('2022-02-24T15:29')!.getMinutes()).toBe(29)
    expect(parseTimestamp('2022-02-24')!.getHours()).toBe(0)
    expect(parseTimestamp('2022-02-24T15:29:28.5Z')!.toISOString()).toBe('2022-02-24T15:29:28.500Z')
    expect(parseTimestamp('2022-02-24 15:29:28+02:00')!.toISOString()).toBe('2022-02-24T13:29:28.000Z')
    expect(parseTimestamp('2022-02-24 15:29:28-0130')!.toISOString()).toBe('2022-02-24T16:59:28.000Z')
    for (const bad of ['', 'yesterday', '2022-02-30 10:00:00', '2022-13-01', '2022-02-24 25:00:00', '24/02/2022']) {
      expect(parseTimestamp(bad), bad).toBeUndefined()
    }
    const t = new Date(2021, 5, 7, 8, 9, 10, 11)
    expect(parseTimestamp(formatTimestamp(t))!.getTime()).toBe(t.getTime())
  })
})

describe('notes in the description (§8.2)', () => {
  it('formats <timestamp>;<TYPE>;<content> and appends with " \\n "', () => {
    const t = new Date(2022, 1, 24, 15, 29, 28, 123)
    const a = formatNote('MOTIVATION', 'proper documentation is helpful', t)
    expect(a).toBe('2022-02-24 15:29:28.123000;MOTIVATION;proper documentation is helpful')
    const d = appendNote(appendNote('', a), formatNote('RESULT', 'done', t))
    expect(d).toBe(`${a} \n 2022-02-24 15:29:28.123000;RESULT;done`)
    expect(parseNotes(d).map((n) => [n.type, n.content, n.timestampText, n.foreign])).toEqual([
      ['MOTIVATION', 'proper documentation is helpful', '2022-02-24 15:29:28.123000', false],
      ['RESULT', 'done', '2022-02-24 15:29:28.123000', false],
    ])
    expect(() => formatNote('MOTIVATION', 'a;b', t)).toThrow(/must not contain ";"/)
    expect(() => formatNote('OTHER' as never, 'x', t)).toThrow(/one of MOTIVATION, RESULT, GENERIC/)
  })

  it('parses foreign text as verbatim GENERIC notes instead of throwing (pitfall 1)', () => {
    const d = `Made by hand; v2 \n 2022-02-24 15:29:28;RESULT;ok \n  \n 2022-02-24 15:29:28;UNKNOWN;x \n not-a-date;GENERIC;x`
    const notes = parseNotes(d)
    expect(notes.map((n) => [n.type, n.foreign, n.content])).toEqual([
      ['GENERIC', true, 'Made by hand; v2'],
      ['RESULT', false, 'ok'],
      ['GENERIC', true, '2022-02-24 15:29:28;UNKNOWN;x'],
      ['GENERIC', true, 'not-a-date;GENERIC;x'],
    ])
    expect(notes.map((n) => n.text)).toEqual(d.split(NOTE_SEPARATOR).filter((p) => p !== '')) // empty pieces dropped, as upstream
    // A note with ';' in its content (another tool) is read, with the content rejoined.
    expect(parseNotes('2022-02-24 15:29:28;GENERIC;a;b')[0]).toMatchObject({ type: 'GENERIC', content: 'a;b', foreign: false })
    expect(parseNotes('')).toEqual([])
    expect(appendNote('Made by hand', 'n')).toBe('Made by hand \n n')
  })

  it('noteAbsent: false only for the same content and type; always true without a type', () => {
    const d = `2022-02-24 15:29:28;MOTIVATION;why \n 2022-02-24 15:29:28;RESULT;what \n why`
    expect(noteAbsent(d, 'why', 'MOTIVATION')).toBe(false)
    expect(noteAbsent(d, 'why', 'RESULT')).toBe(true)
    expect(noteAbsent(d, 'what', 'RESULT')).toBe(false)
    expect(noteAbsent('why', 'why', 'MOTIVATION')).toBe(true) // foreign text is not a motivation
    expect(noteAbsent(d, 'why')).toBe(true)
  })

  it('content rules: non-empty, no ";" and no " \\n "', () => {
    expect(noteContentProblem('fine\nwith a newline')).toBeUndefined()
    expect(noteContentProblem('')).toMatch(/empty/)
    expect(noteContentProblem('  ')).toMatch(/empty/)
    expect(noteContentProblem(3)).toMatch(/string/)
    expect(noteContentProblem('a \n b')).toMatch(/separator/)
  })
})
