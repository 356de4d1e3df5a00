import * as Comlink from 'comlink'
import { PubSubError } from '../errors.js'
import type { DeliveryTarget, HubApi, ProviderFunctions, TabEvent } from '../protocol.js'
import type { Transport } from './transport.js'

/**
 * A hub in a SharedWorker (one per origin, shared by all tabs) or a dedicated Worker (one per tab,
 * where SharedWorker is missing). RPC goes through Comlink; deliveries on a port of their own.
 */
export function workerTransport(worker: SharedWorker | Worker): Transport {
  const isShared = typeof SharedWorker !== 'undefined' && worker instanceof SharedWorker
  // Held strongly for the transport's life: a collected proxy releases the port.
  const remote = Comlink.wrap<HubApi>(isShared ? (worker as SharedWorker).port : (worker as Worker))
  const ports: MessagePort[] = []
  // A worker script that fails to load or run fires `error` and never answers: say so at once.
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', () => reject(new PubSubError('WORKER_FAILED', 'The tabmq worker failed to load: is it served from this origin?')), { once: true }),
  )
  failed.catch(() => {})
  return {
    kind: isShared ? 'shared' : 'dedicated',
    // Every HubApi method already returns a promise, so the remote is a HubApi as it stands.
    api: remote as unknown as HubApi,
    failed,
    connectDeliveries(onEvent: (event: TabEvent) => void): DeliveryTarget {
      const { port1, port2 } = new MessageChannel()
      port1.onmessage = (e: MessageEvent<TabEvent>) => onEvent(e.data)
      ports.push(port1)
      // Moved, not copied, to the worker with the open call that carries it.
      return Comlink.transfer(port2, [port2]) as unknown as DeliveryTarget
    },
    wrapFunctions: (functions: ProviderFunctions | undefined) => functions && Comlink.proxy(functions),
    dispose() {
      for (const p of ports) p.close()
      remote[Comlink.releaseProxy]()
      if (isShared) (worker as SharedWorker).port.close()
      else (worker as Worker).terminate()
    },
  }
}
