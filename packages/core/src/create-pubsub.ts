import { PubSubError } from './errors.js'
import { Observable } from './observable.js'
import type { HubApi, ProviderConfig, TabEvent } from './protocol.js'
import { createStore } from './store.js'
import { closedError, createHubLink } from './client/hub-link.js'
import { createLocalSubscriptions, type SubscriptionStatus } from './client/local-subscriptions.js'
import { createPendingPublishes } from './client/pending-publishes.js'
import { toWirePayload } from './client/wire-payload.js'
import { createTopicStore, type TopicOptions, type TopicStore } from './client/topic-store.js'
import type { TransportChoice, TransportKind } from './transports/select-transport.js'
import type {
  ConnectionState,
  HubStats,
  Message,
  OfflineQueueOptions,
  Payload,
  PublishOptions,
  ReadableStore,
  ReconnectOptions,
  SubscribeOptions,
} from './types.js'
import { withTimeout } from './with-timeout.js'

export interface CreatePubSubOptions {
  /** Where to connect: `mqttOverWs(...)`, `awsIot(...)`, ... from `@tabmq/core/providers`. */
  provider: ProviderConfig
  /**
   * `auto` (default): a SharedWorker where the browser has one, else a dedicated Worker, else the
   * `hub` given. `shared`, `dedicated`, `inline` force one.
   */
  transport?: TransportChoice
  /** The app's own worker file (`import '@tabmq/core/worker'`), for bundlers that need it in app code. */
  worker?: () => SharedWorker | Worker
  /**
   * An in-process hub (`createHub()` from `@tabmq/core/hub`): Node, server code, tests. It is never
   * loaded unless passed, so a tab's bundle never carries mqtt.js.
   */
  hub?: HubApi
  reconnect?: ReconnectOptions
  offline?: OfflineQueueOptions
  /** Time limit in ms for calls to the worker (subscribe, stats). Default 15000. */
  timeoutMs?: number
  /** Time limit in ms for a publish to be acknowledged, queued time included. Default 30000. */
  publishTimeoutMs?: number
  /**
   * How long (ms) the shared connection stays open after its last client leaves, so a client
   * closed and made again (a remount, a new login as the same user) finds it open. Default 3000 in
   * a worker, 0 with an in-process hub (where `close()` should let Node exit).
   */
  closeDelayMs?: number
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
  /** The transport this client uses (before it starts: the one it will pick). */
  readonly transport: TransportKind
  /** Leaves the hub: subscriptions end (`complete`), later calls fail with CLOSED. */
  close(): Promise<void>
}

const toList = (topics: string | readonly string[]): string[] => (typeof topics === 'string' ? [topics] : Array.isArray(topics) ? [...topics] : [topics as unknown as string])

/**
 * Creates a tab's client. Tabs with the same provider config share one broker connection. It
 * starts on first use (a subscribe, a publish, stats, or a state listener), not on creation: a
 * client made during server rendering, or never used, opens no worker and no connection.
 *
 * @example
 * const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:8083/mqtt' }) })
 * const sub = pubsub.subscribe('sensors/+/temp').subscribe({ next: m => console.log(m.topic, m.data) })
 * await pubsub.publish('cmd/fan', { on: true }, { qos: 1 })
 */
export function createPubSub(options: CreatePubSubOptions): PubSub {
  if (!options?.provider || typeof options.provider.kind !== 'string') {
    throw new PubSubError('INVALID_OPTIONS', 'createPubSub needs a provider, e.g. mqttOverWs({ url }).')
  }
  const timeoutMs = options.timeoutMs ?? 15_000
  const state = createStore<ConnectionState>({ status: 'idle', attempt: 0 })
  const { functions, ...provider } = options.provider
  let closed = false

  const onEvent = (event: TabEvent) => {
    if (event.t === 'batch') subs.deliver(event.messages)
    else if (event.t === 'state') state.set({ ...event.state, error: event.state.error && PubSubError.from(event.state.error) })
    else subs.status(event.subId, event.status === 'active' ? { status: 'active' } : { status: 'error', error: PubSubError.from(event.error) })
  }
  const link = createHubLink(
    { ...options, timeoutMs, functions, request: { provider, reconnect: options.reconnect, offline: options.offline, closeDelayMs: options.closeDelayMs } },
    {
      onEvent,
      onOpen(restarted) {
        if (restarted) {
          subs.resend()
          publishes.resend()
        }
      },
      onFail: error => state.set({ status: 'offline', attempt: 0, error }),
    },
  )
  const subs = createLocalSubscriptions(link, timeoutMs)
  const liveTopics = new Map<string, TopicStore<unknown>>()
  const publishes = createPendingPublishes(link, options.publishTimeoutMs ?? 30_000)

  const client: PubSub = {
    get transport() {
      return link.kind
    },
    connectionState: {
      get: state.get,
      subscribe(listener) {
        if (!closed) void link.started().catch(() => {})
        return state.subscribe(listener)
      },
    },

    subscribe<T>(topics: string | readonly string[], subscribeOptions: ObserveOptions = {}): Observable<Message<T>> {
      return new Observable<Message<T>>(observer => {
        if (closed) {
          observer.error(closedError())
          return () => {}
        }
        // Filters, QoS and codec are validated by the hub, which must check them anyway: keeping
        // the rules out of the tab keeps what a tab loads small.
        return subs.add({ filters: toList(topics), qos: subscribeOptions.qos ?? 0, codec: subscribeOptions.codec ?? 'auto', observer: observer as never, onStatus: subscribeOptions.onStatus })
      })
    },

    topic(topics, topicOptions = {}) {
      // A callback is its caller's own: such a store is never shared.
      if (topicOptions.onMessage) return createTopicStore(client, topics, topicOptions)
      // While a store is live, the same question gets the same store: a remount (a v-if toggle, a
      // route and back) reads it at once instead of subscribing again for the retained message.
      const key = JSON.stringify([topics, topicOptions.qos ?? 0, topicOptions.codec ?? 'auto', topicOptions.keep ?? 0])
      const store: TopicStore<unknown> = liveTopics.get(key) ?? createTopicStore(client, topics, topicOptions, isLive => void (isLive ? liveTopics.set(key, store) : liveTopics.delete(key)))
      return store as TopicStore<never>
    },

    // Topics and options are checked by the hub; a closed client's link refuses with CLOSED.
    async publish(topics, payload, publishOptions = {}) {
      return publishes.add(toList(topics), toWirePayload(payload), { ...publishOptions, qos: publishOptions.qos ?? 0 })
    },

    async getStats() {
      await link.started()
      return withTimeout(link.api().stats(), timeoutMs, 'getStats')
    },

    async close() {
      if (closed) return
      closed = true
      publishes.rejectAll(closedError())
      subs.completeAll()
      await link.close()
      state.set({ status: 'closed', attempt: 0 })
    },
  }
  return client
}
