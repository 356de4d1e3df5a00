import type { DeliveryTarget, RoutedMessage, TabEvent, WireMessage } from '../protocol.js'
import { decodeOnce, textOf } from './decode-once.js'
import type { TabSubscription } from './tab-subscription.js'

/**
 * The hub's end of one tab's client (the protocol's `sessionId`; no MQTT session): its delivery
 * port, its subscriptions and the functions it lends the providers. Deliveries are batched: one
 * postMessage per tab per tick, whatever the message rate.
 */
export class TabLink {
  readonly subscriptions = new Map<number, TabSubscription>()
  private batch: WireMessage[] = []
  private scheduled = false
  private lastSeq = -1
  private lastEntry: WireMessage | undefined
  messagesOut = 0

  constructor(
    readonly id: string,
    private readonly target: DeliveryTarget,
    readonly functions: Record<string, (...args: never[]) => unknown> | undefined,
  ) {}

  /**
   * Queues message `seq` for `subscription`; one entry per message lists all its subscriptions and
   * carries the payload decoded for each codec they use.
   */
  enqueue(subscription: TabSubscription, seq: number, message: RoutedMessage): void {
    let entry = this.lastEntry
    if (seq === this.lastSeq && entry) entry.s.push(subscription.subId)
    else {
      const text = textOf(message)
      if (text === undefined) entry = { ...message, s: [subscription.subId], d: {} }
      else {
        // Text crosses to the tab far cheaper than bytes; the tab makes the bytes only if read.
        const { payload: _bytes, ...rest } = message
        entry = { ...rest, x: text, s: [subscription.subId], d: {} }
      }
      this.lastSeq = seq
      this.lastEntry = entry
      this.batch.push(entry)
      this.messagesOut++
    }
    const codec = subscription.codec
    // `binary` needs no decoding: the tab has the bytes, or makes them from the text.
    if (codec !== 'binary' && !(codec in entry.d) && !entry.e?.[codec]) {
      const decoded = decodeOnce(message, codec)
      if ('value' in decoded) entry.d[codec] = decoded.value
      else (entry.e ??= {})[codec] = decoded.error
    }
    if (!this.scheduled) {
      this.scheduled = true
      setTimeout(this.flush, 0)
    }
  }

  /** Sends a control event now (state, subscription status). Never throws: a dead port is not our error. */
  push(event: TabEvent): void {
    this.flush()
    try {
      this.target.postMessage(event)
    } catch {
      // The tab is gone; its lock or goodbye will detach it.
    }
  }

  readonly flush = (): void => {
    this.scheduled = false
    this.lastEntry = undefined
    this.lastSeq = -1
    if (this.batch.length === 0) return
    const messages = this.batch
    this.batch = []
    try {
      this.target.postMessage({ t: 'batch', messages })
    } catch {
      // As above.
    }
  }
}
