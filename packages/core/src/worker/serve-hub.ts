import type { HubApi } from '../protocol.js'
import { whenLockFree } from '../transports/locks.js'

/**
 * The hub as a worker serves it, to its own tabs and to relays alike: nobody is served before
 * `ready` (the worker's hub lock is held: a tab that got that lock first would think the hub dead),
 * each session ends when its tab's lock comes free (a crash included).
 *
 * @example
 * const api = serveHub(createHub({ hubLock, transport: 'shared' }), holdLock(hubLock))
 */
export function serveHub(hub: HubApi, ready: Promise<unknown>): HubApi {
  return {
    async open(request, target, functions) {
      await ready
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
}
