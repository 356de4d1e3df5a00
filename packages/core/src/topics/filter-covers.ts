import { sharedFilterStart } from './shared-subscription.js'

const PLUS = 0x2b
const HASH = 0x23
const SLASH = 0x2f
const DOLLAR = 0x24

/**
 * Whether every topic name that filter `b` matches is also matched by filter `a`,
 * so a broker subscription to `a` makes one to `b` redundant. Shared filters
 * (`$share/...`) are delivered per group, so they only cover themselves.
 * Assumes both are valid; compares in place, no allocation.
 *
 * @example
 * filterCovers('sport/#', 'sport/tennis/+') // true
 * filterCovers('sport/#', 'sport')          // true: "#" also matches the parent
 * filterCovers('sport/+', 'sport/#')        // false: "sport/#" matches "sport/a/b"
 * filterCovers('#', '$SYS/#')               // false: wildcards skip "$" topics (MQTT 4.7.2)
 */
export function filterCovers(a: string, b: string): boolean {
  if (sharedFilterStart(a) !== 0 || sharedFilterStart(b) !== 0) return a === b
  const aLength = a.length
  const bLength = b.length
  const a0 = a.charCodeAt(0)
  if ((a0 === PLUS || a0 === HASH) && b.charCodeAt(0) === DOLLAR) return false
  let i = 0
  let j = 0
  for (;;) {
    // i and j are at the start of a level.
    const ca = a.charCodeAt(i)
    const aWhole = i + 1 === aLength || a.charCodeAt(i + 1) === SLASH
    if (ca === HASH && aWhole) return true
    if (ca === PLUS && aWhole) {
      if (b.charCodeAt(j) === HASH && j + 1 === bLength) {
        // "+" covers one level of b, not b's "#" (any number of levels), unless "+/#"
        // meets "#" or "/+/#" meets "/#": the parent level that "#" also matches
        // would then be no topic at all, or "" (no valid topic name either).
        return j <= 1 && i + 3 === aLength && a.charCodeAt(i + 2) === HASH
      }
      i++
      while (j < bLength && b.charCodeAt(j) !== SLASH) j++
    } else {
      // A literal covers only the same literal ("+" or "#" in b never equal it).
      while (i < aLength && j < bLength) {
        const c = a.charCodeAt(i)
        if (c === SLASH || c !== b.charCodeAt(j)) break
        i++
        j++
      }
      if (i < aLength && a.charCodeAt(i) !== SLASH) return false
      if (j < bLength && b.charCodeAt(j) !== SLASH) return false
    }
    // Both at the end of a level.
    if (i === aLength) return j === bLength
    // b ended but a goes on: only "/#" also matches b's topics (the parent rule).
    if (j === bLength) return i + 2 === aLength && a.charCodeAt(i + 1) === HASH
    i++
    j++
  }
}
