/**
 * Whether the topic filter `rule` covers the topic filter `filter`: every
 * topic that `filter` can match is also matched by `rule`. Wildcards in
 * `rule` match anything at their level (`#` also the rest), a wildcard in
 * `filter` is only covered by the same or a broader wildcard in `rule`.
 * This mirrors how Mosquitto's dynamic-security `subscribePattern` ACLs
 * treat a requested filter, so aedes and Mosquitto deny the same SUBSCRIBEs.
 *
 * @example filterCovers('secret/#', 'secret/+') // true
 * @example filterCovers('secret/x', 'secret/+') // false
 */
export function filterCovers(rule: string, filter: string): boolean {
  const r = rule.split('/')
  const f = filter.split('/')
  for (let i = 0; i < r.length; i++) {
    const level = r[i]
    if (level === '#') return true
    const other = f[i]
    if (other === undefined) return false
    if (level === '+') {
      if (other === '#') return false
      continue
    }
    if (level !== other) return false
  }
  return r.length === f.length
}

/** Whether the topic filter `filter` matches the concrete topic name `topic`. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false
  return filterCovers(filter, topic)
}
