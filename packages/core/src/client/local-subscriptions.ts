import { PubSubError, toPubSubError } from '../errors.js'
import type { Observer } from '../observable.js'
import type { WireMessage } from '../protocol.js'
import type { Codec, Message, QoS } from '../types.js'
import { withTimeout } from '../with-timeout.js'
import { fanOut } from './fan-out.js'
import type { HubLink } from './hub-link.js'

/** Where a subscription stands: waiting for SUBACK, granted, or refused. */
export type SubscriptionStatus = { status: 'pending' } | { status: 'active' } | { status: 'error'; error: PubSubError }

export interface LocalSubscription {
  filters: string[]
  qos: QoS
  codec: Codec
  observer: Required<Observer<Message>>
  onStatus: ((status: SubscriptionStatus) => void) | undefined
}

/** The tab's subscriptions, as the client uses them. */
export interface LocalSubscriptions {
  /** Registers a subscription and sends it to the hub; returns its unsubscribe. */
  add(sub: LocalSubscription): () => void
  /** A new hub: subscribe everything again. */
  resend(): void
  deliver(messages: WireMessage[]): void
  status(id: number, status: SubscriptionStatus): void
  completeAll(): void
}

/**
 * The tab's subscriptions: each is sent to the hub once per hub (again after a restart), removed
 * from it on unsubscribe, and fed from the hub's batches.
 */
export function createLocalSubscriptions(link: HubLink, timeoutMs: number): LocalSubscriptions {
  const byId = new Map<number, LocalSubscription & { sentIn: number }>()
  let nextId = 1

  function status(id: number, s: SubscriptionStatus): void {
    const sub = byId.get(id)
    if (!sub) return
    sub.onStatus?.(s)
    if (s.status === 'error') {
      byId.delete(id)
      sub.observer.error(s.error)
    }
  }

  async function send(id: number): Promise<void> {
    let gen = -1
    try {
      await link.started()
      const sub = byId.get(id)
      // Sent once per hub, whoever asks first.
      if (!sub || sub.sentIn === link.generation) return
      gen = sub.sentIn = link.generation
      const result = await withTimeout(link.api().subscribe(link.sessionId, id, sub.filters, sub.qos), timeoutMs, 'subscribe')
      if (!result.ok && gen === link.generation) status(id, { status: 'error', error: PubSubError.from(result.error) })
    } catch (error) {
      // A hub that died meanwhile never answers: the new hub gets it again from resend().
      if (gen === -1 || gen === link.generation) status(id, { status: 'error', error: toPubSubError(error, 'WORKER_FAILED') })
    }
  }

  return {
    add(sub) {
      const id = nextId++
      byId.set(id, { ...sub, sentIn: 0 })
      sub.onStatus?.({ status: 'pending' })
      void send(id)
      return () => {
        if (!byId.delete(id) || !link.isStarted) return
        link
          .started()
          .then(() => link.api().unsubscribe(link.sessionId, id))
          .catch(() => {})
      }
    },
    resend() {
      for (const id of byId.keys()) void send(id)
    },
    deliver: messages => fanOut(messages, byId),
    status,
    completeAll() {
      const subs = [...byId.values()]
      byId.clear()
      for (const s of subs) s.observer.complete()
    },
  }
}
