/** Kinds of warning; see `AuthWarning`. */
export type AuthWarningCode =
  /** A token was read from the deprecated `chunkedgraph-secret.json`. */
  | 'legacy-token-file'
  /** A secret file exists but could not be read or is not a JSON object; it was treated as empty. */
  | 'unreadable-token-file'
  /** A secondary copy (server-specific or local-server file) was not written: read-only location. */
  | 'secondary-write-skipped'
  /** A secret file's permissions could not be tightened to 0600. */
  | 'mode-not-fixed'
  /** `getNewToken`: creating a token invalidates the previous one. */
  | 'new-token-invalidates-previous'
  /** Browser storage is unavailable; the token is kept in memory for this page only. */
  | 'storage-unavailable'

/** A warning: a message for people plus structured fields for programs. Never contains a token. */
export interface AuthWarning {
  readonly code: AuthWarningCode
  readonly message: string
  readonly file?: string
  readonly storageKey?: string
}

export type WarningHandler = (warning: AuthWarning) => void

/** The default handler: `console.warn('@daf/auth: <message>')`. */
export const consoleWarning: WarningHandler = (warning) => {
  console.warn(`@daf/auth: ${warning.message}`)
}
