import { PubSubError } from '../errors.js'
import { OfflineQueue, type QueuedPublish } from './offline-queue.js'

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
  /** QoS 1/2 `item` was lost in flight with the connection: it waits for the next one. */
  lost?(item: QueuedPublish): void
}

interface InFlight {
  item: QueuedPublish
  /** Which send this is, so a late outcome from an earlier connection is ignored. */
  token: number
}

/**
 * The publishes of one connection until the broker acknowledges them. QoS 1 and 2 mean at least
 * once: a publish in flight when the connection dies, also one that died silently and was found by
 * keepalive, goes back to the front of the queue and is sent again (DUP) on the next connection,
 * resolving on that acknowledgement. Publishes made while disconnected wait in the bounded queue.
 * QoS 2 is exactly once as far as MQTT allows: a publish the broker answered with PUBREC is never
 * published again (MQTT 3.1.1 4.3.3); when the broker kept the session (clean: false), the
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

  constructor(
    maxQueued: number,
    private readonly events: OutgoingEvents = {},
  ) {
    this.waiting = new OfflineQueue(maxQueued)
  }

  /** Publishes waiting for a connection (including those lost in flight). */
  get queued(): number {
    return this.lostInFlight.length + this.waiting.size
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
    this.lostInFlight = [...items.map(item => ({ item, token: 0 })), ...this.lostInFlight]
  }

  /** Sends a publish on the connection `send` writes to. */
  publish(item: QueuedPublish, send: Send): void {
    const entry: InFlight = { item, token: this.nextToken++ }
    this.inFlight.add(entry)
    send(item, this.resent.has(item), outcome => this.settle(entry, outcome))
  }

  /** Lost QoS 2 publishes the MQTT session of `clientId` holds, in order: the broker can complete them if it kept the session. */
  resumable(clientId: string): QueuedPublish[] {
    return this.lostInFlight.filter(e => e.item.sent?.clientId === clientId).map(e => e.item)
  }

  /** The broker kept the session and `item` goes out again in it (same packet id); returns where its outcome goes. */
  resume(item: QueuedPublish): (outcome: SendOutcome) => void {
    this.lostInFlight = this.lostInFlight.filter(e => e.item !== item)
    const entry: InFlight = { item, token: this.nextToken++ }
    this.inFlight.add(entry)
    return outcome => this.settle(entry, outcome)
  }

  /**
   * A connection is up: what was lost in flight goes first, in its order, then what was queued. A
   * QoS 2 publish the broker had answered with PUBREC is not published again: the broker owns it,
   * and the session that could have completed it is gone (a kept session resumed it already).
   */
  connected(send: Send): void {
    const again = this.lostInFlight
    this.lostInFlight = []
    for (const { item } of again) {
      if (item.released) this.finish(item, 'acknowledged')
      else this.publish(item, send)
    }
    for (const item of this.waiting.drain()) this.publish(item, send)
  }

  /** The connection is gone: unacknowledged publishes wait for the next one, in the order they were sent. */
  disconnected(): void {
    const unacknowledged = [...this.inFlight]
    this.inFlight.clear()
    for (const entry of unacknowledged) this.lost(entry)
  }

  /** Rejects every publish not yet acknowledged (the connection closed, or its login was refused). */
  rejectAll(error: PubSubError): void {
    const all = [...this.inFlight, ...this.lostInFlight].map(e => e.item)
    this.inFlight.clear()
    this.lostInFlight = []
    for (const item of all) item.reject(error)
    this.waiting.rejectAll(error)
  }

  private settle(entry: InFlight, outcome: SendOutcome): void {
    if (!this.inFlight.has(entry)) return // settled already: requeued at a disconnect, or rejected
    this.inFlight.delete(entry)
    if (outcome === 'lost') this.lost(entry)
    else this.finish(entry.item, outcome)
  }

  private finish(item: QueuedPublish, outcome: 'acknowledged' | PubSubError): void {
    this.events.final?.(item)
    if (outcome === 'acknowledged') item.resolve()
    else item.reject(outcome)
  }

  private lost(entry: InFlight): void {
    const { item } = entry
    if ((item.options.qos ?? 0) === 0) {
      // QoS 0 promises nothing: say so rather than send it late.
      item.reject(new PubSubError('CLOSED', `The connection closed before the QoS 0 publish to "${item.topic}" was sent.`, { details: { topic: item.topic } }))
      return
    }
    this.resent.add(item)
    const at = this.lostInFlight.findIndex(e => e.token > entry.token)
    this.lostInFlight.splice(at < 0 ? this.lostInFlight.length : at, 0, entry)
    this.events.lost?.(item)
  }
}
