import { encodePayload } from './codec.js'
import { PubSubError, toPubSubError } from './errors.js'
import { Observable } from './observable.js'
import type { HubApi, OpenRequest, ProviderConfig, Result, TabEvent } from './protocol.js'
import { createStore } from './store.js'
import { LocalSubscriptions, type SubscriptionStatus } from './client/local-subscriptions.js'
import { createTopicStore, type TopicOptions, type TopicStore } from './client/topic-store.js'
import { withTimeout } from './with-timeout.js'
import { holdLock, whenLockFree } from './transports/locks.js'
import { selectTransport, type TransportChoice } from './transports/select-transport.js'
import type { Transport } from './transports/transport.js'
import type {
  ConnectionState,
  HubStats,
  Message,
  OfflineQueueOptions,
  Payload,
  PublishOptions,
  QoS,
  ReadableStore,
  ReconnectOptions,
  SubscribeOptions,
} from './types.js'

export interface CreatePubSubOptions {
  /** Where to connect: `mqttOverWs(...)`, `awsIot(...)`, ... from `@tabmq/core/providers`. */
  provider: ProviderConfig
  /**
   * `auto` (default): a SharedWorker where the browser has one, else a dedicated Worker, else in-process.
   * `shared`, `dedicated`, `inline` force one.
   */
  transport?: TransportChoice
  /** The app's own worker file (`import '@tabmq/core/worker'`), for bundlers that need it in app code. */
  worker?: () => SharedWorker | Worker
  /** An in-process hub to use with `transport: 'inline'` (tests share one between clients). */
  hub?: HubApi
  reconnect?: ReconnectOptions
  offline?: OfflineQueueOptions
  /** Time limit in ms for calls to the worker (subscribe, stats). Default 15000. */
  timeoutMs?: number
  /** Time limit in ms for a publish to be acknowledged, queued time included. Default 30000. */
  publishTimeoutMs?: number
}

/** Per-subscription options that stay in the tab. */
export interface ObserveOptions extends SubscribeOptions {
  /** Called as the subscription becomes `active` (SUBACK) or fails. */
  onStatus?: (status: SubscriptionStatus) => void
}

/** A tab's client: every method is safe to call in any state. */
export interface PubSub {
  /** An Observable of messages on one filter or several (each message once, however many match). */
  subscribe<T = unknown>(topics: string | readonly string[], options?: ObserveOptions): Observable<Message<T>>
  /**
   * One subscription as a store for rendering: `get()` the latest `{ data, message, messages,
   * status, error }`, `subscribe(listener)` for changes (at most one a frame). It subscribes with
   * its first listener and lets go a tick after its last.
   */
  topic<T = unknown>(topics: string | readonly string[], options?: TopicOptions<T>): TopicStore<T>
  /** Resolves when the broker has it (PUBACK for QoS 1, PUBCOMP for QoS 2, sent for QoS 0). */
  publish(topics: string | readonly string[], payload: Payload, options?: PublishOptions): Promise<void>
  /** The connection state: `get()` now, `subscribe(listener)` for changes. */
  readonly connectionState: ReadableStore<ConnectionState>
  /** What the hub holds (connections, tabs, filters with reference counts, counters). */
  getStats(): Promise<HubStats>
  /** Which transport this client ended up on. */
  readonly transport: 'shared' | 'dedicated' | 'inline'
  /** Leaves the hub: subscriptions end (`complete`), later calls fail with CLOSED. */
  close(): Promise<void>
}

function newId(): string {
  const b = new Uint8Array(9)
  crypto.getRandomValues(b)
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('')
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw PubSubError.from(result.error)
}

function toList(topics: string | readonly string[]): string[] {
  return typeof topics === 'string' ? [topics] : Array.isArray(topics) ? [...topics] : [topics as unknown as string]
}

interface PendingPublish {
  topics: string[]
  payload: Uint8Array
  options: PublishOptions
  generation: number
  resolve(): void
  reject(error: unknown): void
}

/**
 * Creates a tab's client. Tabs with the same provider config share one broker connection.
 *
 * @example
 * const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:8083/mqtt' }) })
 * const sub = pubsub.subscribe('sensors/+/temp').subscribe({ next: m => console.log(m.topic, m.data) })
 * await pubsub.publish('cmd/fan', { on: true }, { qos: 1 })
 */
export function createPubSub(options: CreatePubSubOptions): PubSub {
  if (!options?.provider || typeof options.provider.kind !== 'string') {
    throw new PubSubError('INVALID_OPTIONS', 'createPubSub needs a provider, for example provider: mqttOverWs({ url: "ws://127.0.0.1:8083/mqtt" }).')
  }
  const timeoutMs = options.timeoutMs ?? 15_000
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000
  const state = createStore<ConnectionState>({ status: 'idle', attempt: 0 })
  const subs = new LocalSubscriptions()
  const pending = new Set<PendingPublish>()
  const { functions, ...providerData } = options.provider

  let transport: Transport | undefined
  let sessionId = ''
  let generation = 0
  let closed = false
  let releaseTabLock: () => void = () => {}
  let stopWatchingHub: () => void = () => {}
  let ready: Promise<void> | undefined
  const current = (): Transport => {
    if (!transport) throw new PubSubError('WORKER_FAILED', 'The tabmq worker did not start.')
    return transport
  }

  const onEvent = (gen: number) => (event: TabEvent) => {
    if (gen !== generation || closed) return
    if (event.t === 'batch') subs.deliver(event.messages)
    else if (event.t === 'state') state.set({ status: event.state.status, attempt: event.state.attempt, error: event.state.error ? PubSubError.from(event.state.error) : undefined })
    else subs.status(event.subId, event.status === 'active' ? { status: 'active' } : { status: 'error', error: PubSubError.from(event.error) })
  }

  /** Opens a session on a (new) hub and restores what this client had: subscriptions, unacknowledged publishes. */
  async function start(): Promise<void> {
    const gen = ++generation
    transport = selectTransport(options)
    sessionId = newId()
    // The tab's lock is held before the hub hears of it: the hub waits on it to learn of our death.
    releaseTabLock()
    releaseTabLock = await holdLock(`tabmq:tab:${sessionId}`)
    const request: OpenRequest = { sessionId, provider: providerData, reconnect: options.reconnect, offline: options.offline }
    const opened = unwrap(await withTimeout(current().api.open(request, transport.connectDeliveries(onEvent(gen)), transport.wrapFunctions(functions)), timeoutMs, 'Opening the tabmq worker'))
    if (gen !== generation) return
    onEvent(gen)({ t: 'state', state: opened.state })
    stopWatchingHub()
    if (opened.hubLock) stopWatchingHub = whenLockFree(opened.hubLock, () => void restart())
    if (gen > 1) {
      for (const sub of subs.all()) void sendSubscribe(sub.id, sub.filters, sub.qos)
      for (const p of pending) if (p.generation !== gen) void sendPublish(p)
    }
  }

  /** The hub died (its host tab crashed): start a new worker and carry on. */
  async function restart(): Promise<void> {
    if (closed) return
    transport?.dispose()
    ready = start()
    await ready.catch(error => state.set({ status: 'offline', attempt: 0, error: toPubSubError(error, 'WORKER_FAILED') }))
  }

  /**
   * Starts on first use (a subscribe, a publish, stats, or a state listener), not on creation:
   * a client made during server rendering, or never used, opens no worker and no connection.
   */
  function started(): Promise<void> {
    if (!ready) {
      ready = start()
      ready.catch(error => state.set({ status: 'offline', attempt: 0, error: toPubSubError(error, 'WORKER_FAILED') }))
    }
    return ready
  }

  if (typeof addEventListener === 'function' && typeof window !== 'undefined') {
    // The fast path of tab death: a goodbye; the Web Lock catches crashes.
    addEventListener('pagehide', () => void transport?.api.close(sessionId).catch(() => {}))
    addEventListener('pageshow', e => {
      // Back from the back/forward cache: pagehide said goodbye, so open a new session.
      if ((e as PageTransitionEvent).persisted && ready && !closed) void restart()
    })
  }

  /** The generation each subscription was last sent in: sent once per hub, whoever asks first. */
  const sentIn = new Map<number, number>()

  async function sendSubscribe(id: number, filters: string[], qos: QoS): Promise<void> {
    let gen = -1
    try {
      await started()
      if (sentIn.get(id) === generation || !subs.has(id)) return
      sentIn.set(id, (gen = generation))
      const result = await withTimeout(current().api.subscribe(sessionId, id, filters, qos), timeoutMs, 'subscribe')
      if (!result.ok && gen === generation) subs.status(id, { status: 'error', error: PubSubError.from(result.error) })
    } catch (error) {
      // A hub that died meanwhile never answers: restart() subscribes again on the new one.
      if (gen === -1 || gen === generation) subs.status(id, { status: 'error', error: toPubSubError(error, 'WORKER_FAILED') })
    }
  }

  async function sendPublish(p: PendingPublish): Promise<void> {
    let gen = -1
    try {
      await started()
      if (p.generation === generation) return // already sent to this hub
      gen = p.generation = generation
      const result = await current().api.publish(sessionId, p.topics, p.payload, p.options)
      if (gen !== generation) return // the hub died meanwhile; restart() sends it again
      pending.delete(p)
      if (result.ok) p.resolve()
      else p.reject(PubSubError.from(result.error))
    } catch (error) {
      if (gen !== -1 && gen !== generation) return
      pending.delete(p)
      p.reject(toPubSubError(error, 'WORKER_FAILED'))
    }
  }

  const closedError = () => new PubSubError('CLOSED', 'This tabmq client is closed: create a new one with createPubSub().')

  const client: PubSub = {
    get transport() {
      return transport?.kind ?? 'inline'
    },
    connectionState: {
      get: state.get,
      subscribe(listener) {
        if (!closed) void started().catch(() => {})
        return state.subscribe(listener)
      },
    },

    subscribe<T>(topics: string | readonly string[], subscribeOptions: ObserveOptions = {}): Observable<Message<T>> {
      return new Observable<Message<T>>(observer => {
        if (closed) {
          observer.error(closedError())
          return () => {}
        }
        let filters: string[]
        let qos: QoS
        try {
          filters = toList(topics)
          if (filters.length === 0) throw new PubSubError('INVALID_FILTER', 'subscribe() needs at least one topic filter.')
          // Filters and topic names are validated by the hub, which must check them anyway: keeping
          // the rules out of the tab keeps what a tab loads small.
          qos = subscribeOptions.qos ?? 0 // checked by the hub
        } catch (error) {
          observer.error(toPubSubError(error, 'INVALID_FILTER'))
          return () => {}
        }
        const id = subs.add({ filters, qos, codec: subscribeOptions.codec ?? 'auto', observer: observer as never, onStatus: subscribeOptions.onStatus })
        void sendSubscribe(id, filters, qos)
        return () => {
          sentIn.delete(id)
          if (!subs.remove(id) || closed) return
          void started().then(() => current().api.unsubscribe(sessionId, id)).catch(() => {})
        }
      })
    },

    topic(topics, topicOptions) {
      return createTopicStore(client, topics, topicOptions)
    },

    publish(topics, payload, publishOptions = {}) {
      if (closed) return Promise.reject(closedError())
      let p: PendingPublish
      const promise = new Promise<void>((resolve, reject) => {
        const list = toList(topics)
        if (list.length === 0) throw new PubSubError('INVALID_TOPIC', 'publish() needs at least one topic.')
        const bytes = encodePayload(payload)
        p = { topics: list, payload: bytes, options: { ...publishOptions, qos: publishOptions.qos ?? 0 }, generation: 0, resolve, reject }
        pending.add(p)
        void sendPublish(p)
      })
      return withTimeout(promise, publishTimeoutMs, 'publish').catch(error => {
        if (p) pending.delete(p)
        throw error
      })
    },

    async getStats() {
      if (closed) throw closedError()
      await started()
      return withTimeout(current().api.stats(), timeoutMs, 'getStats')
    },

    async close() {
      if (closed) return
      closed = true
      stopWatchingHub()
      for (const p of pending) p.reject(closedError())
      pending.clear()
      subs.completeAll()
      try {
        if (ready) {
          await ready
          await withTimeout(current().api.close(sessionId), timeoutMs, 'close')
        }
      } catch {
        // Closing is best effort: the tab lock tells the hub anyway.
      }
      releaseTabLock()
      transport?.dispose()
      state.set({ status: 'closed', attempt: 0 })
    },
  }
  return client
}
