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
    if (!options.hub) throw new PubSubError('INVALID_OPTIONS', 'No worker here (Node, server rendering, tests): pass hub: createHub() from @tabmq/core/hub to run the hub in this process.')
    return inlineTransport(options.hub)
  }
  try {
    if (options.worker) return workerTransport(options.worker())
    return workerTransport(kind === 'shared' ? defaultSharedWorker() : defaultDedicatedWorker())
  } catch (cause) {
    throw new PubSubError('WORKER_FAILED', `Could not start the tabmq worker (${(cause as Error).message}): check that the worker file is served from this origin.`, { cause })
  }
}
