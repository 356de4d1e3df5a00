import { PubSubError } from '../errors.js'
import type { PubSubErrorCode } from '../errors.js'

/** MQTT strings carry a two-byte length prefix (MQTT 1.5.4): 65535 bytes of UTF-8 at most. */
export const MAX_TOPIC_BYTES = 65535

const SHOWN_CHARS = 100

/**
 * Up to this many UTF-16 units a string cannot exceed 65535 bytes of UTF-8: a unit
 * takes at most 3 bytes, a surrogate pair (two units) 4.
 * @internal
 */
export const SAFE_UNITS = Math.floor(MAX_TOPIC_BYTES / 3)

/** U+0000 or any surrogate: worth the careful per-character scan. */
const SUSPECT = /[\u0000\uD800-\uDFFF]/

/**
 * Quotes a topic or filter for an error message, cut to about 100 characters.
 * JSON quoting makes U+0000 and lone surrogates visible as `\u0000`, `\ud800`.
 * @internal
 */
export function quote(text: string): string {
  return JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text)
}

/**
 * The 1-based level holding `index` and that level's text, for error messages only.
 * @internal
 */
export function levelAt(text: string, index: number): { level: number; text: string } {
  let level = 1
  let start = 0
  for (let i = text.indexOf('/'); i !== -1 && i < index; i = text.indexOf('/', i + 1)) {
    level++
    start = i + 1
  }
  const end = text.indexOf('/', index)
  return { level, text: text.slice(start, end === -1 ? text.length : end) }
}

/**
 * Checks the rules topic names and filters share (MQTT 4.7.3, 1.5.4): a non-empty
 * string, no U+0000, well-formed UTF-16 (a lone surrogate has no UTF-8 encoding),
 * at most 65535 bytes of UTF-8. One pass, no allocation unless it throws.
 * @internal
 */
export function checkMqttString(text: unknown, what: 'Topic name' | 'Filter', code: PubSubErrorCode, key: 'topic' | 'filter'): asserts text is string {
  // Fast path: one native scan for the common short, plain string.
  if (typeof text === 'string' && text.length !== 0 && text.length <= SAFE_UNITS && !SUSPECT.test(text)) return
  if (typeof text !== 'string') {
    // Not the value itself: it may not survive a structured clone across a port.
    throw new PubSubError(code, `${what} must be a string, got ${text === null ? 'null' : typeof text}.`, { details: { type: text === null ? 'null' : typeof text } })
  }
  const length = text.length
  if (length === 0) {
    throw new PubSubError(code, `${what} is empty: MQTT needs at least one character (MQTT 4.7.3).`, { details: { [key]: text } })
  }
  let bytes = 0
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) {
      if (c === 0) {
        throw new PubSubError(code, `${what} ${quote(text)} contains the null character U+0000 at index ${i}, which MQTT forbids (MQTT 4.7.3): remove it.`, { details: { [key]: text } })
      }
      bytes += 1
    } else if (c < 0x800) {
      bytes += 2
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1)
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw new PubSubError(code, `${what} ${quote(text)} contains a lone surrogate U+${c.toString(16).toUpperCase()} at index ${i}, which is not valid UTF-8 (MQTT 1.5.4): fix the string's encoding.`, { details: { [key]: text } })
      }
      bytes += 4
      i++
    } else {
      bytes += 3
    }
  }
  if (bytes > MAX_TOPIC_BYTES) {
    throw new PubSubError(code, `${what} ${quote(text)} is ${bytes} bytes of UTF-8; MQTT allows at most ${MAX_TOPIC_BYTES} (MQTT 1.5.4): shorten it.`, { details: { [key]: text } })
  }
}
