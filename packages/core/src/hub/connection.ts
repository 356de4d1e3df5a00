import { PubSubError } from '../errors.js'
import type { ConnectionStateData, ConnectionStats, OfflineQueueOptions, PublishOptions, ReconnectOptions } from '../types.js'
import { BrokerSubscriptions } from './broker-subscriptions.js'
import { ConnectionLifecycle } from './connection-lifecycle.js'
import { DeliveryRouter } from './delivery-router.js'
import { DurableOutbox, outboxFull } from './durable-outbox.js'
import { mqttSubscribeChannel } from './mqtt-subscribe-channel.js'
import type { MqttClient, Packet } from './mqtt-client.js'
import { publishError } from './mqtt-errors.js'
import type { QueuedPublish } from './offline-queue.js'
import type { OutboxStorage } from './outbox-storage.js'
import { OutgoingPublishes, type Send, type SendOutcome, type SendWindow } from './outgoing-publishes.js'
import type { ResolvedProvider } from './provider.js'
import { PublishStore } from './publish-store.js'
import { toBuffer, toPacketProperties } from './publish-properties.js'
import type { TabLink } from './tab-link.js'
import type { TabSubscription } from './tab-subscription.js'

/**
 * MQTT 3.1.1 brokers do not say how many publishes they take at once. Mosquitto holds 20 QoS 2
 * publishes awaiting PUBREL (max_inflight_messages) and, while it holds 20, drops any QoS 1 or 2
 * publish, answering PUBACK or PUBREC all the same. So: at most 20 QoS 2 unacknowledged, and QoS 1
 * waits while they are 20 (QoS 1 alone is not held back). MQTT 5 brokers say it in the CONNACK
 * (Receive Maximum, counting QoS 1 and 2; 65535 when absent).
 */
const QOS2_IN_FLIGHT_3_1_1 = 20

function sendWindow(v5: boolean, receiveMaximum: number | undefined): SendWindow {
  const acknowledged = (item: QueuedPublish) => (item.options.qos ?? 0) > 0
  return v5
    ? { size: receiveMaximum ?? 65_535, counts: acknowledged, waits: acknowledged }
    : { size: QOS2_IN_FLIGHT_3_1_1, counts: item => item.options.qos === 2, waits: acknowledged }
}

export interface ConnectionOptions {
  reconnect?: ReconnectOptions | undefined
  offline?: OfflineQueueOptions | undefined
  onEmpty(connection: Connection): void
  /** Where `offline.persist` keeps queued publishes (IndexedDB in a worker); none: they stay in memory. */
  outboxStorage?: OutboxStorage | undefined
  warn?(message: string): void
}

/**
 * One broker connection, shared by every tab with the same identity key: the composition of its
 * lifecycle (connect, reconnect, refusals), the broker-subscription bookkeeping, the routing of
 * deliveries, and the publishes until the broker acknowledges them.
 */
export class Connection {
  readonly tabs = new Set<TabLink>()
  private readonly lifecycle: ConnectionLifecycle
  private readonly subscriptions: BrokerSubscriptions
  private readonly deliveries: DeliveryRouter
  private readonly outgoing: OutgoingPublishes
  private maxPacketSize = 268_435_455
  /** The durable outbox, once a tab with `offline.persist` attached; the first connect waits for its restore. */
  private outbox: DurableOutbox | undefined
  private restored: Promise<void> | undefined
  private restoreDone = false
  private readonly persisting = new WeakSet<TabLink>()
  /** Publishes of persisting tabs: kept durably when they have to wait for a connection. */
  private readonly persistent = new WeakSet<QueuedPublish>()
  private readonly stores = new WeakMap<MqttClient, PublishStore>()
  /** Set while the connection, with no tab left, waits out its close delay. */
  private closing: ReturnType<typeof setTimeout> | undefined

  constructor(
    provider: ResolvedProvider,
    private readonly options: ConnectionOptions,
  ) {
    const v5 = provider.protocolVersion === 5
    this.outgoing = new OutgoingPublishes(options.offline?.maxSize ?? 1000, {
      final: item => this.outbox?.forget(item),
      // Lost in flight: it waits for the next connection, which may be in a later page.
      lost: item => void (this.persistent.has(item) && this.outbox?.keep(item)),
    })
    this.lifecycle = new ConnectionLifecycle(provider, { reconnect: options.reconnect }, {
      created: client => this.useStore(client),
      state: state => {
        for (const tab of this.tabs) tab.push({ t: 'state', state })
      },
      connected: (connack, client) => {
        const max = connack.properties?.maximumPacketSize
        if (typeof max === 'number') this.maxPacketSize = max
        const sessionPresent = Boolean(connack.sessionPresent)
        this.deliveries.connected(sessionPresent)
        this.subscriptions.connected(sessionPresent)
        this.outgoing.connected(this.sender(client), sendWindow(v5, connack.properties?.receiveMaximum))
      },
      message: (topic, payload, packet) => this.deliveries.route(topic, payload, packet),
      disconnected: () => {
        this.subscriptions.disconnected()
        this.outgoing.disconnected()
      },
      refused: error => this.outgoing.rejectAll(error),
    })
    this.subscriptions = new BrokerSubscriptions(mqttSubscribeChannel(() => this.lifecycle.client, v5), {
      subscribing: (established, covering) => this.deliveries.subscribing(established, covering),
      granted: served => {
        this.deliveries.granted(served)
        queueMicrotask(() => this.outgoing.nudge()) // after the bookkeeping sent any SUBSCRIBE it held back
      },
      active: s => s.link.push({ t: 'sub', subId: s.subId, status: 'active' }),
      refused: (s, error) => {
        queueMicrotask(() => this.outgoing.nudge())
        s.link.subscriptions.delete(s.subId)
        s.link.push({ t: 'sub', subId: s.subId, status: 'error', error: error.toJSON() })
      },
      alreadyServed: s => this.deliveries.replayRetained(s),
      released: remaining => this.deliveries.released(remaining),
    }, { repeatSubscribeForRetained: !v5, oneQosPerOverlap: !v5 })
    this.deliveries = new DeliveryRouter(this.subscriptions, { v5 })
    // A publish suspected of closing the connection goes alone: after the SUBSCRIBEs are answered,
    // so that a close is not blamed on one of them (and the reverse).
    this.outgoing.aloneWhen(() => this.subscriptions.quiet)
  }

  get provider(): ResolvedProvider {
    return this.lifecycle.provider
  }

  get key(): string {
    return this.provider.key
  }

  get currentState(): ConnectionStateData {
    return this.lifecycle.state
  }

  // --- tabs ---------------------------------------------------------------------------------

  /** `persist`: the tab asked for `offline.persist`; its queued publishes are kept durably. */
  attach(tab: TabLink, persist = false): void {
    clearTimeout(this.closing) // a tab came back within the close delay: stay
    this.closing = undefined
    this.tabs.add(tab)
    if (persist) {
      this.persisting.add(tab)
      this.persist()
    }
    // Kept publishes go first: connect once they are restored (at once when another hub holds them).
    if (this.restored) void this.restored.then(() => this.lifecycle.start())
    else this.lifecycle.start()
  }

  /**
   * A tab leaves. The last one's subscriptions go as anyone's (UNSUBSCRIBE after the linger); the
   * connection itself closes `closeDelayMs` later, unless a tab attaches meanwhile.
   */
  detach(tab: TabLink, closeDelayMs = 0): void {
    for (const s of tab.subscriptions.values()) this.subscriptions.remove(s, false)
    tab.subscriptions.clear()
    this.tabs.delete(tab)
    this.subscriptions.reconcile()
    if (this.tabs.size > 0) return
    const end = () => {
      this.closing = undefined
      void this.close()
      this.options.onEmpty(this)
    }
    clearTimeout(this.closing)
    if (closeDelayMs > 0) this.closing = setTimeout(end, closeDelayMs)
    else end()
  }

  /** The network came back (the browser's `online` event): skip the rest of the backoff. */
  kick(): void {
    this.lifecycle.kick()
  }

  /** A tab brings fresh settings while the login stands refused: try them. */
  retryWith(provider: ResolvedProvider): boolean {
    return this.lifecycle.retryWith(provider)
  }

  /** Ends the connection for good: publishes not yet acknowledged reject with CLOSED. */
  async close(): Promise<void> {
    clearTimeout(this.closing)
    if (this.lifecycle.closed) return
    this.subscriptions.dispose()
    this.deliveries.dispose()
    this.outgoing.rejectAll(new PubSubError('CLOSED', 'The connection was closed before the broker acknowledged the publish.'))
    // What it kept stays kept: the next connection of this identity restores it.
    this.outbox?.dispose()
    await this.lifecycle.close()
  }

  // --- subscriptions ------------------------------------------------------------------------

  /** Adds a tab's subscription; validation errors throw, broker refusals arrive on the tab's port. */
  subscribe(subscription: TabSubscription): void {
    for (const filter of subscription.filters) this.provider.checkSubscribe?.(filter, subscription.qos)
    subscription.link.subscriptions.set(subscription.subId, subscription)
    this.deliveries.joined(subscription)
    this.subscriptions.add(subscription)
  }

  unsubscribe(subscription: TabSubscription): void {
    subscription.link.subscriptions.delete(subscription.subId)
    this.subscriptions.remove(subscription)
  }

  // --- publish ------------------------------------------------------------------------------

  /**
   * `from`: the tab that publishes (a persisting tab's publishes are kept durably while they wait);
   * `ref`: the tab's name for it, the same when it sends it again to a new hub.
   */
  publish(topic: string, payload: Uint8Array, options: PublishOptions, from?: TabLink, ref?: string): Promise<void> {
    const checked = this.provider.checkPublish ? this.provider.checkPublish(topic, payload, options) : options
    if (payload.byteLength > this.maxPacketSize) {
      return Promise.reject(new PubSubError('PAYLOAD_TOO_LARGE', `The payload (${payload.byteLength} bytes) is over the broker's maximum packet size (${this.maxPacketSize} bytes).`, { details: { topic } }))
    }
    if (this.lifecycle.closed) return Promise.reject(new PubSubError('CLOSED', 'The connection is closed.'))
    const outbox = from && this.persisting.has(from) ? this.outbox : undefined
    if (outbox) {
      // After the restore: a publish its tab sends again (its hub died) may be one restored here.
      if (!this.restoreDone) return this.restored!.then(() => this.publish(topic, payload, options, from, ref))
      const held = outbox.find(ref)
      if (held === 'settled') return Promise.resolve()
      if (held) return new Promise((resolve, reject) => outbox.join(held, resolve, reject))
    }
    const client = this.lifecycle.client
    if (client?.connected) {
      return new Promise((resolve, reject) => {
        const item: QueuedPublish = { topic, payload, options: checked, resolve, reject, ref }
        if (outbox) this.persistent.add(item)
        this.outgoing.publish(item, this.sender(client))
      })
    }
    const refusal = this.lifecycle.refusal
    if (refusal) return Promise.reject(refusal)
    const qos = checked.qos ?? 0
    if (qos === 0 && !this.options.offline?.qos0) {
      return Promise.reject(new PubSubError('NOT_CONNECTED', `Not connected, so the QoS 0 publish to "${topic}" was dropped: use QoS 1 to have it queued, or set offline.qos0.`, { details: { topic } }))
    }
    return new Promise((resolve, reject) => {
      const item: QueuedPublish = { topic, payload, options: checked, resolve, reject, ref }
      if (outbox && qos > 0) {
        if (outbox.full) return reject(outboxFull(this.options.offline?.maxSize ?? 1000, topic))
        if (!this.outgoing.queue(item)) return
        this.persistent.add(item)
        outbox.keep(item)
      } else this.outgoing.queue(item)
    })
  }

  /** Starts the durable outbox (`offline.persist`), once, where there is storage for it. */
  private persist(): void {
    if (this.outbox || this.lifecycle.closed) return
    const storage = this.options.outboxStorage
    if (!storage) {
      this.warn('offline.persist: there is no IndexedDB here, so queued publishes are kept in memory only.')
      return
    }
    const outbox = (this.outbox = new DurableOutbox(this.key, storage, { maxSize: this.options.offline?.maxSize ?? 1000, warn: m => this.warn(m) }))
    this.restored = outbox
      .start(items => {
        this.outgoing.restore(items)
        // Restored while connected (another hub held them until now): they go now. QoS 2 publishes
        // that hub had sent are completed with their packet ids in the session it sent them in,
        // which only a new CONNACK resumes: published anew, they would arrive twice.
        const client = this.lifecycle.client
        if (!client?.connected) return
        if (this.outgoing.resumable(this.provider.clientId).length > 0) this.lifecycle.restart()
        else this.outgoing.connected(this.sender(client))
      })
      .then(() => void (this.restoreDone = true))
  }

  private warn(message: string): void {
    ;(this.options.warn ?? console.warn)(`[tabmq] ${message}`)
  }

  /**
   * Each attempt's client stores its outgoing packets in a {@link PublishStore}: QoS 2 progress is
   * recorded (durably for kept publishes) before packets leave, and a kept session completes its
   * unfinished QoS 2 publishes.
   */
  private useStore(client: MqttClient): void {
    const clientId = this.provider.clientId
    const v5 = this.provider.protocolVersion === 5
    const store = new PublishStore(client, {
      publishing: (item, packetId) => {
        item.sent = { packetId, clientId }
        return this.outbox?.sent(item)
      },
      releasing: item => {
        item.released = true
        return this.outbox?.released(item)
      },
      resumable: () => this.outgoing.resumable(clientId),
      publishPacket: (item, packetId): Packet => {
        const properties = v5 ? toPacketProperties(item.options.properties) : undefined
        return { cmd: 'publish', topic: item.topic, payload: toBuffer(item.payload) as never, qos: 2, retain: item.options.retain ?? false, dup: true, messageId: packetId, ...(properties ? { properties } : {}) }
      },
      resume: item => {
        const done = this.outgoing.resume(item)
        return error => done(this.outcome(error, item.topic))
      },
      warn: m => this.warn(m),
    })
    client.outgoingStore = store
    this.stores.set(client, store)
  }

  /** mqtt.js's answer to a publish: an error without a reason code is the connection going away, not a refusal. */
  private outcome(error: unknown, topic: string): SendOutcome {
    if (!error) return 'acknowledged'
    const code = (error as { code?: unknown }).code
    return typeof code === 'number' ? publishError(code, topic) : 'lost'
  }

  /** Sends on `client`. */
  private sender(client: MqttClient): Send {
    const v5 = this.provider.protocolVersion === 5
    const store = this.stores.get(client)
    return (item, dup, done) => {
      const { topic, payload, options } = item
      const properties = v5 ? toPacketProperties(options.properties) : undefined
      // The store learns which publish its next PUBLISH packet is (it records QoS 2 packet ids).
      if (store) store.sending = item
      client.publish(topic, toBuffer(payload) as never, { qos: options.qos ?? 0, retain: options.retain ?? false, dup, ...(properties ? { properties } : {}) }, error => done(this.outcome(error, topic)))
      if (store) store.sending = undefined
    }
  }

  // --- stats --------------------------------------------------------------------------------

  stats(): ConnectionStats {
    // Report what the broker is asked for, not a moment before the tick's reconcile.
    this.subscriptions.flush()
    let messagesOut = 0
    for (const tab of this.tabs) messagesOut += tab.messagesOut
    return {
      key: this.key,
      clientId: this.provider.clientId,
      status: this.lifecycle.state.status,
      tabs: this.tabs.size,
      filters: this.subscriptions.wantedFilters(),
      brokerFilters: this.subscriptions.brokerFilters(),
      retainedCached: this.deliveries.retainedCached,
      messagesIn: this.deliveries.messagesIn,
      messagesOut,
      queuedPublishes: this.outgoing.queued,
      storedPublishes: this.outbox?.size ?? 0,
    }
  }
}
