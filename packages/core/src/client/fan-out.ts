import { decodePayload } from '../codec.js'
import { PubSubError } from '../errors.js'
import type { Observer } from '../observable.js'
import type { WireMessage } from '../protocol.js'
import type { Codec, Message } from '../types.js'

/** What fan-out needs of a subscription. */
export interface Receiver {
  codec: Codec
  observer: Required<Observer<Message>>
}

/**
 * Hands a batch from the hub to the tab's observers. Each wire message names the subscriptions it
 * is for; observers with the same codec share one decoded message.
 */
export function fanOut(messages: WireMessage[], receivers: ReadonlyMap<number, Receiver>): void {
  for (const m of messages) {
    let decoded: Partial<Record<Codec, Message>> | undefined
    for (const id of m.s) {
      const receiver = receivers.get(id)
      if (!receiver) continue
      decoded ??= {}
      const message = (decoded[receiver.codec] ??= decode(m, receiver.codec))
      receiver.observer.next(message)
    }
  }
}

function decode(m: WireMessage, codec: Codec): Message {
  const message: Message = { topic: m.topic, payload: m.payload, data: undefined, qos: m.qos, retain: m.retain }
  if (m.properties) message.properties = m.properties
  try {
    message.data = decodePayload(m.payload, codec)
  } catch (cause) {
    // One malformed message must not end a live stream: it arrives with the reason.
    message.error = new PubSubError('INVALID_PAYLOAD', `The payload on "${m.topic}" is not valid ${codec === 'json' ? 'JSON' : 'UTF-8 text'}.`, { cause, details: { topic: m.topic } })
  }
  return message
}
