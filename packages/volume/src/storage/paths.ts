/**
 * Cloudpaths (volumes.md §6.1): `[format://]protocol://bucket/.../dataset/layer`, the tail form
 * `protocol://...|format:`, custom S3 endpoints (`s3://https://host/bucket/...`), aliases
 * (`matrix://`, `tigerdata://`, user aliases) and the `use_https` rewrite of gs/s3 to public HTTPS.
 */
import { UnsupportedProtocolError } from '../errors.js'

export const FORMATS = ['precomputed', 'graphene', 'boss', 'n5', 'zarr', 'zarr2', 'zarr3'] as const
export type CloudFormat = (typeof FORMATS)[number]
export const PROTOCOLS = ['gs', 's3', 'file', 'http', 'https', 'mem', 'middleauth+https', 'ngauth+https'] as const
export type CloudProtocol = 'gs' | 's3' | 'file' | 'http' | 'https' | 'mem'

/**
 * CloudFiles' official aliases: an alias name → the path prefix it stands for. (`nokura://`,
 * named in volumes.md §6.1, has no published endpoint in CloudFiles' source; add it with
 * `aliases: { nokura: 's3://https://host/' }` or `~/.cloudfiles/aliases.json`.)
 */
export const OFFICIAL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  matrix: 's3://https://s3-hpcrc.rc.princeton.edu/',
  tigerdata: 's3://https://td.princeton.edu/',
})

export interface CloudPath {
  /** `precomputed` unless the path names another format. */
  format: CloudFormat
  protocol: CloudProtocol
  /** gs/s3/mem bucket (store name). */
  bucket: string | undefined
  /** The path below the bucket (gs, s3, mem), below the host (http, https), or the file path. */
  path: string
  /** `https://host[:port]` for http(s) and custom S3 endpoints. */
  endpoint: string | undefined
  /** The alias the path was written with (`matrix`), if any. */
  alias: string | undefined
  /** `middleauth+` / `ngauth+` prefix of an https path, if any. */
  authScheme: 'middleauth' | 'ngauth' | undefined
  /** The path as given. */
  original: string
}

export interface ParseCloudPathOptions {
  /** Extra aliases: name → prefix (`s3://https://host/`, or a bare `https://host/` meaning S3 there). */
  aliases?: Readonly<Record<string, string>>
}

function pathError(path: string, why: string): UnsupportedProtocolError {
  return new UnsupportedProtocolError(
    `cloudpath "${path}": ${why}. Expected [format://]protocol://path, e.g. precomputed://gs://bucket/dataset/layer, ` +
      `s3://https://host/bucket/layer, https://host/layer, file:///data/layer, mem://name/layer ` +
      `(formats: ${FORMATS.join(', ')}; protocols: ${PROTOCOLS.join(', ')}, plus aliases)`,
  )
}

/** Splits a cloudpath into its parts; throws `UnsupportedProtocolError` when it does not parse. */
export function parseCloudPath(cloudpath: string, options: ParseCloudPathOptions = {}): CloudPath {
  if (typeof cloudpath !== 'string' || cloudpath.trim() === '') throw pathError(String(cloudpath), 'empty path')
  const original = cloudpath
  let rest = cloudpath.trim()
  let format: CloudFormat | undefined

  // Tail form: `gs://b/l|neuroglancer-precomputed:` or `...|zarr2:`.
  const tail = /\|([\w-]+):$/.exec(rest)
  if (tail) {
    rest = rest.slice(0, tail.index)
    const name = tail[1] === 'neuroglancer-precomputed' ? 'precomputed' : tail[1]
    if (!(FORMATS as readonly string[]).includes(name as string)) throw pathError(original, `unknown format "${name}"`)
    format = name as CloudFormat
  }

  const head = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
  if (head && (FORMATS as readonly string[]).includes(head[1]!.toLowerCase())) {
    if (format !== undefined) throw pathError(original, 'format given twice')
    format = head[1]!.toLowerCase() as CloudFormat
    rest = rest.slice(head[0].length)
  }

  // Aliases rewrite the protocol position.
  const aliases = { ...OFFICIAL_ALIASES, ...options.aliases }
  const protoMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
  if (!protoMatch) throw pathError(original, 'no protocol')
  let protocolName = protoMatch[1]!.toLowerCase()
  let alias: string | undefined
  if (!(PROTOCOLS as readonly string[]).includes(protocolName) && Object.hasOwn(aliases, protocolName)) {
    alias = protocolName
    let target = aliases[protocolName]!
    if (!target.endsWith('/')) target += '/'
    if (/^https?:\/\//i.test(target)) target = `s3://${target}`
    rest = target + rest.slice(protoMatch[0].length)
    protocolName = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)![1]!.toLowerCase()
  }
  if (!(PROTOCOLS as readonly string[]).includes(protocolName)) {
    throw pathError(original, `unknown protocol "${protocolName}"`)
  }
  rest = rest.slice(protocolName.length + 3)

  let authScheme: CloudPath['authScheme']
  let protocol: CloudProtocol
  if (protocolName === 'middleauth+https' || protocolName === 'ngauth+https') {
    authScheme = protocolName.startsWith('middleauth') ? 'middleauth' : 'ngauth'
    protocol = 'https'
  } else {
    protocol = protocolName as CloudProtocol
  }

  let endpoint: string | undefined
  let bucket: string | undefined
  let path = rest
  if (protocol === 'http' || protocol === 'https') {
    const authority = /^[^/?#]*/.exec(rest)![0]
    endpoint = safeUrl(`${protocol}://${authority}`, original).origin
    path = rest.slice(authority.length).replace(/^\/+/, '')
  } else if (protocol === 's3' && /^https?:\/\//i.test(rest)) {
    const scheme = /^https?:\/\//i.exec(rest)![0]
    const authority = /^[^/?#]*/.exec(rest.slice(scheme.length))![0]
    endpoint = safeUrl(`${scheme}${authority}`, original).origin
    path = rest.slice(scheme.length + authority.length).replace(/^\/+/, '')
  }
  if (protocol === 'gs' || protocol === 's3' || protocol === 'mem') {
    const m = /^([~\w.-]+)(?:\/|$)/.exec(path)
    if (!m) throw pathError(original, `no bucket after ${protocol}://`)
    bucket = m[1]
    path = path.slice(m[0].length)
  }
  path = path.replace(/\/+$/, '')
  if (protocol !== 'file' && /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw pathError(original, 'a protocol inside the path')
  if (protocol === 'file' && path === '') throw pathError(original, 'no file path')
  return { format: format ?? 'precomputed', protocol, bucket, path, endpoint, alias, authScheme, original }
}

function safeUrl(text: string, original: string): URL {
  try {
    const url = new URL(text)
    if (url.username || url.password) throw pathError(original, 'credentials in the URL are not accepted')
    return url
  } catch (e) {
    if (e instanceof UnsupportedProtocolError) throw e
    throw pathError(original, `"${text}" is not a valid URL`)
  }
}

/**
 * The public HTTPS location of a gs/s3 path (CloudVolume `use_https`): `gs://b/p` →
 * `https://storage.googleapis.com/b/p`, `s3://b/p` → `https://s3.amazonaws.com/b/p`, a custom S3
 * endpoint → `https://host/b/p`. Other protocols are returned unchanged. The format prefix is kept.
 */
export function toHttpsPath(cloudpath: string | CloudPath, options: ParseCloudPathOptions = {}): string {
  const p = typeof cloudpath === 'string' ? parseCloudPath(cloudpath, options) : cloudpath
  const fmt = p.format === 'precomputed' ? '' : `${p.format}://`
  const tail = (bucket: string | undefined) => [bucket, p.path].filter((s) => s).join('/')
  if (p.protocol === 'gs') return `${fmt}https://storage.googleapis.com/${tail(p.bucket)}`
  if (p.protocol === 's3') return `${fmt}${p.endpoint ?? 'https://s3.amazonaws.com'}/${tail(p.bucket)}`
  return formatCloudPath(p)
}

/** A cloudpath string for `p` (canonical spelling; aliases expanded). */
export function formatCloudPath(p: CloudPath): string {
  const fmt = p.format === 'precomputed' ? '' : `${p.format}://`
  const join = (...parts: (string | undefined)[]) => parts.filter((s) => s).join('/')
  switch (p.protocol) {
    case 'http':
    case 'https':
      return `${fmt}${p.authScheme ? `${p.authScheme}+` : ''}${join(p.endpoint, p.path)}`
    case 's3':
      return `${fmt}s3://${join(p.endpoint, p.bucket, p.path)}`
    case 'file':
      return `${fmt}file://${p.path}`
    default:
      return `${fmt}${p.protocol}://${join(p.bucket, p.path)}`
  }
}
