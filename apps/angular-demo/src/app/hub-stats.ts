import { DestroyRef, type Signal, inject, signal } from '@angular/core'
import type { HubStats } from '@tabmq/core'
import { injectPubSub } from '@tabmq/angular'

/** The hub's stats (tabs, broker connections), polled: the hub pushes no stats events. */
export function injectHubStats(intervalMs = 1000): Signal<HubStats | undefined> {
  const pubsub = injectPubSub()
  const stats = signal<HubStats | undefined>(undefined)
  let live = true
  const poll = () =>
    pubsub.getStats().then(
      s => live && stats.set(s),
      () => {}, // a closed client or a busy worker: keep the last numbers
    )
  void poll()
  const timer = setInterval(poll, intervalMs)
  inject(DestroyRef).onDestroy(() => {
    live = false
    clearInterval(timer)
  })
  return stats.asReadonly()
}
