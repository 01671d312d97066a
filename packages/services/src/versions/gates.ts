/**
 * Server-version gates (spec §3.3), checked before any request. Python fails every gate when the
 * server reports no version (#178); here an unknown version lets the call through with a warning
 * and the server decides, while a known-too-old one fails fast.
 */
import { ServerIncompatibilityError } from '../http/errors.js'
import { consoleLogger, type Logger } from '../http/logger.js'
import { constraintText, parseVersion, satisfies, type VersionConstraint } from './compare.js'

/**
 * Throws `ServerIncompatibilityError` when `serverVersion` is known and outside `constraint`;
 * warns and returns when it is unknown (`undefined`/`null`) or unparseable.
 * @param feature the method or argument, e.g. `info.getImageMirrors` or `getDatastackInfo(imageMirror)`
 */
export function checkServerVersion(
  feature: string,
  constraint: VersionConstraint,
  serverVersion: string | null | undefined,
  logger: Logger = consoleLogger,
  service?: string,
): void {
  const required = constraintText(constraint)
  const svc = service ? `${service} ` : ''
  if (serverVersion == null || parseVersion(serverVersion) === undefined) {
    const reported = serverVersion == null ? 'no version' : `an unreadable version "${serverVersion}"`
    logger.warn(`${feature} requires ${svc}server ${required}; the server reported ${reported}, so trying anyway`)
    return
  }
  if (!satisfies(serverVersion, constraint)) {
    throw new ServerIncompatibilityError({
      feature,
      required,
      actual: serverVersion,
      ...(service !== undefined && { service }),
    })
  }
}
