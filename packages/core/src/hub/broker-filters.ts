import { filterCovers, parseSharedFilter } from '../topics/index.js'
import type { QoS } from '../types.js'

/**
 * The filters to SUBSCRIBE at the broker for the wanted ones: a wanted filter covered by another
 * wanted filter of at least its QoS is left out (`a/+` under `a/#`), so the broker sends one copy of
 * each message and the hub fans it out. Shared subscriptions always stand alone.
 *
 * @example
 * desiredBrokerFilters(new Map([['a/#', 1], ['a/+', 0]])) // Map { 'a/#' => 1 }
 */
export function desiredBrokerFilters(wanted: ReadonlyMap<string, QoS>, refused: ReadonlySet<string> = new Set()): Map<string, QoS> {
  const out = new Map<string, QoS>()
  const candidates = [...wanted].filter(([f]) => !refused.has(f) && parseSharedFilter(f) === null)
  for (const [filter, qos] of wanted) {
    if (refused.has(filter)) continue
    if (parseSharedFilter(filter) !== null) {
      out.set(filter, qos)
      continue
    }
    const covered = candidates.some(
      ([other, otherQos]) => other !== filter && otherQos >= qos && filterCovers(other, filter) && !(filterCovers(filter, other) && filter < other),
    )
    if (!covered) out.set(filter, qos)
  }
  return out
}

/** The broker filter that serves `filter` (itself, or one covering it), among those given. */
export function servingFilter(filter: string, broker: Iterable<string>): string | undefined {
  let found: string | undefined
  for (const b of broker) {
    if (b === filter) return b
    if (found === undefined && parseSharedFilter(filter) === null && filterCovers(b, filter)) found = b
  }
  return found
}
