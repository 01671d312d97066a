import { describe, expect, it } from 'vitest'
import { isInvalidParameterError, isResponseFormatError } from '../http/errors.js'
import { tableIdFromSegmentationSource } from './endpoints.js'
import { boundsParam, dateFromIso, dateFromSeconds, idFrom, idListFrom, parseIsoSeconds, toTimestampSeconds } from './wire.js'

describe('timestamps in (float epoch seconds, UTC)', () => {
  it('Date, epoch seconds, ISO with zone, naive ISO as UTC, PCG space form', () => {
    expect(toTimestampSeconds(new Date('2024-03-01T12:00:00.250Z'))).toBe(1709294400.25)
    expect(toTimestampSeconds(1709294400.5)).toBe(1709294400.5)
    expect(toTimestampSeconds('2024-03-01T12:00:00Z')).toBe(1709294400)
    expect(toTimestampSeconds('2024-03-01T12:00:00')).toBe(1709294400)
    expect(toTimestampSeconds('2024-03-01T14:00:00+02:00')).toBe(1709294400)
    expect(toTimestampSeconds('2024-03-01T07:30:00-0430')).toBe(1709294400)
    expect(toTimestampSeconds('2024-03-01 12:00:00.123456+00:00')).toBe(1709294400.123456)
    expect(toTimestampSeconds('2024-03-01')).toBe(1709251200)
  })

  it('keeps microseconds from strings exactly as written', () => {
    expect(String(toTimestampSeconds('2024-01-14T13:59:26.057051Z'))).toBe('1705240766.057051')
    expect(parseIsoSeconds('1969-12-31T23:59:59.5Z')).toBe(-0.5)
  })

  it('rejects milliseconds, invalid dates and junk, naming the parameter', () => {
    for (const [value, re] of [
      [1709294400000, /looks like milliseconds/],
      [Number.NaN, /finite number/],
      [new Date('nope'), /invalid Date/],
      ['yesterday', /ISO-8601/],
      ['2024-13-01T00:00:00Z', /ISO-8601/],
      [{}, /a Date, an ISO-8601 string or epoch seconds/],
    ] as const) {
      let error: unknown
      try {
        toTimestampSeconds(value as never, 'timestampPast')
      } catch (e) {
        error = e
      }
      expect(isInvalidParameterError(error) && error.parameter).toBe('timestampPast')
      expect((error as Error).message).toMatch(re)
    }
  })
})

describe('timestamps out (Date, UTC, milliseconds)', () => {
  it('seconds, and PCG ISO strings with or without fraction', () => {
    expect(dateFromSeconds(1705240766.057051).toISOString()).toBe('2024-01-14T13:59:26.057Z')
    expect(dateFromIso('2024-01-14 13:59:26.057051+00:00', 'x').toISOString()).toBe('2024-01-14T13:59:26.057Z')
    expect(dateFromIso('2024-01-14 13:59:26+00:00', 'x').toISOString()).toBe('2024-01-14T13:59:26.000Z')
    expect(() => dateFromIso(5, 'x')).toThrow(/expected an ISO date-time/)
  })
})

describe('bounds', () => {
  it('3×2 → x0-x1_y0-y1_z0-z1', () => {
    expect(boundsParam([[0, 512], [10, 20], [3, 4]])).toBe('0-512_10-20_3-4')
  })
  it('anything else is an InvalidParameterError naming bounds and the value', () => {
    const bad = [[[0, 1], [0, 1]], [[0, 1], [0, 1], [0, 1], [0, 1]], [[1, 0], [0, 1], [0, 1]], [[0, -1], [0, 1], [0, 1]], [[0, 0.5], [0, 1], [0, 1]], null]
    for (const b of bad) {
      let error: unknown
      try {
        boundsParam(b as never)
      } catch (e) {
        error = e
      }
      expect(isInvalidParameterError(error) && error.parameter).toBe('bounds')
    }
  })
})

describe('ids from the wire', () => {
  it('strings (int64_as_str), bigints (lossless parser) and small numbers', () => {
    expect(idFrom('864691135217871271', 'x')).toBe(864691135217871271n)
    expect(idFrom(864691135217871271n, 'x')).toBe(864691135217871271n)
    expect(idFrom(5, 'x')).toBe(5n)
    expect(idListFrom(['18446744073709551615', 1], 'x')).toEqual(BigUint64Array.of(18446744073709551615n, 1n))
  })
  it('rounded or malformed values are ResponseFormatErrors', () => {
    for (const v of [8.646911352178713e17, -1, '12a', null, 1.5]) {
      let error: unknown
      try {
        idFrom(v, 'root_id')
      } catch (e) {
        error = e
      }
      expect(isResponseFormatError(error)).toBe(true)
    }
  })
})

describe('table id from segmentation_source (spec §1.4)', () => {
  it.each([
    ['graphene://https://host/segmentation/table/my_table', 'my_table'],
    ['graphene://middleauth+https://host/segmentation/table/my_table/', 'my_table'],
    ['graphene://https://host/segmentation/1.0/legacy_t', 'legacy_t'],
    ['https://host/segmentation/table/plain', 'plain'],
    ['graphene://https://host', undefined],
    ['not a url', undefined],
  ])('%s → %s', (source, table) => {
    expect(tableIdFromSegmentationSource(source)).toBe(table)
  })
})
