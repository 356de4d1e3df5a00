import type { DeliveryTarget, HubApi, TabEvent } from '../protocol.js'
import type { Transport } from './transport.js'

/**
 * The hub in this process (Node, SSR, unit tests): same API, no worker. Events are delivered on a
 * later tick, as they would be across a port, so code behaves the same on every transport.
 */
export function inlineTransport(hub: HubApi): Transport {
  return {
    kind: 'inline',
    api: hub,
    connectDeliveries(onEvent: (event: TabEvent) => void): DeliveryTarget {
      return { postMessage: event => void queueMicrotask(() => onEvent(event)) }
    },
    wrapFunctions: functions => functions,
    failed: new Promise<never>(() => {}), // in-process: nothing to fail to load
    dispose() {},
  }
}
