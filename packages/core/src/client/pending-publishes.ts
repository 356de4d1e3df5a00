import { PubSubError, toPubSubError } from '../errors.js'
import type { PublishOptions } from '../types.js'
import { withTimeout } from '../with-timeout.js'
import type { HubLink } from './hub-link.js'

interface PendingPublish {
  topics: string[]
  payload: Uint8Array
  options: PublishOptions
  /** The hub generation it was last sent to; 0 before it was sent. */
  generation: number
  resolve(): void
  reject(error: unknown): void
}

/** Publishes awaiting the hub's answer. */
export interface PendingPublishes {
  /** Sends one publish; resolves on the broker's acknowledgement, rejects with a coded error or TIMEOUT. */
  add(topics: string[], payload: Uint8Array, options: PublishOptions): Promise<void>
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

  async function send(item: PendingPublish): Promise<void> {
    let gen = -1
    try {
      await link.started()
      if (item.generation === link.generation) return // already sent to this hub
      gen = item.generation = link.generation
      const result = await link.api().publish(link.sessionId, item.topics, item.payload, item.options)
      if (gen !== link.generation) return // the hub died meanwhile; resend() sends it again
      items.delete(item)
      if (result.ok) item.resolve()
      else item.reject(PubSubError.from(result.error))
    } catch (error) {
      if (gen !== -1 && gen !== link.generation) return
      items.delete(item)
      item.reject(toPubSubError(error, 'WORKER_FAILED'))
    }
  }

  return {
    add(topics, payload, options) {
      let item: PendingPublish | undefined
      const acknowledged = new Promise<void>((resolve, reject) => {
        item = { topics, payload, options, generation: 0, resolve, reject }
        items.add(item)
        void send(item)
      })
      return withTimeout(acknowledged, timeoutMs, 'publish').catch(error => {
        if (item) items.delete(item)
        throw error
      })
    },
    resend() {
      for (const item of items) if (item.generation !== link.generation) void send(item)
    },
    rejectAll(error) {
      for (const item of items) item.reject(error)
      items.clear()
    },
  }
}
