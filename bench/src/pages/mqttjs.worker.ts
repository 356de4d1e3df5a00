import mqtt from 'mqtt'
import { serveCounter, workerParams } from './worker-side.js'

const { broker, mode, filter } = workerParams()
const counter = serveCounter(mode)
const text = new TextDecoder()
// As the hub runs it: native timers in a worker.
const client = mqtt.connect(broker, { timerVariant: 'native' })
client.on('message', (topic, payload) => counter.message(topic, mode === 'binary' ? payload : JSON.parse(text.decode(payload)), payload.byteLength))
client.subscribe(filter)
