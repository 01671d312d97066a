export type { Authorizer } from './authorizer.js'
