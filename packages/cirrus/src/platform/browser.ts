/** Browsers cannot run git or docker or read lockfiles: every capture fails with a clear `CODE_ENV` error. */
import { CirrusError } from '../errors.js'
import type { CapturePlatform } from './platform.js'

const unavailable = (what: string, instead: string): Promise<never> =>
  Promise.reject(new CirrusError('CODE_ENV', `${what} needs Node (it runs programs and reads files); in a browser, ${instead}`))

export const platform: CapturePlatform = {
  name: 'browser',
  captureGit: () => unavailable('GitRepoEnv.capture', 'construct new GitRepoEnv({ url, commit, diff, untracked }) from values captured elsewhere'),
  captureProject: () => unavailable('NodePackagesEnv.capture', 'construct new NodePackagesEnv({ name, version, packages })'),
  capturePackages: () => Promise.resolve(undefined),
  captureContainer: () => Promise.resolve({ inside: false, containerId: undefined }),
  dockerImageId: () => unavailable('DockerEnv.capture', 'construct new DockerEnv(imageName, tag, imageId)'),
  env: () => ({}),
}
