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

  const send = (id: number, sub: LocalSubscription & { sentIn: number }) =>
    link.send(sub, (api, sessionId) => withTimeout(api.subscribe(sessionId, id, sub.filters, sub.qos, sub.codec), timeoutMs, 'subscribe')).then(
      sent => {
        if (sent && !sent.answer.ok) status(id, { status: 'error', error: PubSubError.from(sent.answer.error) })
      },
      error => status(id, { status: 'error', error: toPubSubError(error, 'WORKER_FAILED') }),
    )

  return {
    add(sub) {
      const id = nextId++
      const entry = { ...sub, sentIn: 0 }
      byId.set(id, entry)
      sub.onStatus?.({ status: 'pending' })
      void send(id, entry)
      return () => {
        if (!byId.delete(id) || !link.generation) return
        link
          .started()
          .then(() => link.api().unsubscribe(link.sessionId, id))
          .catch(() => {})
      }
    },
    resend() {
      for (const [id, sub] of byId) void send(id, sub)
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
