/**
 * The part of the Web Storage API (`localStorage`, `sessionStorage`) this package uses. Declared
 * here so the types do not depend on the DOM library (Node projects compile without it).
 */
export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}
