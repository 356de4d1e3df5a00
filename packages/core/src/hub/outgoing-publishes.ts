import { PubSubError } from '../errors.js'
import { OfflineQueue, type QueuedPublish } from './offline-queue.js'
import { CLOSE_ANSWER_MS } from './subscribe-suspects.js'

/**
 * How many times a publish sent alone may be in flight when the connection closes before it is
 * taken for the cause (a broker that closes the connection instead of refusing the publish).
 */
const SOLO_CLOSES_TO_REFUSE = 2

/** What became of one PUBLISH on one connection. */
export type SendOutcome = 'acknowledged' | 'lost' | PubSubError

/**
 * Sends one PUBLISH on the current connection (`dup` when it was sent before) and reports its
 * outcome once: acknowledged (PUBACK/PUBCOMP, or written for QoS 0), lost with the connection, or
 * refused by the broker.
 */
export type Send = (item: QueuedPublish, dup: boolean, done: (outcome: SendOutcome) => void) => void

/** What the publishes tell their connection. */
export interface OutgoingEvents {
  /** The broker acknowledged `item` or refused it: it will not be sent again. */
  final?(item: QueuedPublish): void
  /** The connection went with QoS 1/2 `item` in flight, or before it could be sent: it waits for the next one. */
  lost?(item: QueuedPublish): void
}

interface InFlight {
  item: QueuedPublish
  /** Which send this is, so a late outcome from an earlier connection is ignored. */
  token: number
  /** It holds a place in the send window. */
  windowed?: boolean
  /** When it went out, to tell a close that answered it from one long after. */
  sentAt: number
  /** A suspect, sent with nothing else in flight. */
  alone?: boolean
}

/**
 * How many publishes may await their acknowledgement at once: the broker's receive maximum. A
 * broker over it refuses or drops the publish; Mosquitto drops a publish over its quota while a
 * 3.1.1 client sees a PUBACK or PUBREC as if it had been taken.
 */
export interface SendWindow {
  size: number
  /** `item` holds a place until it is acknowledged. */
  counts(item: QueuedPublish): boolean
  /** `item` goes only while there is room (it may hold none: Mosquitto's quota counts QoS 2 only, but refuses QoS 1 when it is used up). */
  waits(item: QueuedPublish): boolean
}

const NO_WINDOW: SendWindow = { size: Number.POSITIVE_INFINITY, counts: () => false, waits: () => false }

/**
 * The publishes of one connection until the broker acknowledges them. QoS 1 and 2 mean at least
 * once: a publish in flight when the connection dies, also one that died silently and was found by
 * keepalive, goes back to the front of the queue and is sent again (DUP) on the next connection,
 * resolving on that acknowledgement. Publishes made while disconnected wait in the bounded queue.
 * QoS 2 is exactly once as far as MQTT allows: a publish the broker answered with PUBREC is never
 * published again (MQTT 3.1.1 4.3.3); in a kept session (clean: false), the
 * session's unfinished QoS 2 publishes complete in it with their packet ids ({@link resume}).
 *
 * @example
 * const outgoing = new OutgoingPublishes(1000)
 * outgoing.publish(item, send)   // send now; outgoing.queue(item) while disconnected
 * outgoing.disconnected()        // in-flight QoS 1/2 go back to the queue
 * outgoing.connected(send)       // sent again, then the queued ones
 */
export class OutgoingPublishes {
  private readonly waiting: OfflineQueue
  private readonly inFlight = new Set<InFlight>()
  /** Lost in flight, in the order they were first sent: they go out again before the queue. */
  private lostInFlight: InFlight[] = []
  /** Items sent before (on a connection that died): sent again with DUP. */
  private readonly resent = new WeakSet<QueuedPublish>()
  private nextToken = 1
  /** To send on this connection, in order, as the window lets them. */
  private held: QueuedPublish[] = []
  private window = NO_WINDOW
  private inWindow = 0
  private send: Send | undefined
  /**
   * Suspects: publishes that were the oldest in flight when a connection closed soon after they
   * went out. RabbitMQ answers a PUBLISH the user may not make by closing the connection (MQTT
   * 3.1.1 has no refusal): sent again on every reconnect, it would cut every tab sharing the
   * connection off again and again. A suspect goes alone, once nothing else is in flight; in
   * flight alone at {@link SOLO_CLOSES_TO_REFUSE} closes, it is refused for the tab that made it.
   * A broker restart rarely lands in the milliseconds a suspect is alone in flight twice.
   */
  private readonly suspects = new WeakMap<QueuedPublish, { soloCloses: number }>()
  /** Whether a suspect may go now: nothing else of the connection's (SUBSCRIBEs) waits for an answer. */
  private mayGoAlone: () => boolean = () => true
  /** The suspect last sent alone: while it is in flight nothing else goes (at most one at a time). */
  private soloEntry: InFlight | undefined

  constructor(
    maxQueued: number,
    private readonly events: OutgoingEvents = {},
  ) {
    this.waiting = new OfflineQueue(maxQueued)
  }

  /** Publishes waiting to be sent: for a connection (those lost in flight included), or for room in the send window. */
  get queued(): number {
    return this.lostInFlight.length + this.held.length + this.waiting.size
  }

  /** Publishes sent and not yet acknowledged. */
  get unacknowledged(): number {
    return this.inFlight.size
  }

  /** Queues a publish for the next connection; false (and the item rejected with QUEUE_FULL) when the queue is full. */
  queue(item: QueuedPublish): boolean {
    return this.waiting.push(item)
  }

  /**
   * Publishes kept from an earlier life (the durable outbox, after a reload): older than anything
   * held here, they go first on the next connection, outside the queue's bound (they are not dropped).
   */
  restore(items: QueuedPublish[]): void {
    for (const item of items) if (item.sent) this.resent.add(item)
    this.lostInFlight = [...items.map(item => ({ item, token: 0, sentAt: 0 })), ...this.lostInFlight]
  }

  /** A suspect goes alone only when `gate` says nothing else of the connection waits for an answer. */
  aloneWhen(gate: () => boolean): void {
    this.mayGoAlone = gate
  }

  /** The connection's other traffic went quiet: a suspect held back may go. */
  nudge(): void {
    this.pump()
  }

  /** Sends a publish on the connection `send` writes to, in order after those waiting for room in the window. */
  publish(item: QueuedPublish, send: Send): void {
    this.send = send
    this.held.push(item)
    this.pump()
  }

  /** Sends what the window has room for, in order; a suspect alone. */
  private pump(): void {
    const send = this.send
    while (send && this.held.length > 0) {
      const item = this.held[0]!
      const alone = this.suspects.has(item)
      if (alone ? this.inFlight.size > 0 || !this.mayGoAlone() : this.soloEntry !== undefined && this.inFlight.has(this.soloEntry)) return
      if (this.window.waits(item) && this.inWindow >= this.window.size) return
      const windowed = this.window.counts(item)
      this.held.shift()
      const entry: InFlight = { item, token: this.nextToken++, windowed, sentAt: Date.now(), alone }
      if (alone) this.soloEntry = entry
      if (windowed) this.inWindow++
      this.inFlight.add(entry)
      send(item, this.resent.has(item), outcome => this.settle(entry, outcome))
    }
  }

  /** Lost QoS 2 publishes the MQTT session of `clientId` holds, in order: they complete in it with their packet ids. */
  resumable(clientId: string): QueuedPublish[] {
    return this.lostInFlight.filter(e => e.item.sent?.clientId === clientId).map(e => e.item)
  }

  /** `item` goes out again in its kept session (same packet id); returns where its outcome goes. */
  resume(item: QueuedPublish): (outcome: SendOutcome) => void {
    this.lostInFlight = this.lostInFlight.filter(e => e.item !== item)
    const entry: InFlight = { item, token: this.nextToken++, sentAt: Date.now() }
    this.inFlight.add(entry)
    return outcome => this.settle(entry, outcome)
  }

  /**
   * A connection is up: what was lost in flight goes first, in its order, then what was queued. A
   * QoS 2 publish the broker had answered with PUBREC is not published again: the broker owns it,
   * and the session that could have completed it is gone (a kept session resumed it already).
   */
  connected(send: Send, window?: SendWindow): void {
    this.send = send
    if (window) this.window = window
    const again = this.lostInFlight
    this.lostInFlight = []
    const resend: QueuedPublish[] = []
    for (const { item } of again) {
      if (item.released) this.finish(item, 'acknowledged')
      else resend.push(item)
    }
    this.held = [...resend, ...this.held, ...this.waiting.drain()]
    this.pump()
  }

  /** The connection is gone: unacknowledged publishes wait for the next one, in the order they were sent. */
  disconnected(): void {
    this.send = undefined
    const unacknowledged = [...this.inFlight]
    this.inFlight.clear()
    this.inWindow = 0
    const cause = this.suspectOf(unacknowledged)
    for (const entry of unacknowledged) {
      if (entry === cause) this.finish(entry.item, this.refusal(entry.item))
      else this.lost(entry)
    }
    // Never sent, they wait for the next connection; QoS 0 promises nothing and is not sent late.
    this.held = this.held.filter(item => {
      const waits = (item.options.qos ?? 0) > 0
      if (waits) this.events.lost?.(item)
      else this.lostQos0(item)
      return waits
    })
  }

  /** Rejects every publish not yet acknowledged (the connection closed, or its login was refused). */
  rejectAll(error: PubSubError): void {
    const all = [...[...this.inFlight, ...this.lostInFlight].map(e => e.item), ...this.held]
    this.inFlight.clear()
    this.inWindow = 0
    this.lostInFlight = []
    this.held = []
    for (const item of all) item.reject(error)
    this.waiting.rejectAll(error)
  }

  /**
   * The oldest QoS 1/2 publish in flight, if it went out shortly before the close, becomes a
   * suspect; returned when that settles it: it was alone in flight at enough closes.
   */
  private suspectOf(unacknowledged: InFlight[]): InFlight | undefined {
    let oldest: InFlight | undefined
    for (const e of unacknowledged) if ((e.item.options.qos ?? 0) > 0 && (!oldest || e.token < oldest.token)) oldest = e
    if (!oldest || Date.now() - oldest.sentAt > CLOSE_ANSWER_MS) return undefined
    const suspect = this.suspects.get(oldest.item) ?? { soloCloses: 0 }
    this.suspects.set(oldest.item, suspect)
    if (oldest.alone && ++suspect.soloCloses >= SOLO_CLOSES_TO_REFUSE) return oldest
    return undefined
  }

  private refusal(item: QueuedPublish): PubSubError {
    return new PubSubError(
      'PUBLISH_REFUSED',
      `The broker closed the connection each time the publish to "${item.topic}" was sent alone: it is likely not allowed (RabbitMQ answers a publish the user may not make this way). Check the broker's access rules for this user.`,
      { details: { topic: item.topic } },
    )
  }

  private settle(entry: InFlight, outcome: SendOutcome): void {
    if (!this.inFlight.has(entry)) return // settled already: requeued at a disconnect, or rejected
    this.inFlight.delete(entry)
    if (entry.windowed) this.inWindow--
    if (outcome === 'lost') this.lost(entry)
    else this.finish(entry.item, outcome)
    this.pump()
  }

  private finish(item: QueuedPublish, outcome: 'acknowledged' | PubSubError): void {
    this.suspects.delete(item)
    this.events.final?.(item)
    if (outcome === 'acknowledged') item.resolve()
    else item.reject(outcome)
  }

  /** QoS 0 promises nothing: say so rather than send it late. */
  private lostQos0(item: QueuedPublish): void {
    item.reject(new PubSubError('CLOSED', `The connection closed before the QoS 0 publish to "${item.topic}" was sent.`, { details: { topic: item.topic } }))
  }

  private lost(entry: InFlight): void {
    const { item } = entry
    if ((item.options.qos ?? 0) === 0) {
      this.lostQos0(item)
      return
    }
    this.resent.add(item)
    const at = this.lostInFlight.findIndex(e => e.token > entry.token)
    this.lostInFlight.splice(at < 0 ? this.lostInFlight.length : at, 0, entry)
    this.events.lost?.(item)
  }
}
