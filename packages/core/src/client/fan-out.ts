import { PubSubError } from '../errors.js'
import type { Observer } from '../observable.js'
import type { WireMessage } from '../protocol.js'
import type { Codec, Message } from '../types.js'

/** What fan-out needs of a subscription. */
export interface Receiver {
  codec: Codec
  observer: Required<Observer<Message>>
}

const encoder = new TextEncoder()

/**
 * Hands a batch from the hub to the tab's observers. Each wire message names the subscriptions it
 * is for and carries its payload decoded (by the hub) for each of their codecs; observers with the
 * same codec share one message. A UTF-8 payload comes as text and its bytes are made here only
 * when read (`message.payload`, or the `binary` codec): most apps never read them.
 */
export function fanOut(messages: WireMessage[], receivers: ReadonlyMap<number, Receiver>): void {
  for (const m of messages) {
    const byCodec: Partial<Record<Codec, Message>> = {}
    let bytes = m.payload
    const payload = () => (bytes ??= encoder.encode(m.x))
    for (const id of m.s) {
      const receiver = receivers.get(id)
      if (!receiver) continue
      const codec = receiver.codec
      let message = byCodec[codec]
      if (!message) {
        const error = m.e?.[codec]
        message = byCodec[codec] = {
          topic: m.topic,
          get payload() {
            return payload()
          },
          data: codec === 'binary' ? payload() : m.d[codec],
          qos: m.qos,
          retain: m.retain,
        }
        if (m.properties) message.properties = m.properties
        // One malformed message must not end a live stream: it arrives with the reason.
        if (error) message.error = PubSubError.from(error)
      }
      receiver.observer.next(message)
    }
  }
}
