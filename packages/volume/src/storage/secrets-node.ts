/**
 * Node: credentials and aliases from the user's files, as CloudFiles reads them.
 * - `~/.cloudvolume/secrets/` then `~/.cloudfiles/secrets/` (or `secretsDir`):
 *   `<bucket>-<service>-secret.json`, then `<service>-secret.json`, with `AWS_ACCESS_KEY_ID`,
 *   `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`, `AWS_DEFAULT_REGION`.
 * - Otherwise the `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` environment variables (service `aws` only).
 * - Aliases: `~/.cloudfiles/aliases.json`, `{ "name": { "host": "s3://https://host/" } }`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import type { S3Credentials } from './secrets-types.js'

function secretDirs(secretsDir: string | undefined): string[] {
  if (secretsDir) return [secretsDir]
  const home = homedir()
  return [join(home, '.cloudvolume', 'secrets'), join(home, '.cloudfiles', 'secrets')]
}

export function loadS3Credentials(bucket: string, service: string, secretsDir?: string): S3Credentials | undefined {
  for (const dir of secretDirs(secretsDir)) {
    for (const name of [`${bucket}-${service}-secret.json`, `${service}-secret.json`]) {
      const file = join(dir, name)
      if (!existsSync(file)) continue
      let parsed: Record<string, unknown>
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
      } catch (e) {
        throw new InvalidArgumentError(file, '(unparseable)', 'a JSON object with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', `${file} is not valid JSON: ${(e as Error).message}`)
      }
      const id = parsed['AWS_ACCESS_KEY_ID']
      const secret = parsed['AWS_SECRET_ACCESS_KEY']
      if (typeof id !== 'string' || typeof secret !== 'string') {
        throw new InvalidArgumentError(file, '(fields missing)', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY strings', `${file} lacks AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`)
      }
      const creds: S3Credentials = { accessKeyId: id, secretAccessKey: secret }
      if (typeof parsed['AWS_SESSION_TOKEN'] === 'string') creds.sessionToken = parsed['AWS_SESSION_TOKEN']
      if (typeof parsed['AWS_DEFAULT_REGION'] === 'string') creds.region = parsed['AWS_DEFAULT_REGION']
      return creds
    }
  }
  if (service === 'aws' && !secretsDir) {
    const id = process.env['AWS_ACCESS_KEY_ID']
    const secret = process.env['AWS_SECRET_ACCESS_KEY']
    if (id && secret) {
      const creds: S3Credentials = { accessKeyId: id, secretAccessKey: secret }
      if (process.env['AWS_SESSION_TOKEN']) creds.sessionToken = process.env['AWS_SESSION_TOKEN']
      const region = process.env['AWS_DEFAULT_REGION'] ?? process.env['AWS_REGION']
      if (region) creds.region = region
      return creds
    }
  }
  return undefined
}

let userAliases: Record<string, string> | undefined

export function loadUserAliases(): Record<string, string> {
  if (userAliases) return userAliases
  const file = join(homedir(), '.cloudfiles', 'aliases.json')
  const out: Record<string, string> = {}
  try {
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { host?: unknown }>
      for (const [name, value] of Object.entries(parsed)) {
        if (typeof value?.host === 'string') out[name] = value.host
      }
    }
  } catch {
    // An unreadable alias file leaves only the official aliases, as in CloudFiles.
  }
  userAliases = out
  return out
}
