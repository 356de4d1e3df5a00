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
  const endpoint = isShared ? (worker as SharedWorker).port : (worker as Worker)
  // Held strongly for the transport's life: a collected proxy releases the port.
  const remote = Comlink.wrap<HubApi>(endpoint)
  const ports: MessagePort[] = []
  // A worker script that fails to load or run fires `error` and never answers: say so at once.
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', () => reject(new PubSubError('WORKER_FAILED', 'The tabmq worker failed to load: check that its file is served from this origin (see the README, "The worker").')), { once: true }),
  )
  failed.catch(() => {})
  const api: HubApi = {
    open: (request, target, functions) => Promise.race([failed, remote.open(request, Comlink.transfer(target, [target as unknown as MessagePort]), functions as never)]),
    subscribe: (...a) => remote.subscribe(...a),
    unsubscribe: (...a) => remote.unsubscribe(...a),
    publish: (sessionId, topics, payload, options) => remote.publish(sessionId, topics, payload, options),
    close: sessionId => remote.close(sessionId),
    stats: () => remote.stats(),
  }
  return {
    kind: isShared ? 'shared' : 'dedicated',
    api,
    connectDeliveries(onEvent: (event: TabEvent) => void): DeliveryTarget {
      const channel = new MessageChannel()
      channel.port1.onmessage = (e: MessageEvent<TabEvent>) => onEvent(e.data)
      ports.push(channel.port1)
      return channel.port2 as unknown as DeliveryTarget
    },
    wrapFunctions: (functions: ProviderFunctions | undefined) => (functions ? (Comlink.proxy(functions) as unknown as ProviderFunctions) : undefined),
    dispose() {
      for (const p of ports) p.close()
      remote[Comlink.releaseProxy]()
      if (isShared) (worker as SharedWorker).port.close()
      else (worker as Worker).terminate()
    },
  }
}
