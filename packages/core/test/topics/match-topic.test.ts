import { describe, expect, it } from 'vitest'
import { matchTopic } from '../../src/topics'
import { allFilters, allTopics, referenceMatch } from './reference'

function expectMatches(filter: string, matching: string[], other: string[]) {
  for (const topic of matching) expect(matchTopic(filter, topic), `${filter} should match ${topic}`).toBe(true)
  for (const topic of other) expect(matchTopic(filter, topic), `${filter} should not match ${topic}`).toBe(false)
}

describe('matchTopic', () => {
  it('MQTT 4.7.1.2: "#" matches the parent and any number of child levels', () => {
    expectMatches(
      'sport/tennis/player1/#',
      ['sport/tennis/player1', 'sport/tennis/player1/ranking', 'sport/tennis/player1/score/wimbledon', 'sport/tennis/player1/'],
      ['sport/tennis/player2', 'sport/tennis', 'sport/tennis/player10', 'sport/tennis/player'],
    )
    expectMatches('sport/#', ['sport', 'sport/', 'sport/tennis', 'sport/a/b/c'], ['sports', 'spor', 'other/sport'])
    expectMatches('#', ['sport', '/', '/finance', 'a/b/c', 'a/$SYS'], [])
  })

  it('MQTT 4.7.1.3: "+" matches exactly one level, which may be empty', () => {
    expectMatches('sport/tennis/+', ['sport/tennis/player1', 'sport/tennis/player2', 'sport/tennis/'], ['sport/tennis/player1/ranking', 'sport/tennis'])
    expectMatches('sport/+', ['sport/', 'sport/x'], ['sport', 'sport/x/y'])
    expectMatches('+', ['sport', 'x'], ['/finance', 'a/b', '/'])
    expectMatches('+/+', ['/finance', 'a/b', '/'], ['finance', 'a/b/c'])
    expectMatches('/+', ['/finance', '/'], ['finance', 'a/b', '//'])
    expectMatches('+/tennis/#', ['sport/tennis', 'sport/tennis/player1', '/tennis'], ['sport/tennisx', 'tennis', 'a/b/tennis'])
    expectMatches('sport/+/player1', ['sport/tennis/player1', 'sport//player1'], ['sport/tennis/player2', 'sport/player1'])
  })

  it('MQTT 4.7.2: leading wildcards do not match "$" topics', () => {
    expectMatches('#', [], ['$SYS/monitor/Clients', '$SYS', '$'])
    expectMatches('$SYS/#', ['$SYS/monitor/Clients', '$SYS', '$SYS/'], ['SYS/a', '$SYSX/a'])
    expectMatches('+/monitor/Clients', ['x/monitor/Clients'], ['$SYS/monitor/Clients'])
    expectMatches('$SYS/monitor/+', ['$SYS/monitor/Clients'], ['$SYS/monitor/Clients/x'])
    expectMatches('+', ['a'], ['$SYS'])
    // Only the first level is special.
    expectMatches('a/+', ['a/$SYS'], [])
    expectMatches('a/#', ['a/$SYS/x'], [])
  })

  it('compares literal levels exactly, including empty ones', () => {
    expectMatches('/finance', ['/finance'], ['finance', '//finance', '/finance/'])
    expectMatches('a//b', ['a//b'], ['a/b', 'a/x/b'])
    expectMatches('sport/tennis', ['sport/tennis'], ['sport/tennis/', 'sport/tenni', 'sport/tennisx', 'Sport/tennis'])
    expectMatches('ü/€', ['ü/€'], ['u/€'])
  })

  it('MQTT 5.0 4.8.2: a shared filter matches as its topic filter', () => {
    expectMatches('$share/consumer1/sport/tennis/+', ['sport/tennis/player1'], ['$share/consumer1/sport/tennis/player1', 'sport/tennis'])
    expectMatches('$share/consumer1//finance', ['/finance'], ['finance'])
    expectMatches('$share/consumer1/+/finance', ['/finance', 'x/finance'], ['$SYS/finance'])
    expectMatches('$share/g/#', ['a', 'a/b'], ['$SYS/x'])
  })

  it('agrees with a naive level-splitting matcher on every small filter and topic', () => {
    const filters = allFilters(['a', 'b', '', '$x'], 3)
    const topics = allTopics(['a', 'b', '', '$x', 'c'], 4)
    let matches = 0
    for (const filter of filters) {
      for (const topic of topics) {
        const expected = referenceMatch(filter, topic)
        if (matchTopic(filter, topic) !== expected) expect.fail(`matchTopic(${JSON.stringify(filter)}, ${JSON.stringify(topic)}) should be ${expected}`)
        if (expected) matches++
      }
    }
    // The sets are rich enough to exercise both outcomes.
    expect(matches).toBeGreaterThan(1_000)
    expect(filters.length * topics.length - matches).toBeGreaterThan(10_000)
  })
})
