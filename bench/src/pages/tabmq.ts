// tabmq as an app uses it: the built @tabmq/core client in the tab, its own worker file
// (dist/tabmq.worker.js, the hub with mqtt.js) in a SharedWorker.
import { createPubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'
import { broker, expose, filter, firstMessageClock, manyFilters, mode, pageCounter } from './harness.js'

const pubsub = createPubSub({
  provider: mqttOverWs({ url: broker }),
  // tabmq-variant.html runs the same page on the bench's BENCH_VARIANT_WORKER hub.
  worker: () => new SharedWorker(location.pathname.includes('variant') ? '/tabmq-variant.worker.js' : '/tabmq.worker.js', { type: 'module', name: 'tabmq' }),
})

if (mode === 'many') {
  let active = 0
  let resolveAll: () => void
  const all = new Promise<void>(r => (resolveAll = r))
  for (let k = 0; k < manyFilters; k++) {
    pubsub.subscribe(`bench/mem/${k}/+/telemetry`, { onStatus: s => s.status === 'active' && ++active === manyFilters && resolveAll() }).subscribe(() => {})
  }
  expose(pageCounter().side, { subscribed: () => all.then(() => active), stats: () => pubsub.getStats() })
} else if (mode === 'retained') {
  const clock = firstMessageClock()
  pubsub.subscribe(filter, { codec: 'json' }).subscribe(() => clock.hit())
  expose(pageCounter().side, { retained: () => clock.first })
} else {
  const { counter, side } = pageCounter()
  pubsub.subscribe(filter, { codec: mode === 'binary' ? 'binary' : 'json' }).subscribe(m => counter.message(m.topic, m.data, m.payload?.byteLength ?? 200))
  expose(side)
}
