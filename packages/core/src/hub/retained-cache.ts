import { matchTopic } from '../topics/index.js'
import type { RoutedMessage } from '../protocol.js'

/**
 * The latest retained message per topic, so a late subscriber gets it at once without a broker
 * round trip. Only exact with MQTT 5 Retain As Published, where live retained messages keep the flag.
 */
export class RetainedCache {
  private readonly byTopic = new Map<string, RoutedMessage>()

  get size(): number {
    return this.byTopic.size
  }

  /** Stores a retained message; an empty payload clears the topic, as at the broker. */
  put(message: RoutedMessage): void {
    if (message.payload.length === 0) this.byTopic.delete(message.topic)
    else this.byTopic.set(message.topic, message)
  }

  /** The cached messages matching any of the filters. */
  *matching(filters: readonly string[]): Iterable<RoutedMessage> {
    for (const message of this.byTopic.values()) {
      if (filters.some(f => matchTopic(f, message.topic))) yield message
    }
  }

  /** Drops topics no remaining filter matches. */
  prune(keep: (topic: string) => boolean): void {
    for (const topic of this.byTopic.keys()) if (!keep(topic)) this.byTopic.delete(topic)
  }
}
