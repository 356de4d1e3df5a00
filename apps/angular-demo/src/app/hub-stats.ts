import { DestroyRef, type Signal, inject, signal } from '@angular/core'
import type { HubStats } from '@tabmq/core'
import { injectPubSub } from '@tabmq/angular'
import { pollHubStats } from '@tabmq/demo-kit'

/** The hub's stats (tabs, broker connections), polled until the injector is destroyed. */
export function injectHubStats(intervalMs = 1000): Signal<HubStats | undefined> {
  const stats = signal<HubStats | undefined>(undefined)
  inject(DestroyRef).onDestroy(pollHubStats(injectPubSub(), intervalMs, s => stats.set(s)))
  return stats.asReadonly()
}
