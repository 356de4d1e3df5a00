import { PubSubError, toPubSubError } from '../errors.js'
import type { Observer } from '../observable.js'
import type { WireMessage } from '../protocol.js'
import type { Codec, Message, QoS } from '../types.js'
import { fanOut } from './fan-out.js'
import type { HubLink } from './hub-link.js'
import { withTimeout } from '../with-timeout.js'

/** Where a subscription stands: waiting for SUBACK, granted, or refused. */
export type SubscriptionStatus = { status: 'pending' } | { status: 'active' } | { status: 'error'; error: PubSubError }

interface LocalSubscription {
  filters: string[]
  qos: QoS
  codec: Codec
  observer: Required<Observer<Message>>
  onStatus: ((status: SubscriptionStatus) => void) | undefined
  /** The hub generation it was last sent to: sent once per hub, whoever asks first. */
  sentIn: number
}

/**
 * The tab's subscriptions: each is sent to the hub once per hub (again after a restart), removed
 * from it on unsubscribe, and fed from the hub's batches.
 */
export class LocalSubscriptions {
  private readonly byId = new Map<number, LocalSubscription>()
  private nextId = 1

  constructor(
    private readonly link: HubLink,
    private readonly timeoutMs: number,
  ) {}

  /** Registers a subscription and sends it to the hub; returns its unsubscribe. */
  add(sub: Omit<LocalSubscription, 'sentIn'>): () => void {
    const id = this.nextId++
    this.byId.set(id, { ...sub, sentIn: 0 })
    sub.onStatus?.({ status: 'pending' })
    void this.send(id)
    return () => {
      if (!this.byId.delete(id) || !this.link.isStarted) return
      void this.link
        .started()
        .then(() => this.link.api().unsubscribe(this.link.sessionId, id))
        .catch(() => {})
    }
  }

  /** A new hub: subscribe everything again. */
  resend(): void {
    for (const id of this.byId.keys()) void this.send(id)
  }

  deliver(messages: WireMessage[]): void {
    fanOut(messages, this.byId)
  }

  status(id: number, status: SubscriptionStatus): void {
    const sub = this.byId.get(id)
    if (!sub) return
    sub.onStatus?.(status)
    if (status.status === 'error') {
      this.byId.delete(id)
      sub.observer.error(status.error)
    }
  }

  completeAll(): void {
    const subs = [...this.byId.values()]
    this.byId.clear()
    for (const s of subs) s.observer.complete()
  }

  private async send(id: number): Promise<void> {
    let gen = -1
    try {
      await this.link.started()
      const sub = this.byId.get(id)
      if (!sub || sub.sentIn === this.link.generation) return
      gen = sub.sentIn = this.link.generation
      const result = await withTimeout(this.link.api().subscribe(this.link.sessionId, id, sub.filters, sub.qos), this.timeoutMs, 'subscribe')
      if (!result.ok && gen === this.link.generation) this.status(id, { status: 'error', error: PubSubError.from(result.error) })
    } catch (error) {
      // A hub that died meanwhile never answers: the new hub gets it again from resend().
      if (gen === -1 || gen === this.link.generation) this.status(id, { status: 'error', error: toPubSubError(error, 'WORKER_FAILED') })
    }
  }
}
