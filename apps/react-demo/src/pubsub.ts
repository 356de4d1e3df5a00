import { createPubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'

/** The dev broker of apps/broker (`pnpm dev` at the root starts it). */
export const BROKER_URL: string = import.meta.env.VITE_BROKER_URL || 'ws://127.0.0.1:8083/mqtt'
/** The simulated device whose telemetry and commands the dashboard shows. */
export const DEVICE_ID: string = import.meta.env.VITE_DEVICE_ID || 'device-1'

/**
 * One client per tab, created once at module level. Every tab of this origin shares the
 * SharedWorker named `tabmq`, so all of them share one broker connection.
 */
export const pubsub = createPubSub({
  provider: mqttOverWs({ url: BROKER_URL }),
  // The app owns its worker file (src/tabmq.worker.ts, one line) so Vite bundles it from app code.
  worker: () =>
    typeof SharedWorker !== 'undefined'
      ? new SharedWorker(new URL('./tabmq.worker.ts', import.meta.url), { type: 'module', name: 'tabmq' })
      : // Android WebView and older Chrome on Android: a dedicated worker per tab.
        new Worker(new URL('./tabmq.worker.ts', import.meta.url), { type: 'module', name: 'tabmq' }),
})
