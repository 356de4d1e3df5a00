/**
 * The worker entry: importing it starts the hub. An app that owns its worker file writes one line:
 *
 * @example
 * // tabmq.worker.ts
 * import '@tabmq/core/worker'
 */
import * as Comlink from 'comlink'
import { createHub } from './hub/index.js'
import { holdLock, webLocks } from './transports/locks.js'
import { electedWorker } from './worker/elected-worker.js'
import { randomId } from './worker/names.js'
import { serveHub } from './worker/serve-hub.js'

declare const self: { onconnect?: ((e: MessageEvent) => void) | null; name?: string; location: { pathname: string }; close(): void } & EventTarget

if ('onconnect' in self || typeof (self as { SharedWorkerGlobalScope?: unknown }).SharedWorkerGlobalScope !== 'undefined') {
  // A SharedWorker: one per origin (and script), every tab connects to it.
  const hubLock = webLocks() ? `tabmq:hub:${randomId()}` : null
  // Tabs learn of this hub's death when this lock comes free; take it before serving anyone.
  const api = serveHub(createHub({ hubLock, transport: 'shared' }), hubLock ? holdLock(hubLock) : Promise.resolve())
  self.onconnect = (event: MessageEvent) => {
    const port = event.ports[0]
    if (port) Comlink.expose(api, port)
  }
} else {
  // A dedicated worker, one per tab (no SharedWorker here): the workers elect one host among them.
  // Listen at once: a dedicated worker drops messages that arrive before a listener exists.
  Comlink.expose(electedWorker({ scriptPath: self.location.pathname, workerName: self.name ?? '', terminate: () => self.close() }), self as unknown as Comlink.Endpoint)
}
