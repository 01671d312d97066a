import { throwIfAborted } from '../abort.js'
import { OpenUrlError } from '../errors.js'

/** Opens `url` in a new browsing context with `window.open` (no opener, no referrer). */
export async function openInWindow(url: string, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal)
  const open = (globalThis as { open?: (url: string, target: string, features: string) => unknown }).open
  if (typeof open !== 'function') throw new OpenUrlError(url, undefined, 'window.open is not available')
  open.call(globalThis, url, '_blank', 'noopener,noreferrer')
}
