import { PubSubError } from '../errors.js'
import type { HubApi } from '../protocol.js'
import { defaultDedicatedWorker, defaultSharedWorker } from './default-worker.js'
import { inlineTransport } from './inline-transport.js'
import type { Transport } from './transport.js'
import { workerTransport } from './worker-transport.js'

export type TransportChoice = 'auto' | 'shared' | 'dedicated' | 'inline'
export type TransportKind = 'shared' | 'dedicated' | 'inline'

interface TransportOptions {
  transport?: TransportChoice | undefined
  worker?: (() => SharedWorker | Worker) | undefined
  hub?: HubApi | undefined
}

/** The transport `selectTransport` will pick: an explicit choice, else SharedWorker, else Worker, else in-process. */
export function plannedTransport(options: TransportOptions): TransportKind {
  const choice = options.transport ?? 'auto'
  if (choice !== 'auto') return choice
  if (options.hub) return 'inline'
  if (typeof SharedWorker !== 'undefined') return 'shared'
  return typeof Worker !== 'undefined' ? 'dedicated' : 'inline'
}

/** Starts the planned transport. */
export function selectTransport(options: TransportOptions): Transport {
  const kind = plannedTransport(options)
  if (kind === 'inline') {
    // The in-process hub carries mqtt.js: it is passed in, never imported here, so that no bundler
    // setting (a single-file build inlines lazy imports) can pull it into a tab.
    if (!options.hub) throw new PubSubError('INVALID_OPTIONS', 'No worker here: pass hub: createHub() from @tabmq/core/hub.')
    return inlineTransport(options.hub)
  }
  // A worker that cannot be made (a cross-origin URL, a blocked script) throws here: the link
  // reports it as WORKER_FAILED with the browser's reason.
  return workerTransport(options.worker ? options.worker() : kind === 'shared' ? defaultSharedWorker() : defaultDedicatedWorker())
}
