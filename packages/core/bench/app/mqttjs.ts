import mqtt from 'mqtt'
import { createCounter } from './counter'

const url = new URLSearchParams(location.search).get('broker')!
const counter = createCounter()
const client = mqtt.connect(url, { clientId: 'plain_' + Math.random().toString(16).slice(2), reconnectPeriod: 0 })
client.on('message', (_topic, payload) => {
  // The same work the tabmq page does per message: decode the JSON.
  if ((JSON.parse(new TextDecoder().decode(payload)) as { i: number }).i >= 0) counter.hit()
})
client.on('connect', () => client.subscribe('bench/#', () => (counter.ready = true)))
