import { PubSubError } from '../errors.js'
import { checkMqttString, levelAt, quote } from './topic-text.js'

const PLUS = 0x2b
const HASH = 0x23
const SLASH = 0x2f
const SHARE = '$share/'
const SHAPE = 'write "$share/<group>/<filter>" (MQTT 5.0 4.8.2)'

function fail(filter: string, message: string): never {
  throw new PubSubError('INVALID_FILTER', message, { details: { filter } })
}

/** Validates the `$share/<group>/` head; returns where the topic filter starts. */
function checkSharedHead(filter: string): number {
  const slash = filter.indexOf('/', SHARE.length)
  const group = filter.slice(SHARE.length, slash === -1 ? filter.length : slash)
  if (group.length === 0) {
    fail(filter, `Shared subscription ${quote(filter)} has an empty share name: ${SHAPE}.`)
  }
  if (group.includes('+') || group.includes('#')) {
    fail(filter, `Shared subscription ${quote(filter)} has the share name ${quote(group)}; a share name must not contain "+" or "#": ${SHAPE}.`)
  }
  if (slash === -1) {
    fail(filter, `Shared subscription ${quote(filter)} has no topic filter after the share name: ${SHAPE}.`)
  }
  if (slash + 1 === filter.length) {
    fail(filter, `Shared subscription ${quote(filter)} has an empty topic filter after the share name: ${SHAPE}.`)
  }
  return slash + 1
}

/**
 * Throws a `PubSubError` with code `INVALID_FILTER` unless `filter` is a topic
 * filter one may subscribe to (MQTT 4.7): a non-empty string of at most 65535
 * bytes of UTF-8 without U+0000, where `+` fills a whole level and `#` fills
 * the last level; `$share/<group>/<filter>` for a shared subscription (MQTT 5.0 4.8.2).
 *
 * @example
 * validateFilter('sport/+/player1/#')       // ok
 * validateFilter('$share/dashboards/sport/#') // ok
 * validateFilter('sport/tennis#')           // throws INVALID_FILTER
 */
export function validateFilter(filter: string): void {
  checkMqttString(filter, 'Filter', 'INVALID_FILTER', 'filter')
  const start = filter.startsWith(SHARE) ? checkSharedHead(filter) : 0
  const length = filter.length
  for (let i = start; i < length; i++) {
    const c = filter.charCodeAt(i)
    if (c !== PLUS && c !== HASH) continue
    const alone = (i === start || filter.charCodeAt(i - 1) === SLASH) && (i + 1 === length || filter.charCodeAt(i + 1) === SLASH)
    if (!alone) {
      const { level, text } = levelAt(filter, i)
      const rule = c === PLUS ? '"+" must be a whole level of its own, as in "sport/+/player1"' : '"#" must be a whole level of its own, and the last one, as in "sport/tennis/#"'
      fail(filter, `Filter ${quote(filter)} has "${filter[i]}" inside level ${level} (${quote(text)}): ${rule} (MQTT 4.7.1).`)
    }
    if (c === HASH && i + 1 !== length) {
      fail(filter, `Filter ${quote(filter)} has "#" in level ${levelAt(filter, i).level}, which is not the last: "#" matches every level below it, so it must end the filter, as in "sport/tennis/#" (MQTT 4.7.1.2).`)
    }
  }
}
