import { type Signal, effect, signal, untracked } from '@angular/core'

/** `source`, once it has stopped changing for `ms`. Call in an injection context. */
export function debounced<T>(source: Signal<T>, ms: number): Signal<T> {
  const settled = signal(untracked(source))
  effect(onCleanup => {
    const value = source()
    const timer = setTimeout(() => settled.set(value), ms)
    onCleanup(() => clearTimeout(timer))
  })
  return settled.asReadonly()
}
