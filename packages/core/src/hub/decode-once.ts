import { decodeText, utf8Text } from '../codec.js'
import { PubSubError, type PubSubErrorData } from '../errors.js'
import type { RoutedMessage } from '../protocol.js'
import type { Codec } from '../types.js'

type Decoded = { value: unknown } | { error: PubSubErrorData }

interface Decodings {
  /** The payload as text, or null when it is not UTF-8. */
  text: string | null
  byCodec: Partial<Record<Codec, Decoded>>
}

/** Per message: decoded once however many tabs and subscriptions want it. */
const decodings = new WeakMap<RoutedMessage, Decodings>()

function decodingsOf(message: RoutedMessage): Decodings {
  let d = decodings.get(message)
  if (!d) decodings.set(message, (d = { text: utf8Text(message.payload) ?? null, byCodec: {} }))
  return d
}

/**
 * The payload as text when it is valid UTF-8. A tab is sent this string rather than the bytes:
 * cloning a string into a tab costs far less than cloning a small ArrayBuffer per message (the
 * bytes are made again in the tab, only if it reads `message.payload`).
 */
export function textOf(message: RoutedMessage): string | undefined {
  return decodingsOf(message).text ?? undefined
}

/**
 * A message's payload decoded by `codec` (not `binary`: the tab has the bytes), in the hub: the
 * tab's main thread gets values, not text to parse. `auto` for bytes that are not UTF-8 is the
 * payload itself, which a structured clone carries once however often the message refers to it.
 */
export function decodeOnce(message: RoutedMessage, codec: Exclude<Codec, 'binary'>): Decoded {
  const d = decodingsOf(message)
  let result = d.byCodec[codec]
  if (!result) {
    try {
      if (d.text === null) {
        if (codec !== 'auto') throw new Error('not UTF-8')
        result = { value: message.payload }
      } else {
        // The text keeps a byte order mark (exact bytes); decoding drops it, as TextDecoder would.
        const text = d.text.charCodeAt(0) === 0xfeff ? d.text.slice(1) : d.text
        result = { value: decodeText(text, codec) }
      }
    } catch (cause) {
      // One malformed message must not end a live stream: it arrives with the reason.
      const why = new PubSubError('INVALID_PAYLOAD', `The payload on "${message.topic}" is not valid ${codec === 'json' ? 'JSON' : 'UTF-8 text'}.`, { cause, details: { topic: message.topic } })
      result = { error: why.toJSON() }
    }
    d.byCodec[codec] = result
  }
  return result
}
