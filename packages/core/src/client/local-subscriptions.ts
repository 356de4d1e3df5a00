import { decodePayload } from '../codec.js'
import { PubSubError } from '../errors.js'
import type { Observer } from '../observable.js'
import type { WireMessage } from '../protocol.js'
import type { Codec, Message, QoS } from '../types.js'

/** Where a subscription stands: waiting for SUBACK, granted, or refused. */
export type SubscriptionStatus = { status: 'pending' } | { status: 'active' } | { status: 'error'; error: PubSubError }

interface LocalSubscription {
  id: number
  filters: string[]
  qos: QoS
  codec: Codec
  observer: Required<Observer<Message>>
  onStatus: ((status: SubscriptionStatus) => void) | undefined
}

/** The tab's subscriptions: turns the hub's batches into messages for each observer, decoding once per codec. */
export class LocalSubscriptions {
  private readonly byId = new Map<number, LocalSubscription>()
  private nextId = 1

  add(sub: Omit<LocalSubscription, 'id'>): number {
    const id = this.nextId++
    this.byId.set(id, { ...sub, id })
    sub.onStatus?.({ status: 'pending' })
    return id
  }

  remove(id: number): boolean {
    return this.byId.delete(id)
  }

  has(id: number): boolean {
    return this.byId.has(id)
  }

  all(): Iterable<LocalSubscription> {
    return this.byId.values()
  }

  deliver(messages: WireMessage[]): void {
    for (const m of messages) {
      // Observers with the same codec share one decoded message.
      let decoded: Partial<Record<Codec, Message>> | undefined
      for (const id of m.s) {
        const sub = this.byId.get(id)
        if (!sub) continue
        decoded ??= {}
        let message = decoded[sub.codec]
        if (!message) {
          message = { topic: m.topic, payload: m.payload, data: undefined, qos: m.qos, retain: m.retain }
          if (m.properties) message.properties = m.properties
          try {
            message.data = decodePayload(m.payload, sub.codec)
          } catch (cause) {
            // One malformed message must not end a live stream: it arrives with the reason.
            message.error = new PubSubError('INVALID_PAYLOAD', `The payload on "${m.topic}" is not valid ${sub.codec === 'json' ? 'JSON' : 'UTF-8 text'}.`, { cause, details: { topic: m.topic } })
          }
          decoded[sub.codec] = message
        }
        sub.observer.next(message)
      }
    }
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
}
