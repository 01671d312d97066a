/** The global server of the public CAVE deployment; used when no server address is given. */
export const DEFAULT_SERVER_ADDRESS = 'https://global.daf-apis.com'

/** The key a token is stored under in secret files and storage records unless another is configured. */
export const DEFAULT_TOKEN_KEY = 'token'

/** Environment variable read (Node only) after an explicit token and token file. */
export const TOKEN_ENV_VAR = 'CAVE_TOKEN'

/** Replacement text for tokens in messages. */
export const REDACTED = '[redacted]'
