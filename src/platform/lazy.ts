// Packages only some configurations use, loaded on first use: an embedded start does not pay for the pg, Redis, S3 or push clients.
import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)

/** The CommonJS package `name`, loaded (synchronously) the first time the returned function is called. */
export function lazily<T>(name: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= load(name) as T)
}
