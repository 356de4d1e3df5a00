import { sharedFilterStart } from './shared-subscription.js'

const PLUS = 0x2b
const HASH = 0x23
const SLASH = 0x2f
const DOLLAR = 0x24

/**
 * Whether topic name `topic` matches topic filter `filter` (MQTT 4.7): `+` matches
 * one level, `#` the parent level and every level below it, levels may be empty
 * (`/finance` has two), and a filter starting with a wildcard does not match a
 * topic starting with `$` (MQTT 4.7.2). A shared filter `$share/<group>/<f>`
 * matches as `f`. Assumes both are valid; compares in place, no allocation.
 *
 * @example
 * matchTopic('sport/tennis/+', 'sport/tennis/player1') // true
 * matchTopic('sport/#', 'sport')                        // true
 * matchTopic('#', '$SYS/broker/uptime')                 // false
 */
export function matchTopic(filter: string, topic: string): boolean {
  const fLength = filter.length
  const tLength = topic.length
  let f = sharedFilterStart(filter)
  let t = 0
  const first = filter.charCodeAt(f)
  if ((first === PLUS || first === HASH) && topic.charCodeAt(0) === DOLLAR) return false
  for (;;) {
    // f and t are at the start of a level.
    const c = filter.charCodeAt(f)
    const whole = f + 1 === fLength || filter.charCodeAt(f + 1) === SLASH
    if (c === HASH && whole) return true
    if (c === PLUS && whole) {
      f++
      while (t < tLength && topic.charCodeAt(t) !== SLASH) t++
    } else {
      while (f < fLength && t < tLength) {
        const fc = filter.charCodeAt(f)
        if (fc === SLASH || fc !== topic.charCodeAt(t)) break
        f++
        t++
      }
      if (f < fLength && filter.charCodeAt(f) !== SLASH) return false
      if (t < tLength && topic.charCodeAt(t) !== SLASH) return false
    }
    // Both at the end of a level.
    if (f === fLength) return t === tLength
    // The topic ended but the filter goes on: only "/#" matches the parent (4.7.1.2).
    if (t === tLength) return f + 2 === fLength && filter.charCodeAt(f + 1) === HASH
    f++
    t++
  }
}
