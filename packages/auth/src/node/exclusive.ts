/**
 * Runs tasks one at a time, in call order. Token saves read, merge and replace whole files, so two
 * saves in one process must not interleave (other processes are not coordinated).
 */
export function createExclusive(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task)
    tail = run.catch(() => undefined)
    return run
  }
}
