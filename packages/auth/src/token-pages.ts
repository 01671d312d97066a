import { normalizeServerAddress } from './server-address.js'

/** The page that creates a new token (and thereby invalidates the previous one). */
export function createTokenUrl(serverAddress: string): string {
  return `${normalizeServerAddress(serverAddress)}/auth/api/v1/create_token`
}

/** The page listing the user's tokens. */
export function tokenPageUrl(serverAddress: string): string {
  return `${normalizeServerAddress(serverAddress)}/sticky_auth/settings/tokens`
}

/** Steps for getting a token by hand, for people. */
export function newTokenInstructions(createUrl: string, listUrl: string): string {
  return [
    'Tokens are created by hand in a browser:',
    `  1. Open ${createUrl} and log in.`,
    '     Creating a new token invalidates your previous one: every program using the old token',
    `     must be updated. To see your existing tokens instead, open ${listUrl}.`,
    '  2. Copy the 32-character token shown on the page.',
    '  3. Store it with `await client.saveToken("<token>")` (in Node this writes',
    '     ~/.cloudvolume/secrets/, shared with the Python tools; in browsers localStorage),',
    '     or use it for this session only with `client.useToken("<token>")`.',
  ].join('\n')
}
