import { type CreatePubSubOptions, createPubSub, type PubSub } from '@tabmq/core'
import { settings } from './settings'

/**
 * The client's options. Every tab of this origin shares the SharedWorker named `tabmq`, so all of
 * them share one broker connection. The app owns its worker file (src/tabmq.worker.ts, one line):
 * Angular's builder bundles a worker only when `new SharedWorker(new URL(...))` is in app code.
 */
export function tabmqOptions(): CreatePubSubOptions {
  return {
    provider: settings.provider(),
    worker: () =>
      typeof SharedWorker !== 'undefined'
        ? new SharedWorker(new URL('./tabmq.worker', import.meta.url), { type: 'module', name: 'tabmq' })
        : // Android WebView and older Chrome on Android: a dedicated worker per tab.
          new Worker(new URL('./tabmq.worker', import.meta.url), { type: 'module', name: 'tabmq' }),
  }
}

/** The tab's client, made once by provideTabmq. */
export function tabmqClient(): PubSub {
  const pubsub = createPubSub(tabmqOptions())
  // The end-to-end suite (apps/e2e) drives this tab's client from the page; handy in devtools too.
  ;(globalThis as { __tabmq?: unknown }).__tabmq = pubsub
  return pubsub
}
