/**
 * Test helpers: a deliberately naive matcher written straight from MQTT 4.7
 * (split into levels, recurse), and seeded generators of filters and topics.
 */

/** MQTT 4.7 matching by splitting into levels; slow and obvious on purpose. */
export function referenceMatch(filter: string, topic: string): boolean {
  const shared = /^\$share\/[^/]+\/(.+)$/s.exec(filter)
  const f = (shared?.[1] ?? filter).split('/')
  const t = topic.split('/')
  if (t[0]!.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false
  const go = (i: number, j: number): boolean => {
    if (i === f.length) return j === t.length
    if (f[i] === '#') return true // matches the parent level too
    if (j === t.length) return false
    return (f[i] === '+' || f[i] === t[j]) && go(i + 1, j + 1)
  }
  return go(0, 0)
}

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!

/** Every filter of up to `depth` levels over `levels`, with `#` allowed as the last level, except "" (not valid). */
export function allFilters(levels: readonly string[], depth: number): string[] {
  const out: string[] = []
  const grow = (prefix: string[]) => {
    if (prefix.length > 0) out.push(prefix.join('/'))
    if (prefix.length === depth) return
    for (const level of [...levels, '+']) grow([...prefix, level])
    out.push([...prefix, '#'].join('/'))
  }
  grow([])
  return out.filter((f) => f !== '')
}

/** Every topic of up to `depth` levels over `levels`, except "" (not a valid topic). */
export function allTopics(levels: readonly string[], depth: number): string[] {
  const out: string[] = []
  const grow = (prefix: string[]) => {
    if (prefix.length > 0) out.push(prefix.join('/'))
    if (prefix.length === depth) return
    for (const level of levels) grow([...prefix, level])
  }
  grow([])
  return out.filter((t) => t !== '')
}

/** A random valid filter; sometimes shared. */
export function randomFilter(rnd: () => number, levels: readonly string[]): string {
  const depth = 1 + Math.floor(rnd() * 5)
  const parts: string[] = []
  for (let i = 0; i < depth; i++) parts.push(rnd() < 0.25 ? '+' : pick(rnd, levels))
  if (rnd() < 0.25) parts.push('#')
  const filter = parts.join('/') || '/' // "" is not a valid filter
  return rnd() < 0.1 ? `$share/${pick(rnd, ['g1', 'g2'])}/${filter}` : filter
}

/** A random topic name. */
export function randomTopic(rnd: () => number, levels: readonly string[]): string {
  const depth = 1 + Math.floor(rnd() * 6)
  const parts: string[] = []
  for (let i = 0; i < depth; i++) parts.push(pick(rnd, levels))
  const topic = parts.join('/')
  return topic === '' ? 'x' : topic
}
