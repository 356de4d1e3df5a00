import { PubSubError } from '../errors.js'
import type { HubApi } from '../protocol.js'
import { defaultDedicatedWorker, defaultSharedWorker } from './default-worker.js'
import { inlineTransport } from './inline-transport.js'
import type { Transport } from './transport.js'
import { workerTransport } from './worker-transport.js'

export type TransportChoice = 'auto' | 'shared' | 'dedicated' | 'inline'

/** The in-process hub for `inline`, loaded only when used so tab bundles never carry mqtt.js. */
let inlineHub: Promise<HubApi> | undefined

function lazyInlineHub(): HubApi {
  inlineHub ??= import('../hub/index.js').then(m => m.createHub())
  const call =
    <K extends keyof HubApi>(k: K) =>
    (...args: Parameters<HubApi[K]>) =>
      inlineHub!.then(hub => (hub[k] as (...a: unknown[]) => unknown)(...args)) as ReturnType<HubApi[K]>
  return { open: call('open'), subscribe: call('subscribe'), unsubscribe: call('unsubscribe'), publish: call('publish'), close: call('close'), stats: call('stats') }
}

/** Picks the transport: explicit choice, else SharedWorker, else Worker, else in-process. */
export function selectTransport(options: { transport?: TransportChoice; worker?: () => SharedWorker | Worker; hub?: HubApi }): Transport {
  const choice = options.transport ?? 'auto'
  const hasShared = typeof SharedWorker !== 'undefined'
  const hasWorker = typeof Worker !== 'undefined'
  if (choice === 'inline' || options.hub || (choice === 'auto' && !hasShared && !hasWorker)) {
    return inlineTransport(options.hub ?? lazyInlineHub())
  }
  try {
    if (options.worker) return workerTransport(options.worker())
    if (choice === 'shared' || (choice === 'auto' && hasShared)) return workerTransport(defaultSharedWorker())
    return workerTransport(defaultDedicatedWorker())
  } catch (cause) {
    throw new PubSubError('WORKER_FAILED', `Could not start the tabmq worker (${(cause as Error).message}): check that the worker file is served from this origin.`, { cause })
  }
}
