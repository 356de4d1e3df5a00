import { filterCovers, parseSharedFilter } from '../topics/index.js'
import { filtersOverlap } from '../topics/filters-overlap.js'
import type { QoS } from '../types.js'

/** How the broker filters are chosen; see {@link desiredBrokerFilters}. */
export interface BrokerFilterOptions {
  /**
   * MQTT 3.1.1: overlapping broker subscriptions must not differ between QoS 0 and QoS 1 or 2.
   * RabbitMQ keeps a queue per QoS and sends a copy of a message from each queue it matches, and
   * 3.1.1 has no subscription identifier to tell the copies apart; Mosquitto and aedes send one
   * copy either way. So a covered filter is left to its cover whatever its QoS (the cover takes
   * the highest), and a QoS 0 filter overlapping one of a higher QoS, or a broker subscription
   * still held (`held`), is raised to QoS 1.
   */
  oneQosPerOverlap?: boolean
  /** Broker subscriptions held now (lingering ones included): with `oneQosPerOverlap`, new ones match their QoS. */
  held?: ReadonlyMap<string, QoS>
}

/**
 * The filters to SUBSCRIBE at the broker for the wanted ones: a wanted filter covered by another
 * wanted filter of at least its QoS is left out (`a/+` under `a/#`), so the broker sends one copy of
 * each message and the hub fans it out. Shared subscriptions always stand alone. Filters the broker
 * refused are left out, so what they covered is sent.
 *
 * @example
 * desiredBrokerFilters(new Map([['a/#', 1], ['a/+', 0]])) // Map { 'a/#' => 1 }
 * desiredBrokerFilters(new Map([['a/#', 0], ['a/b', 1]]), new Set(), { oneQosPerOverlap: true }) // Map { 'a/#' => 1 }
 */
export function desiredBrokerFilters(wanted: ReadonlyMap<string, QoS>, refused: ReadonlySet<string> = new Set(), options: BrokerFilterOptions = {}): Map<string, QoS> {
  const { oneQosPerOverlap = false } = options
  const out = new Map<string, QoS>()
  const candidates = [...wanted].filter(([f]) => !refused.has(f) && parseSharedFilter(f) === null)
  for (const [filter, qos] of wanted) {
    if (refused.has(filter)) continue
    if (parseSharedFilter(filter) !== null) {
      out.set(filter, qos)
      continue
    }
    const covered = candidates.some(
      ([other, otherQos]) =>
        other !== filter && (oneQosPerOverlap || otherQos >= qos) && filterCovers(other, filter) && !(filterCovers(filter, other) && filter < other),
    )
    if (covered) continue
    // A cover serves every filter it covers at the QoS that filter asked for.
    let served = qos
    if (oneQosPerOverlap) for (const [other, otherQos] of candidates) if (otherQos > served && filterCovers(filter, other)) served = otherQos
    out.set(filter, served)
  }
  if (oneQosPerOverlap) raiseOverlapsOfQos0(out, options.held)
  return out
}

/**
 * Raises to QoS 1 every QoS 0 filter of `desired` joined, through overlaps, to one of a higher QoS
 * (in `desired` or `held`). Nothing to do, and no pair compared, unless both kinds are there.
 */
function raiseOverlapsOfQos0(desired: Map<string, QoS>, held: ReadonlyMap<string, QoS> = new Map()): void {
  const low = [...desired].filter(([f, q]) => q === 0 && parseSharedFilter(f) === null).map(([f]) => f)
  if (low.length === 0) return
  const sources = [...desired, ...held].filter(([f, q]) => q > 0 && parseSharedFilter(f) === null).map(([f]) => f)
  const pending = new Set(low)
  while (sources.length > 0 && pending.size > 0) {
    const source = sources.pop()!
    for (const filter of pending) {
      if (!filtersOverlap(source, filter)) continue
      desired.set(filter, 1)
      pending.delete(filter)
      sources.push(filter) // raised, it raises what overlaps it in turn
    }
  }
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
