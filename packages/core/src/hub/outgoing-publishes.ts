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

  constructor(maxQueued: number) {
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

  /** Queues a publish for the next connection; rejects with QUEUE_FULL when the queue is full. */
  queue(item: QueuedPublish): void {
    this.waiting.push(item)
  }

  /** Sends a publish on the connection `send` writes to. */
  publish(item: QueuedPublish, send: Send): void {
    const entry: InFlight = { item, token: this.nextToken++ }
    this.inFlight.add(entry)
    send(item, this.resent.has(item), outcome => {
      if (!this.inFlight.has(entry)) return // settled already: requeued at a disconnect, or rejected
      this.inFlight.delete(entry)
      if (outcome === 'acknowledged') item.resolve()
      else if (outcome !== 'lost') item.reject(outcome)
      else this.lost(entry)
    })
  }

  /** A connection is up: what was lost in flight goes first, in its order, then what was queued. */
  connected(send: Send): void {
    const again = this.lostInFlight
    this.lostInFlight = []
    for (const { item } of again) this.publish(item, send)
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
  }
}
