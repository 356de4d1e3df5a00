import { describe, expect, it } from 'vitest'
import { filterCovers } from '../../src/topics'
import { allFilters, allTopics, referenceMatch } from './reference'

describe('filterCovers', () => {
  it.each([
    ['a/b', 'a/b'],
    ['#', 'a'],
    ['#', 'a/b/c'],
    ['#', '+/#'],
    ['#', '/'],
    ['a/#', 'a'], // "#" also matches the parent
    ['a/#', 'a/#'],
    ['a/#', 'a/+'],
    ['a/#', 'a/b/#'],
    ['a/#', 'a/'],
    ['a/+', 'a/b'],
    ['a/+', 'a/+'],
    ['a/+', 'a/'],
    ['+/+', '/'],
    ['+/b', 'a/b'],
    ['+/#', '#'], // every topic has a first level, so both match all non-"$" topics
    ['+/#', 'a'],
    ['/+/#', '/#'], // "/#" also matches "", but that is no valid topic name
    ['$SYS/#', '$SYS/monitor/+'],
    ['$SYS/+', '$SYS/x'],
    ['a/+/#', 'a/b/c/d'],
  ])('%j covers %j', (a, b) => {
    expect(filterCovers(a, b)).toBe(true)
  })

  it.each([
    ['a/b', 'a/c'],
    ['a', 'a/b'],
    ['a', 'a/#'],
    ['a/+', 'a'], // "+" needs a level
    ['a/+', 'a/#'], // "a/#" also matches "a/b/c"
    ['a/+', 'a/b/c'],
    ['a/b', 'a/+'],
    ['a/b/#', 'a/#'],
    ['a/+/#', 'a/#'], // "a/#" matches "a"
    ['+/+/#', '#'],
    ['+/+/#', '+/#'], // "+/#" matches "x"
    ['//+/#', '//#'],
    ['+', '#'],
    ['+', '/'],
    ['/', '+'],
    ['a//b', 'a/+/b'],
    // MQTT 4.7.2: leading wildcards skip "$" topics
    ['#', '$SYS/#'],
    ['#', '$SYS'],
    ['+/monitor/Clients', '$SYS/monitor/Clients'],
    ['+', '$'],
    ['+/#', '$SYS/x'],
    ['$SYS/#', '#'],
    ['$SYS/#', '+/x'],
  ])('%j does not cover %j', (a, b) => {
    expect(filterCovers(a, b)).toBe(false)
  })

  it('lets shared filters cover only themselves (MQTT 5.0 4.8.2: delivered per group)', () => {
    expect(filterCovers('$share/g/#', '$share/g/#')).toBe(true)
    expect(filterCovers('$share/g/#', '$share/g/a')).toBe(false)
    expect(filterCovers('$share/g/#', 'a')).toBe(false)
    expect(filterCovers('#', '$share/g/a')).toBe(false)
    expect(filterCovers('$share/g/a', '$share/h/a')).toBe(false)
    expect(filterCovers('$share/g/a', 'a')).toBe(false)
  })

  it('agrees with brute force over every small filter pair: b covered iff each topic b matches, a matches', () => {
    // Topic levels include "c", which no filter names, so a literal never covers a wildcard by accident;
    // topics are one level deeper than filters, so "#" is tested below the last filter level.
    const filters = allFilters(['a', '', '$x'], 3)
    const topics = allTopics(['a', '', '$x', 'c'], 4)
    const matched = filters.map((f) => topics.map((t) => referenceMatch(f, t)))
    let covers = 0
    for (let i = 0; i < filters.length; i++) {
      for (let j = 0; j < filters.length; j++) {
        const a = matched[i]!
        const expected = matched[j]!.every((m, k) => !m || a[k])
        if (filterCovers(filters[i]!, filters[j]!) !== expected) {
          expect.fail(`filterCovers(${JSON.stringify(filters[i])}, ${JSON.stringify(filters[j])}) should be ${expected}`)
        }
        if (expected) covers++
      }
    }
    expect(covers).toBeGreaterThan(filters.length) // more than each filter covering itself
  })
})
