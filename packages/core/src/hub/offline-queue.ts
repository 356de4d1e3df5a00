import { PubSubError } from '../errors.js'
import type { PublishOptions } from '../types.js'

export interface QueuedPublish {
  topic: string
  payload: Uint8Array
  options: PublishOptions
  resolve(): void
  reject(error: PubSubError): void
  /** The tab's name for this publish, the same when the tab sends it again to a new hub (durable outbox: not sent twice). */
  ref?: string | undefined
  /** QoS 2, once its PUBLISH went out: the packet id, and the client id whose MQTT session holds it. */
  sent?: { packetId: number; clientId: string } | undefined
  /** QoS 2: the broker answered PUBREC (it owns the message); the PUBLISH is never sent again. */
  released?: boolean | undefined
}

/**
 * Publishes made while disconnected, sent in order on the next connect. Bounded: a full queue
 * rejects the newest publish at once rather than growing without limit.
 */
export class OfflineQueue {
  private items: QueuedPublish[] = []
  constructor(private readonly maxSize: number) {}

  get size(): number {
    return this.items.length
  }

  /** Queues `item`; false when the queue is full (the item is rejected with QUEUE_FULL). */
  push(item: QueuedPublish): boolean {
    if (this.items.length >= this.maxSize) {
      item.reject(new PubSubError('QUEUE_FULL', `The offline publish queue is full (${this.maxSize} messages): wait for the connection, or raise offline.maxSize.`, { details: { topic: item.topic } }))
      return false
    }
    this.items.push(item)
    return true
  }

  drain(): QueuedPublish[] {
    const items = this.items
    this.items = []
    return items
  }

  rejectAll(error: PubSubError): void {
    for (const item of this.drain()) item.reject(error)
  }
}
