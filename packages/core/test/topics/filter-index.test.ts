import { describe, expect, it } from 'vitest'
import { FilterIndex, matchTopic } from '../../src/topics'
import { thrown } from './expect-error'
import { random, randomFilter, randomTopic } from './reference'

/** The filters `match` visits, sorted; fails on a filter visited twice. */
function matched<T>(index: FilterIndex<T>, topic: string): string[] {
  const seen: string[] = []
  index.match(topic, (filter) => {
    if (seen.includes(filter)) expect.fail(`${filter} visited twice for ${topic}`)
    seen.push(filter)
  })
  return seen.sort()
}

interface Node {
  literals: Map<string, Node> | undefined
  plus: Node | undefined
  hash: Node | undefined
}

/** Trie nodes below the root: the index's internals, to check that deletes prune. */
function nodeCount(index: FilterIndex<unknown>): number {
  const count = (n: Node): number =>
    [...(n.literals?.values() ?? []), n.plus, n.hash].reduce<number>((sum, child) => sum + (child ? 1 + count(child) : 0), 0)
  return count((index as unknown as { root: Node }).root)
}

describe('FilterIndex', () => {
  it('holds values per filter and counts distinct filters', () => {
    const index = new FilterIndex<string>()
    expect(index.size).toBe(0)
    expect(index.add('a/+', 'tab1')).toBe(true) // new filter
    expect(index.add('a/+', 'tab2')).toBe(false)
    expect(index.add('a/+', 'tab1')).toBe(false)
    expect(index.add('a/#', 'tab1')).toBe(true)
    expect(index.add('$share/g/a/+', 'tab3')).toBe(true)
    expect(index.size).toBe(3)
    expect([...index.filters()]).toEqual(['a/+', 'a/#', '$share/g/a/+'])
    expect([...index.values('a/+')!]).toEqual(['tab1', 'tab2'])
    expect(index.values('a/b')).toBeUndefined()
    expect(index.has('a/+')).toBe(true)
    expect(index.has('a')).toBe(false)
    expect(index.has('$share/g/a')).toBe(false)
  })

  it('drops a filter with its last value, and reports what it deleted', () => {
    const index = new FilterIndex<number>()
    index.add('a/+', 1)
    index.add('a/+', 2)
    expect(index.delete('a/+', 3)).toBe(false)
    expect(index.delete('b', 1)).toBe(false)
    expect(index.delete('a/+', 1)).toBe(true)
    expect(index.has('a/+')).toBe(true)
    expect(index.delete('a/+', 1)).toBe(false)
    expect(index.delete('a/+', 2)).toBe(true)
    expect(index.has('a/+')).toBe(false)
    expect(index.size).toBe(0)
    expect(index.values('a/+')).toBeUndefined()
    expect(matched(index, 'a/b')).toEqual([])
    expect(index.add('a/+', 2)).toBe(true) // new again
    expect(matched(index, 'a/b')).toEqual(['a/+'])
  })

  it('refuses an invalid filter without changing anything', () => {
    const index = new FilterIndex<number>()
    for (const filter of ['', 'a/#/b', 'a+', '$share/g', '$share/g/']) {
      thrown(() => index.add(filter, 1), 'INVALID_FILTER')
    }
    expect(index.size).toBe(0)
    expect(nodeCount(index)).toBe(0)
  })

  it('matches the MQTT 4.7 examples, each matching filter once, with its values', () => {
    const index = new FilterIndex<string>()
    const filters = [
      'sport/tennis/player1/#',
      'sport/#',
      '#',
      'sport/tennis/+',
      'sport/+',
      '+',
      '+/+',
      '/+',
      '+/tennis/#',
      'sport/+/player1',
      '$SYS/#',
      '+/monitor/Clients',
      '$SYS/monitor/+',
      '/finance',
    ]
    for (const filter of filters) index.add(filter, `v:${filter}`)
    expect(matched(index, 'sport/tennis/player1')).toEqual(['#', '+/tennis/#', 'sport/#', 'sport/+/player1', 'sport/tennis/+', 'sport/tennis/player1/#'])
    expect(matched(index, 'sport/tennis/player1/ranking')).toEqual(['#', '+/tennis/#', 'sport/#', 'sport/tennis/player1/#'])
    expect(matched(index, 'sport/tennis/player1/score/wimbledon')).toEqual(['#', '+/tennis/#', 'sport/#', 'sport/tennis/player1/#'])
    expect(matched(index, 'sport')).toEqual(['#', '+', 'sport/#'])
    expect(matched(index, 'sport/')).toEqual(['#', '+/+', 'sport/#', 'sport/+'])
    expect(matched(index, '/finance')).toEqual(['#', '+/+', '/+', '/finance'])
    expect(matched(index, '$SYS/monitor/Clients')).toEqual(['$SYS/#', '$SYS/monitor/+'])
    expect(matched(index, '$SYS')).toEqual(['$SYS/#'])
    expect(matched(index, 'x/monitor/Clients')).toEqual(['#', '+/monitor/Clients'])
    const values = new Map<string, string[]>()
    index.match('sport', (filter, set) => values.set(filter, [...set]))
    expect(values.get('sport/#')).toEqual(['v:sport/#'])
  })

  it('visits shared filters under their full filter and matches them by their topic filter', () => {
    const index = new FilterIndex<string>()
    index.add('$share/consumer1/sport/tennis/+', 'c1')
    index.add('$share/consumer2/sport/tennis/+', 'c2')
    index.add('sport/tennis/+', 'plain')
    index.add('$share/consumer1//finance', 'f')
    index.add('$share/g/#', 'all')
    expect(matched(index, 'sport/tennis/player1')).toEqual(['$share/consumer1/sport/tennis/+', '$share/consumer2/sport/tennis/+', '$share/g/#', 'sport/tennis/+'])
    expect(matched(index, '/finance')).toEqual(['$share/consumer1//finance', '$share/g/#'])
    expect(matched(index, '$SYS/x')).toEqual([]) // "$share/g/#" matches as "#"
    const got: Array<[string, string[]]> = []
    index.match('sport/tennis/x', (filter, values) => got.push([filter, [...values]]))
    expect(got).toContainEqual(['$share/consumer2/sport/tennis/+', ['c2']])
    expect(index.delete('$share/consumer1/sport/tennis/+', 'c1')).toBe(true)
    expect(matched(index, 'sport/tennis/player1')).toEqual(['$share/consumer2/sport/tennis/+', '$share/g/#', 'sport/tennis/+'])
    expect(index.has('sport/tennis/+')).toBe(true)
  })

  it('keeps matching overlapping filters apart as they come and go', () => {
    const index = new FilterIndex<number>()
    index.add('a/#', 1)
    index.add('a/+', 2)
    index.add('a/b', 3)
    index.add('+/b', 4)
    expect(matched(index, 'a/b')).toEqual(['+/b', 'a/#', 'a/+', 'a/b'])
    index.delete('a/+', 2)
    expect(matched(index, 'a/b')).toEqual(['+/b', 'a/#', 'a/b'])
    index.delete('a/#', 1)
    expect(matched(index, 'a/b')).toEqual(['+/b', 'a/b'])
    expect(matched(index, 'a')).toEqual([])
    index.delete('a/b', 3)
    expect(matched(index, 'a/b')).toEqual(['+/b'])
  })

  it('removes trie nodes left empty by a delete, and only those', () => {
    const index = new FilterIndex<number>()
    index.add('a/b/c/d', 1)
    expect(nodeCount(index)).toBe(4)
    index.add('a/b/+/#', 1)
    index.add('$share/g/a/b', 1) // shares the "a/b" path
    expect(nodeCount(index)).toBe(6)
    index.delete('a/b/c/d', 1)
    expect(nodeCount(index)).toBe(4) // a, b, +, #
    index.delete('a/b/+/#', 1)
    expect(nodeCount(index)).toBe(2) // a, b: still holding "$share/g/a/b"
    expect(matched(index, 'a/b')).toEqual(['$share/g/a/b'])
    index.delete('$share/g/a/b', 1)
    expect(nodeCount(index)).toBe(0)
  })

  it('lets visit delete and add filters during a match', () => {
    const index = new FilterIndex<number>()
    for (const filter of ['a/#', 'a/+', 'a/b', '#', '+/b']) index.add(filter, 1)
    const seen: string[] = []
    index.match('a/b', (filter, values) => {
      expect(values.size).toBeGreaterThan(0)
      seen.push(filter)
      index.delete(filter, 1)
      index.add(`later/${seen.length}`, 1)
    })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.length).toBeLessThanOrEqual(5)
    expect(new Set(seen).size).toBe(seen.length)
    for (const filter of seen) expect(index.has(filter)).toBe(false)
  })

  it('does not visit a filter deleted during the match before its turn', () => {
    const index = new FilterIndex<number>()
    // Three filters ending at the same trie node (visited first), and one elsewhere.
    const filters = ['a/b', '$share/g/a/b', '$share/h/a/b', 'a/+']
    for (const filter of filters) index.add(filter, 1)
    const seen: string[] = []
    index.match('a/b', (filter, values) => {
      expect(values.size).toBe(1)
      seen.push(filter)
      for (const f of filters) index.delete(f, 1)
    })
    expect(seen).toHaveLength(1)
    expect(index.size).toBe(0)
  })

  it('agrees with matchTopic on random filters and topics, through adds and deletes', () => {
    const rnd = random(0x7ab)
    const levels = ['a', 'b', 'c', '', '$s']
    const index = new FilterIndex<number>()
    const held = new Map<string, Set<number>>()
    const topics = Array.from({ length: 400 }, () => randomTopic(rnd, levels))
    const check = () => {
      let visits = 0
      for (const topic of topics) {
        const expected = [...held.keys()].filter((f) => matchTopic(f, topic)).sort()
        const got: string[] = []
        index.match(topic, (filter, values) => {
          got.push(filter)
          expect([...values].sort()).toEqual([...held.get(filter)!].sort())
        })
        got.sort()
        if (JSON.stringify(got) !== JSON.stringify(expected)) expect.fail(`match(${JSON.stringify(topic)}): got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`)
        visits += got.length
      }
      expect(index.size).toBe(held.size)
      expect(new Set(index.filters())).toEqual(new Set(held.keys()))
      return visits
    }
    for (let i = 0; i < 600; i++) {
      const filter = randomFilter(rnd, levels)
      const value = Math.floor(rnd() * 3)
      index.add(filter, value)
      let values = held.get(filter)
      if (!values) held.set(filter, (values = new Set()))
      values.add(value)
    }
    expect(check()).toBeGreaterThan(1000)
    // Delete about half of the values, some of them not held.
    for (const [filter, values] of [...held]) {
      for (const value of [0, 1, 2]) {
        if (rnd() < 0.5) expect(index.delete(filter, value)).toBe(values.delete(value))
      }
      if (values.size === 0) held.delete(filter)
    }
    expect(held.size).toBeGreaterThan(0)
    check()
    for (const [filter, values] of held) for (const value of values) index.delete(filter, value)
    expect(index.size).toBe(0)
    expect(nodeCount(index)).toBe(0)
  })

  it('costs the matching paths, not the number of filters held', () => {
    const index = new FilterIndex<number>()
    for (let i = 0; i < 50_000; i++) index.add(`site/${i}/sensor/${i % 7}/+`, i)
    index.add('site/42/#', -1)
    const started = performance.now()
    let visits = 0
    for (let i = 0; i < 5_000; i++) index.match(`site/42/sensor/0/t${i}`, () => visits++)
    const elapsed = performance.now() - started
    expect(visits).toBe(10_000)
    // A scan of 50k filters per match would take seconds here; the trie takes a few ms.
    expect(elapsed).toBeLessThan(500)
  })
})
