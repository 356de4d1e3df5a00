import { Injector, NgZone, PLATFORM_ID, assertInInjectionContext, inject } from '@angular/core'
import { isPlatformServer } from '@angular/common'
import type { PubSub } from '@tabmq/core'
import { injectPubSub } from './injectPubSub.js'

/** A value, a signal, or a function reading signals. */
export type MaybeSignal<T> = T | (() => T)

/** The value now, read through a signal or getter (tracked inside `computed` and `effect`). */
export function read<T>(value: MaybeSignal<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value
}

/** `injector` if given, else the current injection context's (or Angular's NG0203 error naming `fn`). */
export function resolveInjector(fn: (...args: never[]) => unknown, injector: Injector | undefined): Injector {
  if (injector) return injector
  assertInInjectionContext(fn)
  return inject(Injector)
}

/** What the inject functions share. Call in an injection context. */
export interface TabmqContext {
  client: PubSub
  /** Server rendering: show the idle state, start nothing (no worker, no broker connection). */
  server: boolean
  /**
   * Runs `fn` outside the Angular zone (zone.js apps; a plain call when zoneless). The client
   * starts its worker and listens to its port from the first call it gets, so calling it out
   * here keeps every delivery from running change detection; the signals set from there
   * schedule one change detection, coalesced to a frame.
   */
  outside<R>(fn: () => R): R
}

export function tabmqContext(): TabmqContext {
  const zone = inject(NgZone)
  return {
    client: injectPubSub(),
    server: isPlatformServer(inject(PLATFORM_ID)),
    outside: fn => zone.runOutsideAngular(fn),
  }
}
