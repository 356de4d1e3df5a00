// The ceiling: a raw WebSocket in a dedicated worker that frames MQTT packets and counts PUBLISHes.
import { expose, workerCounter } from './harness.js'

expose(workerCounter(new Worker(`/raw-ws.worker.js${location.search}`, { type: 'module', name: 'raw-ws' })))
