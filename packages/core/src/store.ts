import type { ReadableStore } from './types.js'

/** A writable store: `get()` is synchronous, `subscribe` returns an unsubscribe. */
export interface Store<T> extends ReadableStore<T> {
  set(value: T): void
}

/**
 * Creates the small synchronous store the bindings build on.
 *
 * @example
 * const s = createStore(0); const off = s.subscribe(v => console.log(v)); s.set(1); off()
 */
export function createStore<T>(initial: T): Store<T> {
  let value = initial
  const listeners = new Set<(value: T) => void>()
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return
      value = next
      for (const l of [...listeners]) l(value)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
