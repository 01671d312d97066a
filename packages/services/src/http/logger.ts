/** Where the HTTP layer reports things that are worth knowing but not worth failing for. */
export interface Logger {
  warn(message: string): void
  debug?(message: string): void
}

export const consoleLogger: Logger = {
  warn: (message) => console.warn(`[@daf/services] ${message}`),
}

/** Drops everything; for callers and tests that want silence. */
export const silentLogger: Logger = { warn: () => {} }
