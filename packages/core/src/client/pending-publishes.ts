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

/**
 * Publishes awaiting the hub's answer (the broker's PUBACK/PUBCOMP). When the hub dies before it
 * answers, they are sent again to the new one: a QoS 1/2 publish is never dropped by a restart.
 */
export class PendingPublishes {
  private readonly items = new Set<PendingPublish>()

  constructor(
    private readonly link: HubLink,
    private readonly timeoutMs: number,
  ) {}

  /** Sends one publish; resolves on the broker's acknowledgement, rejects with a coded error or TIMEOUT. */
  add(topics: string[], payload: Uint8Array, options: PublishOptions): Promise<void> {
    let item: PendingPublish | undefined
    const acknowledged = new Promise<void>((resolve, reject) => {
      item = { topics, payload, options, generation: 0, resolve, reject }
      this.items.add(item)
      void this.send(item)
    })
    return withTimeout(acknowledged, this.timeoutMs, 'publish').catch(error => {
      if (item) this.items.delete(item)
      throw error
    })
  }

  /** A new hub: sends again what the dead one never answered. */
  resend(): void {
    for (const item of this.items) if (item.generation !== this.link.generation) void this.send(item)
  }

  rejectAll(error: PubSubError): void {
    for (const item of this.items) item.reject(error)
    this.items.clear()
  }

  private async send(item: PendingPublish): Promise<void> {
    let gen = -1
    try {
      await this.link.started()
      if (item.generation === this.link.generation) return // already sent to this hub
      gen = item.generation = this.link.generation
      const result = await this.link.api().publish(this.link.sessionId, item.topics, item.payload, item.options)
      if (gen !== this.link.generation) return // the hub died meanwhile; resend() sends it again
      this.items.delete(item)
      if (result.ok) item.resolve()
      else item.reject(PubSubError.from(result.error))
    } catch (error) {
      if (gen !== -1 && gen !== this.link.generation) return
      this.items.delete(item)
      item.reject(toPubSubError(error, 'WORKER_FAILED'))
    }
  }
}
