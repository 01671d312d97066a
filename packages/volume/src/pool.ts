/**
 * Bounded concurrency: runs `task(item, i, signal)` over `items` with at most `concurrency` in
 * flight. The first failure aborts the shared signal (so in-flight requests stop) and is rethrown
 * once every started task has settled; a caller's abort rejects with the signal's reason.
 */
export async function runPool<T>(
  items: readonly T[] | Iterable<T>,
  concurrency: number,
  task: (item: T, index: number, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted()
  const controller = new AbortController()
  const onAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const iterator = (Array.isArray(items) ? items : [...items])[Symbol.iterator]() as Iterator<T>
  let index = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure || controller.signal.aborted) return
      const next = iterator.next()
      if (next.done) return
      const i = index++
      try {
        await task(next.value, i, controller.signal)
      } catch (error) {
        if (!failure) {
          failure = { error }
          controller.abort(error)
        }
        return
      }
    }
  }
  try {
    const n = Math.max(1, Math.floor(concurrency) || 1)
    await Promise.all(Array.from({ length: n }, worker))
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  if (signal?.aborted) throw signal.reason
  if (failure) throw failure.error
}
