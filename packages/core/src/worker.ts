/**
 * The worker entry: importing it starts the hub. An app that owns its worker file writes one line:
 *
 * @example
 * // tabmq.worker.ts
 * import '@tabmq/core/worker'
 */
import * as Comlink from 'comlink'
import { createHub } from './hub/index.js'
import type { HubApi } from './protocol.js'
import { holdLock, webLocks, whenLockFree } from './transports/locks.js'

declare const self: { onconnect?: ((e: MessageEvent) => void) | null; postMessage?: unknown; name?: string } & EventTarget

function randomName(): string {
  const b = new Uint8Array(8)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

const hubLock = webLocks() ? `tabmq:hub:${randomName()}` : null
// Tabs learn of this hub's death when this lock comes free; take it before serving anyone.
const lockHeld = hubLock ? holdLock(hubLock) : Promise.resolve(() => {})
const hub = createHub({ hubLock })

const api: HubApi = {
  async open(request, target, functions) {
    // Serve nobody before the hub lock is held: a tab that got it first would think the hub dead.
    await lockHeld
    const result = await hub.open(request, target, functions)
    // The tab holds a lock named after its session: granted to us when the tab is gone, crash included.
    if (result.ok) whenLockFree(`tabmq:tab:${request.sessionId}`, () => void hub.close(request.sessionId))
    return result
  },
  subscribe: (...a) => hub.subscribe(...a),
  unsubscribe: (...a) => hub.unsubscribe(...a),
  publish: (...a) => hub.publish(...a),
  close: sessionId => hub.close(sessionId),
  stats: () => hub.stats(),
}

if ('onconnect' in self || typeof (self as { SharedWorkerGlobalScope?: unknown }).SharedWorkerGlobalScope !== 'undefined') {
  self.onconnect = (event: MessageEvent) => {
    const port = event.ports[0]
    if (port) Comlink.expose(api, port)
  }
} else {
  // Listen at once: a dedicated worker drops messages that arrive before a listener exists.
  Comlink.expose(api, self as unknown as Comlink.Endpoint)
}
