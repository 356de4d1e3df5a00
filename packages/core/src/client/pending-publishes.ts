import { PubSubError, toPubSubError } from '../errors.js'
import type { WirePayload } from '../protocol.js'
import type { PublishOptions } from '../types.js'
import { withTimeout } from '../with-timeout.js'
import type { HubLink } from './hub-link.js'

interface PendingPublish {
  topics: string[]
  payload: WirePayload
  options: PublishOptions
  /** The hub generation it was last sent to; 0 before it was sent. */
  sentIn: number
  /** Its name for every hub it is sent to (a hub that kept it durably joins it instead of sending it twice). */
  ref: string
  resolve(): void
  reject(error: unknown): void
}

/** Publishes awaiting the hub's answer. */
export interface PendingPublishes {
  /** Sends one publish; resolves on the broker's acknowledgement, rejects with a coded error or TIMEOUT. */
  add(topics: string[], payload: WirePayload, options: PublishOptions): Promise<void>
  /** A new hub: sends again what the dead one never answered. */
  resend(): void
  rejectAll(error: PubSubError): void
}

/**
 * Publishes awaiting the hub's answer (the broker's PUBACK/PUBCOMP). When the hub dies before it
 * answers, they are sent again to the new one: a QoS 1/2 publish is never dropped by a restart.
 */
export function createPendingPublishes(link: HubLink, timeoutMs: number): PendingPublishes {
  const items = new Set<PendingPublish>()

  const send = (item: PendingPublish) =>
    link.send(item, (api, sessionId) => api.publish(sessionId, item.topics, item.payload, item.options, item.ref)).then(
      sent => {
        if (!sent) return // the hub died first; resend() gives it to the new one
        items.delete(item)
        if (sent.answer.ok) item.resolve()
        else item.reject(PubSubError.from(sent.answer.error))
      },
      error => {
        items.delete(item)
        item.reject(toPubSubError(error, 'WORKER_FAILED'))
      },
    )

  return {
    add(topics, payload, options) {
      let item: PendingPublish | undefined
      const acknowledged = new Promise<void>((resolve, reject) => {
        item = { topics, payload, options, sentIn: 0, ref: Math.random().toString(36).slice(2), resolve, reject }
        items.add(item)
        void send(item)
      })
      return withTimeout(acknowledged, timeoutMs, 'publish').catch(error => {
        if (item) items.delete(item)
        throw error
      })
    },
    resend() {
      for (const item of items) void send(item)
    },
    rejectAll(error) {
      for (const item of items) item.reject(error)
      items.clear()
    },
  }
}
