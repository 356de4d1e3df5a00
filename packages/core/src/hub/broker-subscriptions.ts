import { PubSubError } from '../errors.js'
import { FilterIndex } from '../topics/index.js'
import { filtersOverlap } from '../topics/filters-overlap.js'
import type { QoS } from '../types.js'
import { desiredBrokerFilters, servingFilter } from './broker-filters.js'
import { SubscribeSuspects } from './subscribe-suspects.js'
import type { TabSubscription } from './tab-subscription.js'

/**
 * How long a filter nobody wants stays subscribed: an unsubscribe followed at once by a subscribe
 * (React StrictMode, a route change, a page reload) must not cost the broker UNSUBSCRIBE + SUBSCRIBE.
 */
export const UNSUBSCRIBE_LINGER_MS = 250

/** One subscription at the broker, serving every wanted filter it covers. */
export interface BrokerSubscription {
  readonly qos: QoS
  /** unsent: waits for a connection; pending: SUBSCRIBE sent; active: SUBACK granted. */
  state: 'unsent' | 'pending' | 'active'
  /** MQTT 5 subscription identifier, to route each copy the broker sends exactly once. */
  readonly id: number
  /** Set while the filter lingers before its UNSUBSCRIBE. */
  leaving?: ReturnType<typeof setTimeout> | undefined
}

/** The broker's answer to a SUBSCRIBE: granted, refused with a reason code, or lost with the connection. */
export type SubscribeAnswer = 'granted' | 'lost' | { refused: number }

/** The broker as the bookkeeping sees it: a SUBSCRIBE and an UNSUBSCRIBE, sent while connected. */
export interface SubscribeChannel {
  readonly connected: boolean
  /** Sends a SUBSCRIBE (with subscription identifier `id` on MQTT 5) and reports the SUBACK once. */
  subscribe(filter: string, qos: QoS, id: number, answer: (answer: SubscribeAnswer) => void): void
  unsubscribe(filter: string): void
}

/** What the bookkeeping tells the rest of the connection. */
export interface BrokerSubscriptionEvents {
  /**
   * A SUBSCRIBE goes out; `established` (already granted) get no share of the retained messages it
   * brings. `covering`: it is the SUBSCRIBE of a broker filter that serves them (it can only replay
   * what their own SUBSCRIBEs could).
   */
  subscribing(established: TabSubscription[], covering?: boolean): void
  /** A SUBACK: `served` are the subscriptions the granted filter now serves. */
  granted(served: TabSubscription[]): void
  /** Every filter of `subscription` is served by a granted broker subscription (once per subscription). */
  active(subscription: TabSubscription): void
  /** The broker refused a filter of `subscription`; it has been removed. */
  refused(subscription: TabSubscription, error: PubSubError): void
  /**
   * A newcomer whose filters granted broker subscriptions serve already, with no SUBSCRIBE to bring its
   * retained messages (when `repeatSubscribeForRetained` is off: MQTT 5 answers from its cache).
   */
  alreadyServed(subscription: TabSubscription): void
  /** A broker subscription ended (UNSUBSCRIBE); `remaining` are the filters still subscribed. */
  released(remaining: string[]): void
}

export interface BrokerSubscriptionsOptions {
  /**
   * MQTT 3.1.1: a newcomer to a filter the broker serves already gets its retained messages by a
   * repeated SUBSCRIBE (the broker resends them with the retain flag set). MQTT 5 answers from a cache.
   */
  repeatSubscribeForRetained: boolean
  /**
   * MQTT 3.1.1: overlapping broker subscriptions never differ between QoS 0 and QoS 1 or 2 (see
   * `BrokerFilterOptions.oneQosPerOverlap`), and a subscription raised from QoS 0 is UNSUBSCRIBEd
   * before its new SUBSCRIBE: RabbitMQ binds a filter subscribed again at another QoS to both of
   * its QoS queues and sends a copy from each.
   */
  oneQosPerOverlap?: boolean
}

/**
 * Which subscriptions the broker holds for the filters tabs want: one SUBSCRIBE per filter however
 * many tabs want it, none for a filter a wanted filter of at least its QoS covers, an UNSUBSCRIBE
 * {@link UNSUBSCRIBE_LINGER_MS} after the last one leaves, the subscription serving each wanted
 * filter, and refusals. No network: it talks to the broker through a {@link SubscribeChannel}.
 *
 * @example
 * const subs = new BrokerSubscriptions(channel, events, { repeatSubscribeForRetained: true, oneQosPerOverlap: true })
 * subs.add(subscription) // SUBSCRIBEs on the next tick, if the filter needs it
 */
export class BrokerSubscriptions {
  private readonly wanted = new FilterIndex<TabSubscription>()
  private readonly held = new Set<TabSubscription>()
  private readonly broker = new Map<string, BrokerSubscription>()
  /** Wanted filter → the broker filter serving it. */
  private serving = new Map<string, string>()
  /** Wanted filter → every broker subscription that can deliver it (MQTT 5 copy routing). */
  private relevant = new Map<string, BrokerSubscription[]>()
  private readonly refusedFilters = new Set<string>()
  /** Subscriptions told they are active (all their filters granted). */
  private readonly activated = new WeakSet<TabSubscription>()
  private reconcileTimer: ReturnType<typeof setTimeout> | undefined
  private newcomers: TabSubscription[] = []
  /** MQTT 3.1.1 retained probes on their way: covered filter → the subscriptions waiting for its SUBACK. */
  private readonly probes = new Map<string, TabSubscription[]>()
  /** SUBSCRIBEs the broker may answer by closing the connection (RabbitMQ, for a denied filter). */
  private readonly suspects = new SubscribeSuspects()

  /** No SUBSCRIBE waits for its answer: a PUBLISH suspected of closing the connection may go alone. */
  get quiet(): boolean {
    return this.suspects.quiet
  }
  private nextId = 1
  private disposed = false

  constructor(
    private readonly channel: SubscribeChannel,
    private readonly events: BrokerSubscriptionEvents,
    private readonly options: BrokerSubscriptionsOptions,
  ) {}

  // --- what tabs want -----------------------------------------------------------------------

  /** Adds a subscription; the broker is asked on the next tick, with the tick's other changes. */
  add(subscription: TabSubscription): void {
    for (const filter of subscription.filters) this.wanted.add(filter, subscription)
    this.held.add(subscription)
    this.newcomers.push(subscription)
    this.schedule()
  }

  /** Removes a subscription; `reconcile: false` leaves the broker alone until the next pass. */
  remove(subscription: TabSubscription, reconcile = true): void {
    for (const filter of subscription.filters) this.wanted.delete(filter, subscription)
    this.held.delete(subscription)
    if (reconcile) this.schedule()
  }

  /** Brings the broker in line now, without serving the tick's newcomers yet. */
  reconcile(): void {
    this.reconcileWith([])
  }

  /** Runs the pass scheduled for this tick now (stats report what the broker is asked for). */
  flush(): void {
    if (this.reconcileTimer) this.reconcileNow()
  }

  // --- the connection -----------------------------------------------------------------------

  /** The connection came up: send what is unsent; without a session, everything again. */
  connected(sessionPresent: boolean): void {
    for (const [filter, sub] of this.broker) {
      if (sub.leaving) {
        if (!sessionPresent) (clearTimeout(sub.leaving), this.broker.delete(filter)) // gone with the session anyway
      } else if (!sessionPresent || sub.state === 'unsent') this.sendSubscribe(filter, !sessionPresent)
    }
    if (!this.options.repeatSubscribeForRetained) return
    // A plain client would SUBSCRIBE its exact filters again and get their retained messages; the
    // covers' SUBSCRIBEs bring none for them from RabbitMQ. Without a session everyone waits for
    // them again; with one, only the subscriptions whose own probe the lost connection took.
    for (const filter of this.wanted.filters()) {
      const server = this.serving.get(filter)
      if (server === undefined || server === filter || hasWildcard(filter)) continue
      const waiting = [...(this.wanted.values(filter) ?? [])].filter(s => !sessionPresent || !this.activated.has(s))
      for (const subscription of waiting) this.probe(filter, subscription, !sessionPresent)
    }
    this.suspects.release()
  }

  /** The connection went down: every broker subscription waits for the next one. */
  disconnected(): void {
    for (const sub of this.broker.values()) sub.state = 'unsent'
    this.probes.clear() // their answers are lost with the connection
    const culprit = this.suspects.closed()
    if (culprit === undefined || !this.wanted.has(culprit)) return
    this.refuse(
      culprit,
      new PubSubError(
        'SUBSCRIBE_REFUSED',
        `The broker closed the connection twice in answer to the SUBSCRIBE to "${culprit}", so it is no longer asked for: check the broker's access rules for this user (RabbitMQ 3.10 closes the connection instead of refusing a subscription).`,
        { details: { filter: culprit, closedConnection: true } },
      ),
    )
  }

  /** Stops every timer; nothing is sent after this. */
  dispose(): void {
    this.disposed = true
    clearTimeout(this.reconcileTimer)
    this.reconcileTimer = undefined
    for (const sub of this.broker.values()) clearTimeout(sub.leaving)
  }

  // --- queries ------------------------------------------------------------------------------

  /** Calls `fn` with each wanted filter matching `topic` and its subscriptions. */
  match(topic: string, fn: (filter: string, subscriptions: ReadonlySet<TabSubscription>) => void): void {
    this.wanted.match(topic, fn)
  }

  /** Every subscription held. */
  subscriptions(): Iterable<TabSubscription> {
    return this.held
  }

  /** Every broker subscription that can deliver `filter`'s messages (itself or a cover). */
  deliverers(filter: string): readonly BrokerSubscription[] {
    return this.relevant.get(filter) ?? []
  }

  /** The broker filter serving a wanted filter, if any. */
  servingOf(filter: string): string | undefined {
    return this.serving.get(filter)
  }

  /** Wanted filters with their reference counts and highest QoS. */
  wantedFilters(): Array<{ filter: string; refs: number; qos: QoS }> {
    const out: Array<{ filter: string; refs: number; qos: QoS }> = []
    for (const filter of this.wanted.filters()) {
      const set = this.wanted.values(filter)
      out.push({ filter, refs: set?.size ?? 0, qos: maxQos(set) })
    }
    return out
  }

  /** The broker's subscriptions as stats show them. */
  brokerFilters(): Array<{ filter: string; qos: QoS; state: 'pending' | 'active' | 'leaving' }> {
    return [...this.broker].map(([filter, s]) => ({ filter, qos: s.qos, state: s.leaving ? 'leaving' : s.state === 'active' ? 'active' : 'pending' }))
  }

  // --- reconciling --------------------------------------------------------------------------

  /**
   * Reconciles once for every subscribe and unsubscribe of a tick: a dashboard that opens a
   * thousand subscriptions at once costs one pass over the filters, not a thousand.
   */
  private schedule(): void {
    this.reconcileTimer ??= setTimeout(() => this.reconcileNow(), 0)
  }

  private reconcileNow(): void {
    clearTimeout(this.reconcileTimer)
    this.reconcileTimer = undefined
    const newcomers = this.newcomers.filter(s => this.held.has(s))
    this.newcomers = []
    if (!this.disposed) this.reconcileWith(newcomers)
  }

  /** Brings the broker's subscriptions in line with what tabs want, then serves newcomers their retained messages. */
  private reconcileWith(newcomers: TabSubscription[]): void {
    const wanted = new Map<string, QoS>()
    for (const filter of this.wanted.filters()) wanted.set(filter, maxQos(this.wanted.values(filter)))
    for (const f of this.refusedFilters) if (!wanted.has(f)) this.refusedFilters.delete(f)
    const oneQosPerOverlap = this.options.oneQosPerOverlap ?? false
    const held = oneQosPerOverlap ? new Map([...this.broker].map(([f, sub]) => [f, sub.qos])) : undefined
    const desired = desiredBrokerFilters(wanted, this.refusedFilters, { oneQosPerOverlap, held })
    // Subscribe before unsubscribing, so a filter handed from a covering one to itself has no gap.
    for (const [filter, qos] of desired) {
      const sub = this.broker.get(filter)
      if (sub?.leaving && sub.qos >= qos) {
        clearTimeout(sub.leaving)
        sub.leaving = undefined
      } else if (!sub || sub.qos < qos) {
        if (sub?.leaving) clearTimeout(sub.leaving)
        // QoS 0 to 1 or 2: RabbitMQ would keep the QoS 0 binding beside the new one and send every
        // message twice. Observers of a QoS 0 subscription accept a message lost in between.
        if (oneQosPerOverlap && sub?.qos === 0 && sub.state !== 'unsent' && this.channel.connected) this.channel.unsubscribe(filter)
        this.broker.set(filter, { qos, state: 'unsent', id: this.nextId++ })
        this.sendSubscribe(filter)
      }
    }
    for (const [filter, sub] of this.broker) {
      if (desired.has(filter) || sub.leaving) continue
      sub.leaving = setTimeout(() => this.unsubscribeNow(filter, sub), UNSUBSCRIBE_LINGER_MS)
    }
    this.recomputeServing()
    for (const subscription of newcomers) this.welcome(subscription)
  }

  /**
   * Which broker subscription serves each wanted filter: one the broker has granted if any (so
   * a filter handed over to a new cover keeps its old one until the new one's SUBACK: no gap),
   * then one still lingering, then one on its way.
   */
  private recomputeServing(changed?: string): void {
    if (changed === undefined) {
      this.serving = new Map()
      this.relevant = new Map()
    }
    const rank = (sub: BrokerSubscription) => (sub.state !== 'active' ? 2 : sub.leaving ? 1 : 0)
    for (const filter of this.wanted.filters()) {
      // A SUBACK or an UNSUBSCRIBE of `changed` only concerns the filters it can deliver.
      if (changed !== undefined && servingFilter(filter, [changed]) === undefined) continue
      const relevant: BrokerSubscription[] = []
      let best: string | undefined
      let bestRank = 3
      for (const [b, sub] of this.broker) {
        if (servingFilter(filter, [b]) === undefined) continue
        relevant.push(sub)
        const r = rank(sub)
        if (r < bestRank || (r === bestRank && b === filter)) ((best = b), (bestRank = r))
      }
      this.relevant.set(filter, relevant)
      if (best === undefined) this.serving.delete(filter)
      else this.serving.set(filter, best)
    }
  }

  private unsubscribeNow(filter: string, sub: BrokerSubscription): void {
    if (this.broker.get(filter) !== sub) return
    this.broker.delete(filter)
    if (this.channel.connected) this.channel.unsubscribe(filter)
    this.recomputeServing(filter)
    this.events.released([...this.broker.keys()])
  }

  /** A newcomer to a filter the broker already serves gets the retained messages it would have got. */
  private welcome(subscription: TabSubscription): void {
    const activeServers = new Set<string>()
    for (const filter of subscription.filters) {
      const server = this.serving.get(filter)
      if (server !== undefined && this.broker.get(server)?.state === 'active') activeServers.add(server)
    }
    if (!this.options.repeatSubscribeForRetained) {
      if (activeServers.size === 0) return // a SUBSCRIBE is on its way; the broker sends them
      this.events.alreadyServed(subscription)
      this.markActive(subscription)
      return
    }
    // MQTT 3.1.1 brokers clear the retain flag on live messages, so no cache can be exact. A repeated
    // SUBSCRIBE makes the broker resend its retained messages with the flag set (3.1.1 section 3.8.4):
    // those go to the newcomers only. A covered filter asks with a SUBSCRIBE of its own (a probe):
    // RabbitMQ replays retained messages for exact filters only, never for the cover's wildcard.
    for (const filter of subscription.filters) {
      const server = this.serving.get(filter)
      if (server === undefined || server === filter) continue
      // A cover on its way brings the retained messages of a wildcard filter, if the broker sends any.
      if (activeServers.has(server) || !hasWildcard(filter)) this.probe(filter, subscription)
    }
    for (const server of activeServers) if (subscription.filters.includes(server)) this.sendSubscribe(server)
  }

  /**
   * MQTT 3.1.1: SUBSCRIBEs a covered filter for the retained messages the broker replays for it, at
   * its cover's QoS (RabbitMQ binds it to the cover's queue: no second copy of live messages meanwhile),
   * and UNSUBSCRIBEs it at its SUBACK, unless it has become a broker subscription of its own. The
   * replay goes to the subscriptions waiting for it; a copy of one they had from the cover's
   * SUBSCRIBE is dropped by the router. `newSession`: the broker forgot every subscription, so its
   * retained messages are for everyone again.
   */
  private probe(filter: string, subscription: TabSubscription, newSession = false): void {
    const waiting = this.probes.get(filter)
    if (waiting) return void waiting.push(subscription)
    const cover = this.broker.get(this.serving.get(filter) ?? '')
    if (!cover || !this.channel.connected) return
    const mine = [subscription]
    this.probes.set(filter, mine)
    if (this.suspects.isSuspect(filter)) this.suspects.hold(() => this.sendProbe(filter, mine, newSession))
    else this.sendProbe(filter, mine, newSession)
  }

  private sendProbe(filter: string, mine: TabSubscription[], newSession: boolean): void {
    const cover = this.broker.get(this.serving.get(filter) ?? '')
    if (!cover || !this.channel.connected || this.probes.get(filter) !== mine) return
    const established: TabSubscription[] = []
    if (!newSession) for (const s of this.held) if (this.activated.has(s) && s.filters.some(f => filtersOverlap(f, filter))) established.push(s)
    this.events.subscribing(established)
    this.suspects.sent(filter)
    this.channel.subscribe(filter, cover.qos, this.nextId++, answer => {
      if (answer === 'lost') return // the next connection probes again
      this.suspects.answered(filter)
      this.probeAnswered(filter, mine, answer, newSession)
      this.suspects.release()
    })
  }

  private probeAnswered(filter: string, mine: TabSubscription[], answer: SubscribeAnswer, newSession: boolean): void {
    if (this.probes.get(filter) !== mine) return
    this.probes.delete(filter)
    if (answer === 'granted' && !this.broker.has(filter) && this.channel.connected) this.channel.unsubscribe(filter)
    // After a new session the covers' replays came before this SUBACK (the broker answers in
    // order): the replay that follows is for the probe's subscriptions, not for those of the covers.
    if (newSession) this.events.subscribing([...this.held].filter(s => this.activated.has(s) && !mine.includes(s) && s.filters.some(f => filtersOverlap(f, filter))))
    const live = mine.filter(s => this.held.has(s))
    for (const s of live) this.markActive(s)
    this.events.granted(live)
  }

  /**
   * `newSession`: the broker forgot every subscription, so its retained messages are for everyone
   * again. A filter whose SUBSCRIBE may have closed a connection waits its turn (`SubscribeSuspects`).
   */
  private sendSubscribe(filter: string, newSession = false, held = false): void {
    const sub = this.broker.get(filter)
    if (!sub || !this.channel.connected) return
    if (!held && this.suspects.isSuspect(filter)) {
      this.suspects.hold(() => this.sendSubscribe(filter, newSession, true))
      return
    }
    sub.state = sub.state === 'active' ? 'active' : 'pending'
    const id = sub.id
    // Subscriptions this filter can deliver to that have had their SUBACK had their retained messages:
    // the broker's answer to this SUBSCRIBE is for the newcomers.
    const established: TabSubscription[] = []
    if (!newSession) for (const wanted of this.wanted.filters()) {
      if (servingFilter(wanted, [filter]) === undefined) continue
      for (const s of this.wanted.values(wanted) ?? []) if (this.activated.has(s)) established.push(s)
    }
    this.events.subscribing(established, true)
    this.suspects.sent(filter)
    this.channel.subscribe(filter, sub.qos, id, answer => {
      if (answer === 'lost') return // resent on reconnect
      this.suspects.answered(filter)
      this.subscribeAnswered(filter, id, answer)
      this.suspects.release()
    })
  }

  private subscribeAnswered(filter: string, id: number, answer: Exclude<SubscribeAnswer, 'lost'>): void {
    const current = this.broker.get(filter)
    if (!current || current.id !== id) return // superseded meanwhile
    if (typeof answer === 'object') {
      this.refuse(filter, refusal(filter, answer.refused))
      return
    }
    current.state = 'active'
    this.recomputeServing(filter)
    this.afterSuback(filter)
  }

  private afterSuback(filter: string): void {
    const served: TabSubscription[] = []
    for (const [wantedFilter, server] of this.serving) {
      if (server !== filter) continue
      for (const s of this.wanted.values(wantedFilter) ?? []) {
        this.markActive(s)
        served.push(s)
      }
    }
    this.events.granted(served)
  }

  private markActive(subscription: TabSubscription): void {
    if (this.activated.has(subscription)) return
    const allActive = subscription.filters.every(f => {
      const s = this.serving.get(f)
      return s !== undefined && this.broker.get(s)?.state === 'active'
    })
    if (!allActive) return
    this.activated.add(subscription)
    this.events.active(subscription)
  }

  private refuse(filter: string, error: PubSubError): void {
    this.broker.delete(filter)
    this.refusedFilters.add(filter)
    for (const subscription of [...(this.wanted.values(filter) ?? [])]) {
      this.remove(subscription, false)
      this.events.refused(subscription, error)
    }
    // Filters the refused one was covering now need SUBSCRIBEs of their own.
    this.reconcileWith([])
  }
}

function maxQos(subscriptions: Iterable<TabSubscription> | undefined): QoS {
  let qos: QoS = 0
  for (const s of subscriptions ?? []) if (s.qos > qos) qos = s.qos
  return qos
}

/** Whether a filter has a wildcard (`+` or `#`): valid filters only have them as whole levels. */
function hasWildcard(filter: string): boolean {
  return filter.includes('+') || filter.includes('#')
}

/** A SUBACK failure as the tabs see it. */
function refusal(filter: string, code: number): PubSubError {
  return new PubSubError(
    code === 0x87 ? 'NOT_AUTHORIZED' : 'SUBSCRIBE_REFUSED',
    `The broker refused the subscription to "${filter}" (reason code 0x${code.toString(16)}): check the broker's access rules for this user.`,
    { details: { filter, reasonCode: code } },
  )
}
