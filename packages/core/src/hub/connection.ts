import { PubSubError } from '../errors.js'
import type { ConnectionStateData, ConnectionStats, OfflineQueueOptions, PublishOptions, ReconnectOptions } from '../types.js'
import { BrokerSubscriptions } from './broker-subscriptions.js'
import { ConnectionLifecycle } from './connection-lifecycle.js'
import { DeliveryRouter } from './delivery-router.js'
import { mqttSubscribeChannel } from './mqtt-subscribe-channel.js'
import type { MqttClient } from './mqtt-client.js'
import { publishError } from './mqtt-errors.js'
import { OutgoingPublishes, type Send } from './outgoing-publishes.js'
import type { ResolvedProvider } from './provider.js'
import { toBuffer, toPacketProperties } from './publish-properties.js'
import type { TabLink } from './tab-link.js'
import type { TabSubscription } from './tab-subscription.js'

export interface ConnectionOptions {
  reconnect?: ReconnectOptions | undefined
  offline?: OfflineQueueOptions | undefined
  onEmpty(connection: Connection): void
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

  constructor(
    provider: ResolvedProvider,
    private readonly options: ConnectionOptions,
  ) {
    const v5 = provider.protocolVersion === 5
    this.outgoing = new OutgoingPublishes(options.offline?.maxSize ?? 1000)
    this.lifecycle = new ConnectionLifecycle(provider, { reconnect: options.reconnect }, {
      state: state => {
        for (const tab of this.tabs) tab.push({ t: 'state', state })
      },
      connected: (connack, client) => {
        const max = connack.properties?.maximumPacketSize
        if (typeof max === 'number') this.maxPacketSize = max
        const sessionPresent = Boolean(connack.sessionPresent)
        this.deliveries.connected(sessionPresent)
        this.subscriptions.connected(sessionPresent)
        this.outgoing.connected(this.sender(client))
      },
      message: (topic, payload, packet) => this.deliveries.route(topic, payload, packet),
      disconnected: () => {
        this.subscriptions.disconnected()
        this.outgoing.disconnected()
      },
      refused: error => this.outgoing.rejectAll(error),
    })
    this.subscriptions = new BrokerSubscriptions(mqttSubscribeChannel(() => this.lifecycle.client, v5), {
      subscribing: established => this.deliveries.subscribing(established),
      granted: served => this.deliveries.granted(served),
      active: s => s.link.push({ t: 'sub', subId: s.subId, status: 'active' }),
      refused: (s, error) => {
        s.link.subscriptions.delete(s.subId)
        s.link.push({ t: 'sub', subId: s.subId, status: 'error', error: error.toJSON() })
      },
      alreadyServed: s => this.deliveries.replayRetained(s),
      released: remaining => this.deliveries.released(remaining),
    }, { repeatSubscribeForRetained: !v5, oneQosPerOverlap: !v5 })
    this.deliveries = new DeliveryRouter(this.subscriptions, { v5 })
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

  attach(tab: TabLink): void {
    this.tabs.add(tab)
    this.lifecycle.start()
  }

  detach(tab: TabLink): void {
    for (const s of tab.subscriptions.values()) this.subscriptions.remove(s, false)
    tab.subscriptions.clear()
    this.tabs.delete(tab)
    this.subscriptions.reconcile()
    if (this.tabs.size === 0) {
      void this.close()
      this.options.onEmpty(this)
    }
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
    if (this.lifecycle.closed) return
    this.subscriptions.dispose()
    this.deliveries.dispose()
    this.outgoing.rejectAll(new PubSubError('CLOSED', 'The connection was closed before the broker acknowledged the publish.'))
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

  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    const checked = this.provider.checkPublish ? this.provider.checkPublish(topic, payload, options) : options
    if (payload.byteLength > this.maxPacketSize) {
      return Promise.reject(new PubSubError('PAYLOAD_TOO_LARGE', `The payload (${payload.byteLength} bytes) is over the broker's maximum packet size (${this.maxPacketSize} bytes).`, { details: { topic } }))
    }
    if (this.lifecycle.closed) return Promise.reject(new PubSubError('CLOSED', 'The connection is closed.'))
    const client = this.lifecycle.client
    if (client?.connected) return new Promise((resolve, reject) => this.outgoing.publish({ topic, payload, options: checked, resolve, reject }, this.sender(client)))
    const refusal = this.lifecycle.refusal
    if (refusal) return Promise.reject(refusal)
    const qos = checked.qos ?? 0
    if (qos === 0 && !this.options.offline?.qos0) {
      return Promise.reject(new PubSubError('NOT_CONNECTED', `Not connected, so the QoS 0 publish to "${topic}" was dropped: use QoS 1 to have it queued, or set offline.qos0.`, { details: { topic } }))
    }
    return new Promise((resolve, reject) => this.outgoing.queue({ topic, payload, options: checked, resolve, reject }))
  }

  /** Sends on `client`; an error without a reason code is the connection going away, not a refusal. */
  private sender(client: MqttClient): Send {
    const v5 = this.provider.protocolVersion === 5
    return (item, dup, done) => {
      const { topic, payload, options } = item
      const properties = v5 ? toPacketProperties(options.properties) : undefined
      client.publish(topic, toBuffer(payload) as never, { qos: options.qos ?? 0, retain: options.retain ?? false, dup, ...(properties ? { properties } : {}) }, error => {
        if (!error) return done('acknowledged')
        const code = (error as { code?: unknown }).code
        done(typeof code === 'number' ? publishError(code, topic) : 'lost')
      })
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
    }
  }
}
