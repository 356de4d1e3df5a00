import { createPubSub } from '@tabmq/core'
import { settings } from './settings'

/**
 * One client per tab, created once at module level. Every tab of this origin shares the
 * SharedWorker named `tabmq`, so all of them share one broker connection.
 */
export const pubsub = createPubSub({
  provider: settings.provider(),
  // The app owns its worker file (src/tabmq.worker.ts, one line) so Vite bundles it from app code.
  worker: () =>
    typeof SharedWorker !== 'undefined'
      ? new SharedWorker(new URL('./tabmq.worker.ts', import.meta.url), { type: 'module', name: 'tabmq' })
      : // Android WebView and older Chrome on Android: a dedicated worker per tab.
        new Worker(new URL('./tabmq.worker.ts', import.meta.url), { type: 'module', name: 'tabmq' }),
})

// The end-to-end suite (apps/e2e) drives this tab's client from the page; handy in devtools too.
;(globalThis as { __tabmq?: unknown }).__tabmq = pubsub
