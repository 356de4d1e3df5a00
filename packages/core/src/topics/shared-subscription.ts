/** A shared subscription filter split into its parts (MQTT 5.0 4.8.2). */
export interface SharedFilter {
  /** The ShareName: the broker hands each message to one subscriber of the group. */
  group: string
  /** The topic filter that messages are matched against. */
  filter: string
}

const PREFIX = '$share/'

/**
 * Where the topic filter of a `$share/<group>/<filter>` starts, or 0 for any
 * other filter (which then matches as a whole). No allocation.
 * @internal
 */
export function sharedFilterStart(filter: string): number {
  if (!filter.startsWith(PREFIX)) return 0
  const slash = filter.indexOf('/', PREFIX.length)
  return slash === -1 ? 0 : slash + 1
}

/**
 * Splits a shared subscription filter `$share/<group>/<filter>` into its group
 * and filter; `null` for a filter that is not shared. Does not validate: run
 * `validateFilter` first.
 *
 * @example
 * parseSharedFilter('$share/consumer1/sport/tennis/+') // { group: 'consumer1', filter: 'sport/tennis/+' }
 * parseSharedFilter('sport/tennis/+')                  // null
 */
export function parseSharedFilter(filter: string): SharedFilter | null {
  const start = sharedFilterStart(filter)
  if (start === 0) return null
  return { group: filter.slice(PREFIX.length, start - 1), filter: filter.slice(start) }
}
