/**
 * Timestamps as the servers want them (spec §5.3). Kept explicit because the same Date means float
 * epoch seconds to PyChunkedGraph and a naive UTC ISO string to AnnotationEngine.
 */
import { InvalidParameterError } from './errors.js'

/** Float epoch seconds (UTC) for PyChunkedGraph's `timestamp*` parameters, e.g. `1700000000.25`. */
export function toEpochSeconds(date: Date, name = 'timestamp'): number {
  const ms = date.getTime()
  if (Number.isNaN(ms)) throw new InvalidParameterError(name, `${name} is an invalid Date`)
  return ms / 1000
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff` in UTC without offset (AnnotationEngine `timestamp`); µs are zero. */
export function toNaiveUtcIso(date: Date, name = 'timestamp'): string {
  if (Number.isNaN(date.getTime())) throw new InvalidParameterError(name, `${name} is an invalid Date`)
  return `${date.toISOString().slice(0, 23)}000`
}
