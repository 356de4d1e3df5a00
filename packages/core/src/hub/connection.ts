import { PubSubError, toPubSubError } from '../errors.js'
import type { WireMessage } from '../protocol.js'
import { FilterIndex, matchTopic } from '../topics/index.js'
import type { ConnectionStateData, ConnectionStats, OfflineQueueOptions, PublishOptions, QoS, ReconnectOptions } from '../types.js'
import { backoffDelay } from './backoff.js'
import { desiredBrokerFilters, servingFilter } from './broker-filters.js'
import { createMqttClient, type MqttClient } from './mqtt-client.js'
import { connackError, isAuthFailure, publishError, transportError } from './mqtt-errors.js'
import { OfflineQueue } from './offline-queue.js'
import type { ResolvedProvider } from './provider.js'
import { fromPacketProperties, toBuffer, toPacketProperties } from './publish-properties.js'
import { RetainedCache } from './retained-cache.js'
import type { Observer, Session } from './session.js'

/** How long after a SUBACK retained messages (MQTT 3.1.1) still count as the answer to it. */
const RETAINED_WINDOW_MS = 1000

/**
 * How long a filter nobody wants stays subscribed: an unsubscribe followed at once by a subscribe
 * (React StrictMode, a route change, a page reload) must not cost the broker UNSUBSCRIBE + SUBSCRIBE.
 */
const UNSUBSCRIBE_LINGER_MS = 250

interface BrokerSub {
  qos: QoS
  /** unsent: waits for a connection; pending: SUBSCRIBE sent; active: SUBACK granted. */
  state: 'unsent' | 'pending' | 'active'
  /** MQTT 5 subscription identifier, to route each copy the broker sends exactly once. */
  id: number
  /** Set while the filter lingers before its UNSUBSCRIBE. */
  leaving?: ReturnType<typeof setTimeout> | undefined
}

export interface ConnectionOptions {
  reconnect?: ReconnectOptions | undefined
  offline?: OfflineQueueOptions | undefined
  onEmpty(connection: Connection): void
}

/**
 * One broker connection, shared by every session with the same identity key: the mqtt.js client,
 * reference-counted filters, the retained cache, the offline queue and the reconnect loop.
 */
export class Connection {
  readonly sessions = new Set<Session>()
  private readonly observers = new FilterIndex<Observer>()
  private readonly broker = new Map<string, BrokerSub>()
  /** Wanted filter → the broker filter serving it. */
  private serving = new Map<string, string>()
  /** Wanted filter → every broker subscription that can deliver it (MQTT 5 copy routing). */
  private relevant = new Map<string, BrokerSub[]>()
  private readonly refused = new Set<string>()
  private readonly cache = new RetainedCache()
  private readonly queue: OfflineQueue
  private client: MqttClient | undefined
  private url = ''
  private state: ConnectionStateData = { status: 'idle', attempt: 0 }
  private lastError: PubSubError | undefined
  private authRefused = false
  private closing = false
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private seq = 0
  private nextSubId = 1
  private maxPacketSize = 268_435_455
  messagesIn = 0

  constructor(
    public provider: ResolvedProvider,
    private readonly options: ConnectionOptions,
  ) {
    this.queue = new OfflineQueue(options.offline?.maxSize ?? 1000)
  }

  get key(): string {
    return this.provider.key
  }

  get currentState(): ConnectionStateData {
    return this.state
  }

  private get v5(): boolean {
    return this.provider.protocolVersion === 5
  }

  // --- sessions -----------------------------------------------------------------------------

  attach(session: Session): void {
    this.sessions.add(session)
    if (this.state.status === 'idle') void this.connectAttempt()
  }

  detach(session: Session): void {
    for (const observer of session.observers.values()) this.removeObserver(observer, false)
    session.observers.clear()
    this.sessions.delete(session)
    this.reconcile([])
    if (this.sessions.size === 0) {
      void this.close()
      this.options.onEmpty(this)
    }
  }

  // --- lifecycle ----------------------------------------------------------------------------

  private setState(status: ConnectionStateData['status'], attempt = this.state.attempt): void {
    this.state = { status, attempt, ...(this.lastError ? { error: this.lastError.toJSON() } : {}) }
    for (const session of this.sessions) session.push({ t: 'state', state: this.state })
  }

  private async connectAttempt(): Promise<void> {
    this.reconnectTimer = undefined
    if (this.closing) return
    this.setState(this.state.attempt === 0 ? 'connecting' : 'reconnecting')
    let target
    try {
      target = await this.provider.prepare()
    } catch (error) {
      this.lastError = toPubSubError(error, 'PROVIDER_ERROR')
      this.scheduleReconnect()
      return
    }
    if (this.closing) return
    this.url = target.url
    this.authRefused = false
    this.sawConnect = false
    if (!this.client) {
      this.client = createMqttClient(target.url, {
        connectTimeout: 10_000,
        ...target.options,
        clientId: this.provider.clientId,
        protocolVersion: this.provider.protocolVersion,
        // mqtt.js asks for the URL on every (re)connect; keep it the freshly prepared one.
        transformWsUrl: () => this.url,
      })
      this.attachHandlers(this.client)
      this.client.connect()
    } else {
      Object.assign(this.client.options, target.options)
      this.client.reconnect()
    }
  }

  private sawConnect = false

  private attachHandlers(client: MqttClient): void {
    client.on('connect', connack => {
      this.sawConnect = true
      this.lastError = undefined
      const max = connack.properties?.maximumPacketSize
      if (typeof max === 'number') this.maxPacketSize = max
      this.setState('connected', 0)
      this.resubscribe(Boolean(connack.sessionPresent))
      for (const item of this.queue.drain()) this.send(item.topic, item.payload, item.options).then(item.resolve, item.reject)
    })
    client.on('message', (topic, payload, packet) => this.route(topic, payload, packet))
    client.on('error', error => {
      const code = (error as { code?: unknown }).code
      this.recordError(typeof code === 'number' ? connackError(code, this.provider.protocolVersion) : transportError(error))
    })
    client.on('close', () => this.onClose())
  }

  /** Keeps a connection failure, in the provider's words where it has better ones. */
  private recordError(error: PubSubError): void {
    const explained = this.provider.explainError ? this.provider.explainError(error) : error
    this.lastError = explained
    if ((isAuthFailure(error) || isAuthFailure(explained)) && !this.provider.retryAuthFailures) this.authRefused = true
  }

  private onClose(): void {
    for (const sub of this.broker.values()) sub.state = 'unsent'
    if (this.closing) return
    if (!this.sawConnect && !this.lastError) {
      // Also what a refused WebSocket upgrade looks like: mqtt.js drops the HTTP status.
      this.recordError(new PubSubError('UNREACHABLE', 'The broker did not complete the connection (no CONNACK): check the URL, the path (often /mqtt) and that it speaks MQTT over WebSocket.'))
    }
    if (this.authRefused) {
      // Retrying a refused login only hammers the broker: stop and show it.
      this.setState('offline', this.state.attempt)
      this.queue.rejectAll(this.lastError ?? new PubSubError('NOT_AUTHORIZED', 'The broker refused the login.'))
      return
    }
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return
    const attempt = this.state.attempt + 1
    this.setState('reconnecting', attempt)
    this.reconnectTimer = setTimeout(() => void this.connectAttempt(), backoffDelay(attempt, this.options.reconnect))
  }

  /** The network came back (the browser's `online` event): skip the rest of the backoff. */
  kick(): void {
    if (!this.reconnectTimer || this.closing) return
    clearTimeout(this.reconnectTimer)
    void this.connectAttempt()
  }

  /**
   * A tab opens this identity with fresh settings (a corrected password) while the login stands
   * refused: try again with them instead of leaving every tab on the refusal.
   */
  retryWith(provider: ResolvedProvider): boolean {
    if (this.state.status !== 'offline' || !this.authRefused || this.closing) return false
    this.provider.dispose?.()
    this.provider = provider
    this.authRefused = false
    this.state = { status: this.state.status, attempt: 0 }
    void this.connectAttempt()
    return true
  }

  /** Ends the connection for good: queued publishes reject with CLOSED. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.reconcileTimer)
    for (const sub of this.broker.values()) clearTimeout(sub.leaving)
    this.queue.rejectAll(new PubSubError('CLOSED', 'The connection was closed before the publish was sent.'))
    this.provider.dispose?.()
    this.setState('closed')
    const client = this.client
    if (client) await new Promise<void>(resolve => client.end(true, {}, () => resolve()))
  }

  // --- subscriptions ------------------------------------------------------------------------

  /** Adds a subscription; validation errors throw, broker refusals arrive on the session's port. */
  addObserver(observer: Observer): void {
    for (const filter of observer.filters) this.provider.checkSubscribe?.(filter, observer.qos)
    for (const filter of observer.filters) this.observers.add(filter, observer)
    observer.session.observers.set(observer.subId, observer)
    observer.awaitingRetained = true
    this.scheduleReconcile(observer)
  }

  removeObserver(observer: Observer, reconcile = true): void {
    for (const filter of observer.filters) this.observers.delete(filter, observer)
    observer.session.observers.delete(observer.subId)
    if (reconcile) this.scheduleReconcile()
  }

  private reconcileTimer: ReturnType<typeof setTimeout> | undefined
  private newcomers: Observer[] = []

  /**
   * Reconciles once for every subscribe and unsubscribe of a tick: a dashboard that opens a
   * thousand subscriptions at once costs one pass over the filters, not a thousand.
   */
  private scheduleReconcile(newcomer?: Observer): void {
    if (newcomer) this.newcomers.push(newcomer)
    this.reconcileTimer ??= setTimeout(() => this.reconcileNow(), 0)
  }

  private reconcileNow(): void {
    clearTimeout(this.reconcileTimer)
    this.reconcileTimer = undefined
    const newcomers = this.newcomers.filter(o => o.session.observers.get(o.subId) === o)
    this.newcomers = []
    if (!this.closing) this.reconcile(newcomers)
  }

  /** Brings the broker's subscriptions in line with what observers want, then serves newcomers their retained messages. */
  private reconcile(newcomers: Observer[]): void {
    const wanted = new Map<string, QoS>()
    for (const filter of this.observers.filters()) {
      let qos: QoS = 0
      for (const o of this.observers.values(filter) ?? []) if (o.qos > qos) qos = o.qos
      wanted.set(filter, qos)
    }
    for (const f of this.refused) if (!wanted.has(f)) this.refused.delete(f)
    const desired = desiredBrokerFilters(wanted, this.refused)
    // Subscribe before unsubscribing, so a filter handed from a covering one to itself has no gap.
    for (const [filter, qos] of desired) {
      const sub = this.broker.get(filter)
      if (sub?.leaving && sub.qos >= qos) {
        clearTimeout(sub.leaving)
        sub.leaving = undefined
      } else if (!sub || sub.qos < qos) {
        if (sub?.leaving) clearTimeout(sub.leaving)
        this.broker.set(filter, { qos, state: 'unsent', id: this.nextSubId++ })
        this.sendSubscribe(filter)
      }
    }
    for (const [filter, sub] of this.broker) {
      if (desired.has(filter) || sub.leaving) continue
      sub.leaving = setTimeout(() => this.unsubscribeNow(filter, sub), UNSUBSCRIBE_LINGER_MS)
    }
    this.recomputeServing()
    for (const observer of newcomers) this.serveRetained(observer)
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
    const rank = (sub: BrokerSub) => (sub.state !== 'active' ? 2 : sub.leaving ? 1 : 0)
    for (const filter of this.observers.filters()) {
      // A SUBACK or an UNSUBSCRIBE of `changed` only concerns the filters it can deliver.
      if (changed !== undefined && servingFilter(filter, [changed]) === undefined) continue
      // Every broker subscription that can deliver this filter's messages (itself or a cover).
      const relevant: BrokerSub[] = []
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

  private unsubscribeNow(filter: string, sub: BrokerSub): void {
    if (this.broker.get(filter) !== sub) return
    this.broker.delete(filter)
    if (this.client?.connected) this.client.unsubscribe(filter)
    this.recomputeServing(filter)
    this.cache.prune(topic => [...this.broker.keys()].some(f => matchTopic(f, topic)))
  }

  /** A newcomer to a filter the broker already serves gets the retained messages it would have got. */
  private serveRetained(observer: Observer): void {
    const activeServers = new Set<string>()
    for (const filter of observer.filters) {
      const server = this.serving.get(filter)
      if (server !== undefined && this.broker.get(server)?.state === 'active') activeServers.add(server)
    }
    if (activeServers.size === 0) return // a SUBSCRIBE is on its way; the broker sends them
    if (this.v5) {
      // MQTT 5 with Retain As Published keeps the cache exact: answer from it, no round trip.
      for (const m of this.cache.matching(observer.filters)) observer.session.enqueue(observer.subId, ++this.seq, m)
      observer.awaitingRetained = false
      this.markActive(observer)
      return
    }
    // MQTT 3.1.1 brokers clear the retain flag on live messages, so no cache can be exact. A repeated
    // SUBSCRIBE makes the broker resend its retained messages with the flag set (3.1.1 section 3.8.4):
    // those go to the newcomers only.
    for (const server of activeServers) this.sendSubscribe(server)
  }

  private sendSubscribe(filter: string): void {
    const sub = this.broker.get(filter)
    const client = this.client
    if (!sub || !client?.connected) return
    sub.state = sub.state === 'active' ? 'active' : 'pending'
    const id = sub.id
    // Observers this filter can deliver to that have had their SUBACK had their retained messages:
    // the broker's answer to this SUBSCRIBE is for the newcomers.
    for (const wanted of this.observers.filters()) {
      if (servingFilter(wanted, [filter]) === undefined) continue
      for (const o of this.observers.values(wanted) ?? []) if (this.activeObservers.has(o)) o.awaitingRetained = false
    }
    const options = this.v5 ? { qos: sub.qos, rap: true, properties: { subscriptionIdentifier: id } } : { qos: sub.qos }
    client.subscribe(filter, options, (error, granted) => {
      const current = this.broker.get(filter)
      if (!current || current.id !== id) return // superseded meanwhile
      // mqtt.js reports a refusal as an error carrying the SUBACK packet with its return codes.
      const returned = (error as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0]
      const code = typeof returned === 'number' ? returned : granted?.[0]?.qos
      if (typeof code === 'number' && code >= 0x80) return this.refuse(filter, code)
      if (error) return // lost with the connection; resent on reconnect
      current.state = 'active'
      this.recomputeServing(filter)
      this.afterSuback(filter)
    })
  }

  private afterSuback(filter: string): void {
    const waiting: Observer[] = []
    for (const [wantedFilter, server] of this.serving) {
      if (server !== filter) continue
      for (const o of this.observers.values(wantedFilter) ?? []) {
        this.markActive(o)
        if (o.awaitingRetained) waiting.push(o)
      }
    }
    if (waiting.length) setTimeout(() => waiting.forEach(o => (o.awaitingRetained = false)), RETAINED_WINDOW_MS)
  }

  private readonly activeObservers = new WeakSet<Observer>()

  private markActive(observer: Observer): void {
    if (this.activeObservers.has(observer)) return
    const allActive = observer.filters.every(f => {
      const s = this.serving.get(f)
      return s !== undefined && this.broker.get(s)?.state === 'active'
    })
    if (!allActive) return
    this.activeObservers.add(observer)
    observer.session.push({ t: 'sub', subId: observer.subId, status: 'active' })
  }

  private refuse(filter: string, code: number): void {
    this.broker.delete(filter)
    this.refused.add(filter)
    const error = new PubSubError(
      code === 0x87 ? 'NOT_AUTHORIZED' : 'SUBSCRIBE_REFUSED',
      `The broker refused the subscription to "${filter}" (reason code 0x${code.toString(16)}): check the broker's access rules for this user.`,
      { details: { filter, reasonCode: code } },
    )
    for (const observer of [...(this.observers.values(filter) ?? [])]) {
      this.removeObserver(observer, false)
      observer.session.push({ t: 'sub', subId: observer.subId, status: 'error', error: error.toJSON() })
    }
    // Filters the refused one was covering now need SUBSCRIBEs of their own.
    this.reconcile([])
  }

  private resubscribe(sessionPresent: boolean): void {
    if (!sessionPresent && !this.v5) {
      // The broker will resend retained messages: let every observer take them, as a lone client would.
      for (const f of this.observers.filters()) for (const o of this.observers.values(f) ?? []) o.awaitingRetained = true
    }
    for (const [filter, sub] of this.broker) {
      if (sub.leaving) {
        if (!sessionPresent) (clearTimeout(sub.leaving), this.broker.delete(filter)) // gone with the session anyway
      } else if (!sessionPresent || sub.state === 'unsent') this.sendSubscribe(filter)
    }
  }

  // --- deliveries ---------------------------------------------------------------------------

  private route(topic: string, payload: Uint8Array, packet: { qos: QoS; retain: boolean; properties?: Record<string, unknown> }): void {
    this.messagesIn++
    const seq = ++this.seq
    const properties = this.v5 ? fromPacketProperties(packet.properties) : undefined
    // One exact-size copy per message: a Buffer view would clone its whole backing buffer.
    const message: Omit<WireMessage, 's'> = { topic, payload: new Uint8Array(payload), qos: packet.qos, retain: packet.retain }
    if (properties) message.properties = properties
    if (this.v5 && packet.retain) this.cache.put(message)
    const retainedReplay = !this.v5 && packet.retain
    const ids = this.v5 ? (packet.properties?.subscriptionIdentifier as number | number[] | undefined) : undefined
    this.observers.match(topic, (_filter, set) => {
      for (const observer of set) {
        if (observer.lastSeq === seq) continue
        if (retainedReplay && !observer.awaitingRetained) continue
        if (ids !== undefined && !this.isCanonicalCopy(observer, topic, ids)) continue
        observer.lastSeq = seq
        observer.session.enqueue(observer.subId, seq, message)
      }
    })
  }

  /**
   * A broker may send one copy per matching subscription (Mosquitto does on MQTT 5). Each copy
   * names its subscriptions, and an observer takes the copy of one granted subscription only: the
   * oldest, so a filter handed over to a new cover neither misses nor repeats messages; or, while
   * it waits for its retained messages, the newest, whose SUBSCRIBE brings them.
   */
  private isCanonicalCopy(observer: Observer, topic: string, ids: number | number[]): boolean {
    // Brokers may send a SUBSCRIBE's retained messages before its SUBACK: a subscription on its way
    // counts, after the granted ones for an established observer.
    let pick: BrokerSub | undefined
    const better = (a: BrokerSub, b: BrokerSub) =>
      observer.awaitingRetained ? a.id > b.id : a.state === 'active' && b.state !== 'active' ? true : a.state !== 'active' && b.state === 'active' ? false : a.id < b.id
    for (const filter of observer.filters) {
      if (!matchTopic(filter, topic)) continue
      for (const sub of this.relevant.get(filter) ?? []) {
        if (sub.state === 'unsent') continue
        if (!pick || better(sub, pick)) pick = sub
      }
    }
    return pick !== undefined && (Array.isArray(ids) ? ids.includes(pick.id) : ids === pick.id)
  }

  // --- publish ------------------------------------------------------------------------------

  publish(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    const checked = this.provider.checkPublish ? this.provider.checkPublish(topic, payload, options) : options
    if (payload.byteLength > this.maxPacketSize) {
      return Promise.reject(new PubSubError('PAYLOAD_TOO_LARGE', `The payload (${payload.byteLength} bytes) is over the broker's maximum packet size (${this.maxPacketSize} bytes).`, { details: { topic } }))
    }
    if (this.closing) return Promise.reject(new PubSubError('CLOSED', 'The connection is closed.'))
    if (this.client?.connected) return this.send(topic, payload, checked)
    if (this.authRefused) return Promise.reject(this.lastError ?? new PubSubError('NOT_AUTHORIZED', 'The broker refused the login.'))
    const qos = checked.qos ?? 0
    if (qos === 0 && !this.options.offline?.qos0) {
      return Promise.reject(new PubSubError('NOT_CONNECTED', `Not connected, so the QoS 0 publish to "${topic}" was dropped: use QoS 1 to have it queued, or set offline.qos0.`, { details: { topic } }))
    }
    return new Promise((resolve, reject) => this.queue.push({ topic, payload, options: checked, resolve, reject }))
  }

  private send(topic: string, payload: Uint8Array, options: PublishOptions): Promise<void> {
    const client = this.client
    if (!client) return Promise.reject(new PubSubError('CLOSED', 'The connection is closed.'))
    const properties = this.v5 ? toPacketProperties(options.properties) : undefined
    return new Promise((resolve, reject) => {
      client.publish(topic, toBuffer(payload) as never, { qos: options.qos ?? 0, retain: options.retain ?? false, ...(properties ? { properties } : {}) }, error => {
        if (!error) return resolve()
        const code = (error as { code?: unknown }).code
        reject(typeof code === 'number' ? publishError(code, topic) : new PubSubError('CLOSED', `The publish to "${topic}" was not acknowledged: ${error.message}.`, { details: { topic } }))
      })
    })
  }

  // --- stats --------------------------------------------------------------------------------

  stats(): ConnectionStats {
    // Report what the broker is asked for, not a moment before the tick's reconcile.
    if (this.reconcileTimer) this.reconcileNow()
    const filters: ConnectionStats['filters'] = []
    for (const filter of this.observers.filters()) {
      const set = this.observers.values(filter)
      let qos: QoS = 0
      for (const o of set ?? []) if (o.qos > qos) qos = o.qos
      filters.push({ filter, refs: set?.size ?? 0, qos })
    }
    let messagesOut = 0
    for (const s of this.sessions) messagesOut += s.messagesOut
    return {
      key: this.key,
      clientId: this.provider.clientId,
      status: this.state.status,
      tabs: this.sessions.size,
      filters,
      brokerFilters: [...this.broker].map(([filter, s]) => ({ filter, qos: s.qos, state: s.leaving ? 'leaving' : s.state === 'active' ? 'active' : 'pending' })),
      retainedCached: this.cache.size,
      messagesIn: this.messagesIn,
      messagesOut,
      queuedPublishes: this.queue.size,
    }
  }
}
