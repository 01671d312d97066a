/** Browsers have no thread to zero memory on for us: the page gate is not used (see page-gate.ts). */
import type { ZeroFill } from './page-gate.js'

export const zeroFill: ZeroFill | undefined = undefined
