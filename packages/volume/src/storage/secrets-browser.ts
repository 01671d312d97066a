/** Browsers have no secret files: credentials come from the caller (or signed URLs). */
import type { S3Credentials } from './secrets-types.js'

export function loadS3Credentials(_bucket: string, _service: string, _secretsDir?: string): S3Credentials | undefined {
  return undefined
}

export function loadUserAliases(): Record<string, string> {
  return {}
}
