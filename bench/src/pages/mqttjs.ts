// Plain MQTT.js in the tab, as anyone would write it: its browser build, default options.
import mqtt from 'mqtt'
import { broker, expose, filter, firstMessageClock, manyFilters, mode, pageCounter } from './harness.js'

const client = mqtt.connect(broker)
const text = new TextDecoder()

if (mode === 'many') {
  const filters = Array.from({ length: manyFilters }, (_, k) => `bench/mem/${k}/+/telemetry`)
  const all = new Promise<number>((resolve, reject) => client.subscribe(filters, (err, granted) => (err ? reject(err) : resolve(granted?.length ?? 0))))
  expose(pageCounter().side, { subscribed: () => all })
} else if (mode === 'retained') {
  const clock = firstMessageClock()
  client.on('message', (_topic, payload) => void (JSON.parse(text.decode(payload)) && clock.hit()))
  client.subscribe(filter)
  expose(pageCounter().side, { retained: () => clock.first })
} else {
  const { counter, side } = pageCounter()
  client.on('message', (topic, payload) => counter.message(topic, mode === 'binary' ? payload : JSON.parse(text.decode(payload)), payload.byteLength))
  client.subscribe(filter)
  expose(side)
}
