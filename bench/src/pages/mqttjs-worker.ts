// MQTT.js alone in a dedicated worker: the hub's work without the hub, to price the hub itself.
import { expose, workerCounter } from './harness.js'

expose(workerCounter(new Worker(`/mqttjs.worker.js${location.search}`, { type: 'module', name: 'mqttjs' })))
