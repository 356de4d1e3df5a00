import { decodePayload } from '../codec.js'
import { PubSubError, type PubSubErrorData } from '../errors.js'
import type { RoutedMessage } from '../protocol.js'
import type { Codec } from '../types.js'

type Decoded = { value: unknown } | { error: PubSubErrorData }

/** Per message, per codec: decoded once however many tabs and subscriptions want it. */
const decoded = new WeakMap<RoutedMessage, Partial<Record<Codec, Decoded>>>()

/**
 * A message's payload decoded by `codec`, in the hub: the tab's main thread gets values, not text
 * to parse. `binary` (and `auto` for bytes that are not UTF-8) is the payload itself, which a
 * structured clone carries once however often the message refers to it.
 */
export function decodeOnce(message: RoutedMessage, codec: Codec): Decoded {
  let byCodec = decoded.get(message)
  if (!byCodec) decoded.set(message, (byCodec = {}))
  let result = byCodec[codec]
  if (!result) {
    try {
      result = { value: decodePayload(message.payload, codec) }
    } catch (cause) {
      // One malformed message must not end a live stream: it arrives with the reason.
      const why = new PubSubError('INVALID_PAYLOAD', `The payload on "${message.topic}" is not valid ${codec === 'json' ? 'JSON' : 'UTF-8 text'}.`, { cause, details: { topic: message.topic } })
      result = { error: why.toJSON() }
    }
    byCodec[codec] = result
  }
  return result
}
