/**
 * Bounded concurrency: runs `task(item, i, signal)` over `items` with at most `concurrency` in
 * flight. The first failure aborts every task's signal (so in-flight requests stop) and is
 * rethrown once every started task has settled; a caller's abort rejects with the signal's reason.
 *
 * Each task gets its own child signal, and the caller's signal gets exactly one listener: the
 * HTTP layer adds listeners per request, and many on one signal trip Node's
 * MaxListenersExceededWarning.
 */
export async function runPool<T>(
  items: readonly T[] | Iterable<T>,
  concurrency: number,
  task: (item: T, index: number, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted()
  const children = new Set<AbortController>()
  let abortReason: { reason: unknown } | undefined
  const abortAll = (reason: unknown): void => {
    if (abortReason) return
    abortReason = { reason }
    for (const c of children) c.abort(reason)
  }
  const onAbort = (): void => abortAll(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const iterator = (Array.isArray(items) ? items : [...items])[Symbol.iterator]() as Iterator<T>
  let index = 0
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure || abortReason) return
      const next = iterator.next()
      if (next.done) return
      const i = index++
      const child = new AbortController()
      children.add(child)
      try {
        await task(next.value, i, child.signal)
      } catch (error) {
        if (!failure) {
          failure = { error }
          abortAll(error)
        }
        return
      } finally {
        children.delete(child)
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
