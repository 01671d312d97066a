import { describe, expect, it } from 'vitest'
import { checkServerVersion } from './gates.js'
import { isServerIncompatibilityError, type ServerIncompatibilityError } from '../http/errors.js'
import { recordingLogger } from '../test-support/fake-auth.js'

describe('checkServerVersion', () => {
  it('throws for a known version outside the range, naming feature, range and version', () => {
    const logger = recordingLogger()
    try {
      checkServerVersion('getMinimalCoveringNodes', ['>=2.18.0,<3', '>=3.0.5,<4'], '3.0.4', logger, 'chunkedgraph')
      expect.unreachable()
    } catch (e) {
      expect(isServerIncompatibilityError(e)).toBe(true)
      const s = e as ServerIncompatibilityError
      expect(s.feature).toBe('getMinimalCoveringNodes')
      expect(s.actual).toBe('3.0.4')
      expect(s.message).toBe('getMinimalCoveringNodes requires chunkedgraph server >=2.18.0,<3 or >=3.0.5,<4, but the server reports 3.0.4')
    }
    expect(logger.warnings).toEqual([])
  })

  it('passes a satisfying version silently', () => {
    const logger = recordingLogger()
    checkServerVersion('getImageMirrors', '>=4.3.1', '4.5.0', logger)
    expect(logger.warnings).toEqual([])
  })

  it('lets an unknown or unreadable version through with a warning (unlike Python #178)', () => {
    const logger = recordingLogger()
    checkServerVersion('getTables(timestamp)', '>=4.33.0', undefined, logger, 'annotation')
    checkServerVersion('getTables(timestamp)', '>=4.33.0', null, logger, 'annotation')
    checkServerVersion('x', '>=1', 'nightly', logger)
    expect(logger.warnings).toHaveLength(3)
    expect(logger.warnings[0]).toBe('getTables(timestamp) requires annotation server >=4.33.0; the server reported no version, so trying anyway')
    expect(logger.warnings[2]).toContain('an unreadable version "nightly"')
  })
})
