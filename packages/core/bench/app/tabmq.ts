import { createPubSub } from '@tabmq/core'
import { mqttOverWs } from '@tabmq/core/providers'
import { createCounter } from './counter'

const url = new URLSearchParams(location.search).get('broker')!
const counter = createCounter()
const pubsub = createPubSub({ provider: mqttOverWs({ url }) })
pubsub
  .subscribe<{ i: number }>('bench/#', { codec: 'json', onStatus: s => void (s.status === 'active' && (counter.ready = true)) })
  .subscribe(m => {
    if (m.data.i >= 0) counter.hit()
  })
