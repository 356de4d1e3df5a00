import { PubSubError } from '../errors.js'
import { checkMqttString, levelAt, quote, SAFE_UNITS } from './topic-text.js'

/** Anything that may make a topic name invalid; absent in the common case. */
const SUSPECT = /[\u0000+#\uD800-\uDFFF]/

/**
 * Throws a `PubSubError` with code `INVALID_TOPIC` unless `name` is a topic name
 * one may publish to (MQTT 4.7): a non-empty string of at most 65535 bytes of
 * UTF-8, without U+0000 and without the wildcards `+` and `#`.
 *
 * @example
 * validateTopicName('sensors/kitchen/temp') // ok
 * validateTopicName('sensors/+/temp')       // throws INVALID_TOPIC
 */
export function validateTopicName(name: string): void {
  // Hot path (every publish): one native scan when nothing is suspect.
  if (typeof name === 'string' && name.length !== 0 && name.length <= SAFE_UNITS && !SUSPECT.test(name)) return
  checkMqttString(name, 'Topic name', 'INVALID_TOPIC', 'topic')
  const plus = name.indexOf('+')
  const hash = name.indexOf('#')
  if (plus === -1 && hash === -1) return
  const at = plus === -1 ? hash : hash === -1 ? plus : Math.min(plus, hash)
  const { level, text } = levelAt(name, at)
  throw new PubSubError(
    'INVALID_TOPIC',
    `Topic name ${quote(name)} contains the wildcard "${name[at]}" in level ${level} (${quote(text)}): publish to a concrete topic; wildcards are for subscribe (MQTT 4.7.1).`,
    { details: { topic: name } },
  )
}
