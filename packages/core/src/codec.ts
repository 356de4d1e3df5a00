import { PubSubError } from './errors.js'
import type { Codec, Payload } from './types.js'

const encoder = new TextEncoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Turns a publish payload into bytes: strings as UTF-8, bytes as they are, anything else as JSON.
 *
 * @example
 * encodePayload({ on: true }) // bytes of '{"on":true}'
 */
export function encodePayload(payload: Payload): Uint8Array {
  if (typeof payload === 'string') return encoder.encode(payload)
  if (payload instanceof Uint8Array) return payload
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  if (typeof payload === 'function' || typeof payload === 'symbol' || typeof payload === 'bigint' || payload === undefined) {
    throw new PubSubError('INVALID_PAYLOAD', `Cannot publish a ${typeof payload}: send a string, bytes, or a JSON-serialisable value.`)
  }
  let json: string | undefined
  try {
    json = JSON.stringify(payload)
  } catch (cause) {
    throw new PubSubError('INVALID_PAYLOAD', `Payload is not JSON-serialisable (${(cause as Error).message}): remove cycles and BigInts, or send bytes.`, { cause })
  }
  if (json === undefined) throw new PubSubError('INVALID_PAYLOAD', 'Payload is not JSON-serialisable: send a string, bytes, or a plain value.')
  return encoder.encode(json)
}

/**
 * Decodes received bytes per codec. `json` and `text` throw on bad input; `auto` never throws.
 *
 * @example
 * decodePayload(bytes, 'auto') // an object for JSON, a string for text, else the bytes
 */
export function decodePayload(bytes: Uint8Array, codec: Codec): unknown {
  if (codec === 'binary') return bytes
  let text: string
  try {
    text = strictDecoder.decode(bytes)
  } catch (error) {
    if (codec === 'auto') return bytes
    throw error
  }
  return decodeText(text, codec)
}

/**
 * Decodes a payload already known to be UTF-8 text, per codec: `json` throws on bad JSON; `auto`
 * gives the parsed JSON, else the text.
 *
 * @example
 * decodeText('{"on":true}', 'auto') // { on: true }
 */
export function decodeText(text: string, codec: Exclude<Codec, 'binary'>): unknown {
  if (codec === 'text') return text
  if (codec === 'json') return JSON.parse(text)
  // Only try JSON when it can be JSON: a cheap check that spares the throw for plain text.
  const c = text.charCodeAt(0)
  if (c === 123 || c === 91 || c === 34 || c === 45 || (c >= 48 && c <= 57) || text === 'true' || text === 'false' || text === 'null') {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

/** Keeps a byte order mark, so that the text encodes back to exactly the same bytes. */
const exactDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The payload as text if it is valid UTF-8, else undefined. Exact: `new TextEncoder().encode()`
 * of it gives the same bytes back (a byte order mark is kept, as U+FEFF).
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return exactDecoder.decode(bytes)
  } catch {
    return undefined
  }
}
