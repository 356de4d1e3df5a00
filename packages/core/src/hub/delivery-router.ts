import type { RoutedMessage } from '../protocol.js'
import { matchTopic } from '../topics/index.js'
import type { QoS } from '../types.js'
import type { BrokerSubscription } from './broker-subscriptions.js'
import { fromPacketProperties } from './publish-properties.js'
import { RetainedCache } from './retained-cache.js'
import type { TabSubscription } from './tab-subscription.js'

/** How long after a SUBACK retained messages (MQTT 3.1.1) still count as the answer to it. */
export const RETAINED_WINDOW_MS = 1000

/** What the router reads from the subscription bookkeeping. */
export interface DeliverySource {
  /** Calls `fn` with each wanted filter matching `topic` and its subscriptions. */
  match(topic: string, fn: (filter: string, subscriptions: ReadonlySet<TabSubscription>) => void): void
  /** Every broker subscription that can deliver `filter`'s messages. */
  deliverers(filter: string): readonly BrokerSubscription[]
  /** Every subscription held. */
  subscriptions(): Iterable<TabSubscription>
}

/** A received PUBLISH, as mqtt.js hands it over. */
export interface ReceivedPacket {
  qos: QoS
  retain: boolean
  properties?: Record<string, unknown> | undefined
}

/**
 * Routes each message from the broker to the tab subscriptions that want it, each exactly once:
 * a message matching several filters of one subscription once, MQTT 5 copies (one per matching
 * broker subscription) by their subscription identifiers, and MQTT 3.1.1 retained replays (flag
 * set) to the subscriptions waiting for their retained messages only. Keeps the MQTT 5 retained
 * cache that answers late subscribers. No network, no mqtt.js.
 *
 * @example
 * const router = new DeliveryRouter(subscriptions, { v5: true })
 * router.route('sensors/1/temp', bytes, { qos: 1, retain: false, properties })
 */
export class DeliveryRouter {
  private readonly cache = new RetainedCache()
  /** Retained windows still open, cleared on dispose so a closed connection leaves no timer behind. */
  private readonly windows = new Set<ReturnType<typeof setTimeout>>()
  /**
   * MQTT 3.1.1: the topics each waiting subscription has had a retained replay of, and, once its
   * window is open, a live message of. Two SUBSCRIBEs (a cover's and a covered filter's own, or
   * another tab's) may both replay a topic; the broker holds one retained message per topic, so
   * the second is a copy, as is a replay of what came live meanwhile.
   */
  private readonly replayed = new WeakMap<TabSubscription, Set<string>>()
  /** MQTT 3.1.1: subscriptions granted less than {@link RETAINED_WINDOW_MS} ago, still taking their replay. */
  private readonly inWindow = new WeakSet<TabSubscription>()
  private seq = 0
  messagesIn = 0

  constructor(
    private readonly source: DeliverySource,
    private readonly options: { v5: boolean },
  ) {}

  get retainedCached(): number {
    return this.cache.size
  }

  /** Hands one message from the broker to every subscription it is for. */
  route(topic: string, payload: Uint8Array, packet: ReceivedPacket): void {
    this.messagesIn++
    const v5 = this.options.v5
    const seq = ++this.seq
    const properties = v5 ? fromPacketProperties(packet.properties) : undefined
    // One exact-size copy per message: a Buffer view would clone its whole backing buffer.
    const message: RoutedMessage = { topic, payload: new Uint8Array(payload), qos: packet.qos, retain: packet.retain }
    if (properties) message.properties = properties
    if (v5 && packet.retain) this.cache.put(message)
    const retainedReplay = !v5 && packet.retain
    const ids = v5 ? (packet.properties?.subscriptionIdentifier as number | number[] | undefined) : undefined
    this.source.match(topic, (_filter, set) => {
      for (const subscription of set) {
        if (subscription.lastSeq === seq) continue
        if (retainedReplay) {
          if (!subscription.awaitingRetained || this.seenReplay(subscription, topic)) continue
        } else if (!v5 && this.inWindow.has(subscription)) this.seenReplay(subscription, topic)
        if (ids !== undefined && !this.isCanonicalCopy(subscription, topic, ids)) continue
        subscription.lastSeq = seq
        subscription.link.enqueue(subscription, seq, message)
      }
    })
  }

  /** A new subscription: it takes the retained messages its SUBSCRIBE (or the cache) brings. */
  joined(subscription: TabSubscription): void {
    subscription.awaitingRetained = true
    this.replayed.delete(subscription)
  }

  /** MQTT 5: answers a newcomer from the cache, as exact as the broker (Retain As Published). */
  replayRetained(subscription: TabSubscription): void {
    for (const m of this.cache.matching(subscription.filters)) subscription.link.enqueue(subscription, ++this.seq, m)
    subscription.awaitingRetained = false
  }

  /**
   * A SUBSCRIBE goes out: its retained messages are not for the subscriptions already served. On
   * MQTT 3.1.1, when it is the SUBSCRIBE of a broker filter that serves them (`covering`), one
   * whose window is still open keeps waiting: its own replay may not have arrived yet (aedes sends
   * a SUBSCRIBE's retained messages after its SUBACK, and may answer the next SUBSCRIBE first), and
   * the covering filter's replay carries the same topics; whichever comes first is taken, a copy of
   * a topic it had (replayed, or live meanwhile) is dropped. A narrower SUBSCRIBE (a covered
   * filter's own) may replay what RabbitMQ would never replay for their wildcard: not for them.
   */
  subscribing(established: Iterable<TabSubscription>, covering = false): void {
    for (const s of established) if (this.options.v5 || !covering || !this.inWindow.has(s)) s.awaitingRetained = false
  }

  /**
   * A SUBACK: the retained messages the broker sends for it may arrive a little after it (3.1.1).
   * The subscriptions waiting for them take retained messages for {@link RETAINED_WINDOW_MS} more.
   */
  granted(served: Iterable<TabSubscription>): void {
    const waiting = [...served].filter(s => s.awaitingRetained)
    if (waiting.length === 0) return
    for (const s of waiting) this.inWindow.add(s)
    const timer = setTimeout(() => {
      this.windows.delete(timer)
      for (const s of waiting) {
        s.awaitingRetained = false
        this.inWindow.delete(s)
        this.replayed.delete(s)
      }
    }, RETAINED_WINDOW_MS)
    this.windows.add(timer)
  }

  /** A new connection: without a session (MQTT 3.1.1) the broker resends retained messages to everyone, as to a lone client. */
  connected(sessionPresent: boolean): void {
    if (sessionPresent || this.options.v5) return
    for (const s of this.source.subscriptions()) {
      s.awaitingRetained = true
      this.replayed.delete(s)
    }
  }

  /** Drops cached retained messages no broker subscription can deliver any more. */
  released(brokerFilters: readonly string[]): void {
    this.cache.prune(topic => brokerFilters.some(f => matchTopic(f, topic)))
  }

  /** Whether `subscription` has had a replay of `topic` while waiting; records it if not. */
  private seenReplay(subscription: TabSubscription, topic: string): boolean {
    let topics = this.replayed.get(subscription)
    if (topics?.has(topic)) return true
    if (!topics) this.replayed.set(subscription, (topics = new Set()))
    topics.add(topic)
    return false
  }

  /** Stops the router's timers. */
  dispose(): void {
    for (const timer of this.windows) clearTimeout(timer)
    this.windows.clear()
  }

  /**
   * A broker may send one copy per matching subscription (Mosquitto does on MQTT 5). Each copy
   * names its subscriptions, and a tab subscription takes the copy of one broker subscription only:
   * the oldest granted, so a filter handed over to a new cover neither misses nor repeats
   * messages; or, while it waits for its retained messages, the newest, whose SUBSCRIBE brings them.
   */
  private isCanonicalCopy(subscription: TabSubscription, topic: string, ids: number | number[]): boolean {
    // Brokers may send a SUBSCRIBE's retained messages before its SUBACK: a subscription on its way
    // counts, after the granted ones for an established tab subscription.
    let pick: BrokerSubscription | undefined
    const better = (a: BrokerSubscription, b: BrokerSubscription) =>
      subscription.awaitingRetained ? a.id > b.id : a.state === 'active' && b.state !== 'active' ? true : a.state !== 'active' && b.state === 'active' ? false : a.id < b.id
    for (const filter of subscription.filters) {
      if (!matchTopic(filter, topic)) continue
      for (const sub of this.source.deliverers(filter)) {
        if (sub.state === 'unsent') continue
        if (!pick || better(sub, pick)) pick = sub
      }
    }
    return pick !== undefined && (Array.isArray(ids) ? ids.includes(pick.id) : ids === pick.id)
  }
}
