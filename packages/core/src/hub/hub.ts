import { PubSubError, toPubSubError } from '../errors.js'
import { encodePayload } from '../codec.js'
import type { DeliveryTarget, HubApi, OpenRequest, OpenResult, ProviderFunctions, Result, WirePayload } from '../protocol.js'
import { validateFilter, validateTopicName } from '../topics/index.js'
import type { Codec, HubStats, HubTransport, PublishOptions, QoS } from '../types.js'
import { Connection } from './connection.js'
import { hasIndexedDb, indexedDbOutboxStorage } from './indexeddb-outbox-storage.js'
import type { OutboxStorage } from './outbox-storage.js'
import type { ProviderContext } from './provider.js'
import { resolveProvider } from './provider-registry.js'
import { withTimeout } from '../with-timeout.js'
import { TabLink } from './tab-link.js'

/** How long the hub waits for a tab to run a function for it (credentials) before trying another. */
const TAB_CALL_TIMEOUT_MS = 10_000

export interface HubOptions {
  /** Web Lock the hub holds while alive, for tabs to watch. Null where there are no locks. */
  hubLock?: string | null
  /** How tabs reach this hub, for stats. Default `inline`. */
  transport?: HubTransport
  /** Where `offline.persist` keeps queued publishes. Default: IndexedDB where there is one (browsers, workers); null: nowhere. */
  outboxStorage?: OutboxStorage | null
  /**
   * How long (ms) a connection stays open after its last tab leaves, unless the tab's client says
   * (`createPubSub({ closeDelayMs })`). Default 3000 in a worker (a tab that closes its client and
   * makes a new one finds the connection open), 0 in-process (`close()` lets Node exit).
   */
  closeDelayMs?: number
  /** Where warnings go (never secrets). Default console.warn. */
  warn?: (message: string) => void
}

/** See {@link HubOptions.closeDelayMs}. */
const WORKER_CLOSE_DELAY_MS = 3000

function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

function fail(error: unknown, fallback: PubSubError['code'] = 'INTERNAL'): Result<never> {
  return { ok: false, error: toPubSubError(error, fallback).toJSON() }
}

const CODECS: readonly Codec[] = ['auto', 'json', 'text', 'binary']

function checkQos(qos: unknown): asserts qos is QoS {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new PubSubError('INVALID_QOS', `QoS must be 0, 1 or 2, not ${String(qos)}.`)
}

/**
 * The hub: tab links (one per tab client) and broker connections keyed by identity. Every entry
 * point validates its input and answers with a `Result`, so bad input from one tab never throws
 * inside the worker or disturbs another tab.
 *
 * @example
 * const hub = createHub()            // in a worker, or in-process for Node and tests
 * await hub.open({ sessionId, provider }, port)
 */
export class Hub implements HubApi {
  /** Tab links by the protocol's `sessionId` (a tab client's id). */
  private readonly tabs = new Map<string, TabLink>()
  private readonly connections = new Map<string, Connection>()
  private readonly tabConnection = new Map<TabLink, Connection>()
  /** How long each tab's connection stays open after it, the last, leaves. */
  private readonly closeDelays = new WeakMap<TabLink, number>()

  constructor(private readonly options: HubOptions = {}) {
    // In a browser worker: when the network returns, reconnect now rather than at the end of a backoff.
    const target = globalThis as { addEventListener?: (type: string, listener: () => void) => void; navigator?: unknown }
    if (typeof target.addEventListener === 'function' && target.navigator) {
      target.addEventListener('online', () => {
        for (const c of this.connections.values()) c.kick()
      })
    }
  }

  async open(request: OpenRequest, target: DeliveryTarget, functions?: ProviderFunctions): Promise<Result<OpenResult>> {
    try {
      if (typeof request?.sessionId !== 'string' || !request.provider || typeof request.provider.kind !== 'string') {
        throw new PubSubError('INVALID_OPTIONS', 'open() needs a session id and a provider.')
      }
      const closeDelayMs = request.closeDelayMs ?? this.options.closeDelayMs ?? ((this.options.transport ?? 'inline') === 'inline' ? 0 : WORKER_CLOSE_DELAY_MS)
      // setTimeout takes at most 2^31 - 1 ms: a longer delay would fire at once.
      if (!Number.isFinite(closeDelayMs) || closeDelayMs < 0 || closeDelayMs > 2_147_483_647) {
        throw new PubSubError('INVALID_OPTIONS', `closeDelayMs is a number of milliseconds from 0 to 2147483647, not ${String(closeDelayMs)}.`)
      }
      if (this.tabs.has(request.sessionId)) await this.close(request.sessionId)
      const tab = new TabLink(request.sessionId, target, functions ?? request.provider.functions)
      const { context, bind } = this.providerContext(tab)
      const provider = await resolveProvider(request.provider, context)
      let connection = this.connections.get(provider.key)
      if (connection) {
        if (!connection.retryWith(provider)) provider.dispose?.()
      } else {
        connection = new Connection(provider, {
          reconnect: request.reconnect,
          offline: request.offline,
          onEmpty: c => {
            if (this.connections.get(c.key) === c) this.connections.delete(c.key)
          },
          outboxStorage: this.outboxStorage(),
          warn: this.options.warn,
        })
        this.connections.set(provider.key, connection)
      }
      bind(connection)
      this.tabs.set(tab.id, tab)
      this.tabConnection.set(tab, connection)
      this.closeDelays.set(tab, closeDelayMs)
      connection.attach(tab, request.offline?.persist === true)
      return ok({ state: connection.currentState, clientId: connection.provider.clientId, hubLock: this.options.hubLock ?? null })
    } catch (error) {
      return fail(error, 'INVALID_OPTIONS')
    }
  }

  async subscribe(sessionId: string, subId: number, filters: string[], qos: QoS, codec: Codec = 'auto'): Promise<Result<null>> {
    try {
      const { tab, connection } = this.lookup(sessionId)
      if (!Array.isArray(filters) || filters.length === 0) throw new PubSubError('INVALID_FILTER', 'subscribe() needs at least one topic filter.')
      for (const f of filters) validateFilter(f)
      checkQos(qos)
      if (!CODECS.includes(codec)) throw new PubSubError('INVALID_OPTIONS', `codec must be one of ${CODECS.join(', ')}, not ${String(codec)}.`)
      if (tab.subscriptions.has(subId)) throw new PubSubError('INTERNAL', `Subscription ${subId} exists already.`)
      connection.subscribe({ link: tab, subId, filters: [...new Set(filters)], qos, codec, awaitingRetained: true, lastSeq: -1 })
      return ok(null)
    } catch (error) {
      return fail(error)
    }
  }

  async unsubscribe(sessionId: string, subId: number): Promise<void> {
    const tab = this.tabs.get(sessionId)
    const subscription = tab?.subscriptions.get(subId)
    if (tab && subscription) this.tabConnection.get(tab)?.unsubscribe(subscription)
  }

  async publish(sessionId: string, topics: string[], payload: WirePayload, options: PublishOptions, ref?: string): Promise<Result<null>> {
    try {
      const { tab, connection } = this.lookup(sessionId)
      if (!Array.isArray(topics) || topics.length === 0) throw new PubSubError('INVALID_TOPIC', 'publish() needs at least one topic.')
      for (const t of topics) validateTopicName(t)
      checkQos(options?.qos ?? 0)
      if (typeof payload !== 'string' && !(payload instanceof ArrayBuffer) && !ArrayBuffer.isView(payload)) {
        throw new PubSubError('INVALID_PAYLOAD', 'The payload must reach the hub as text or bytes (objects become JSON in the tab).')
      }
      const bytes = encodePayload(payload)
      // One name per topic: each is a publish of its own in the outbox.
      const named = typeof ref === 'string' && ref.length > 0 && ref.length <= 64
      await Promise.all(topics.map((t, i) => connection.publish(t, bytes, options ?? {}, tab, named ? `${ref}:${i}` : undefined)))
      return ok(null)
    } catch (error) {
      return fail(error)
    }
  }

  /** Detaches a tab: explicit close, goodbye on pagehide, or its tab's lock released (crash). */
  async close(sessionId: string): Promise<void> {
    const tab = this.tabs.get(sessionId)
    if (!tab) return
    this.tabs.delete(sessionId)
    tab.flush()
    const connection = this.tabConnection.get(tab)
    this.tabConnection.delete(tab)
    connection?.detach(tab, this.closeDelays.get(tab) ?? 0)
  }

  async stats(): Promise<HubStats> {
    return { transport: this.options.transport ?? 'inline', tabs: this.tabs.size, connections: [...this.connections.values()].map(c => c.stats()) }
  }

  private storage: OutboxStorage | null | undefined

  /** The outbox storage, made on first use: a hub that never persists never opens IndexedDB. */
  private outboxStorage(): OutboxStorage | undefined {
    if (this.storage === undefined) this.storage = this.options.outboxStorage !== undefined ? this.options.outboxStorage : hasIndexedDb() ? indexedDbOutboxStorage() : null
    return this.storage ?? undefined
  }

  private lookup(sessionId: string): { tab: TabLink; connection: Connection } {
    const tab = this.tabs.get(sessionId)
    const connection = tab && this.tabConnection.get(tab)
    if (!tab || !connection) throw new PubSubError('CLOSED', 'This client is closed (or the hub restarted): create a new one with createPubSub().')
    return { tab, connection }
  }

  /**
   * Provider callbacks run in a tab: the opener first, then every live tab of the connection the
   * provider serves, so a credentials function still answers after the tab that gave it has closed.
   */
  private providerContext(opener: TabLink): { context: ProviderContext; bind(connection: Connection): void } {
    let connection: Connection | undefined
    const context: ProviderContext = {
      warn: message => (this.options.warn ?? console.warn)(`[tabmq] ${message}`),
      call: async <T>(name: string, ...args: unknown[]): Promise<T> => {
        const tabs = [opener, ...(connection?.tabs ?? [])]
        // Across a port `functions` is a Comlink proxy: any name looks present, a missing one rejects.
        const live = tabs.filter((t, i) => tabs.indexOf(t) === i && t.functions !== undefined && this.tabs.get(t.id) === t)
        let lastError: unknown = new PubSubError('PROVIDER_ERROR', `No open tab can provide "${name}": open the app again.`)
        for (const tab of live) {
          try {
            const fn = tab.functions![name] as (...a: unknown[]) => Promise<T>
            return await withTimeout(Promise.resolve(fn(...args)), TAB_CALL_TIMEOUT_MS, `The tab function "${name}"`)
          } catch (error) {
            lastError = error // a tab closing meanwhile, or the app's function failing there: try the next
          }
        }
        throw toPubSubError(lastError, 'PROVIDER_ERROR')
      },
    }
    return { context, bind: c => void (connection ??= c) }
  }
}

/**
 * Creates a hub. Workers do this in `@tabmq/core/worker`; Node, SSR and tests use it in-process.
 *
 * @example
 * const pubsub = createPubSub({ provider, transport: 'inline' }) // makes its own hub
 */
export function createHub(options?: HubOptions): Hub {
  return new Hub(options)
}
