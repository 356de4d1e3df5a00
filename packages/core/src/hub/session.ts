import type { DeliveryTarget, TabEvent, WireMessage } from '../protocol.js'
import type { QoS } from '../types.js'

/** One subscription of a tab, as the hub holds it. */
export interface Observer {
  session: Session
  subId: number
  filters: string[]
  qos: QoS
  /** Waiting for its retained messages (MQTT 3.1.1: only these get retain=1 deliveries). */
  awaitingRetained: boolean
  /** The last message delivered, so overlapping filters deliver once. */
  lastSeq: number
}

/**
 * A tab's client as the hub sees it: its port and its subscriptions. Deliveries are batched:
 * one postMessage per tab per tick, whatever the message rate.
 */
export class Session {
  readonly observers = new Map<number, Observer>()
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

  /** Queues message `seq` for subscription `subId`; one entry per message lists all its subscriptions. */
  enqueue(subId: number, seq: number, message: Omit<WireMessage, 's'>): void {
    if (seq === this.lastSeq && this.lastEntry) {
      this.lastEntry.s.push(subId)
      return
    }
    const entry: WireMessage = { s: [subId], ...message }
    this.lastSeq = seq
    this.lastEntry = entry
    this.batch.push(entry)
    this.messagesOut++
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
