import { describe, expect, it } from 'vitest'
import { MAX_TOPIC_BYTES, validateFilter } from '../../src/topics'
import { thrown } from './expect-error'

const invalid = (filter: unknown) => thrown(() => validateFilter(filter as string), 'INVALID_FILTER')

describe('validateFilter', () => {
  it.each([
    // MQTT 4.7.1.2
    'sport/tennis/player1/#',
    'sport/#',
    '#',
    // MQTT 4.7.1.3
    '+',
    '+/tennis/#',
    'sport/+/player1',
    '+/+',
    '/+',
    // empty levels, "$" topics, plain text
    '/finance',
    '/',
    '//',
    'a//#',
    '$SYS/#',
    '$SYS/monitor/+',
    '$share', // no "/": not a shared subscription, a plain filter
    'ü/€/😀',
    'x'.repeat(MAX_TOPIC_BYTES),
  ])('accepts %j', (filter) => {
    expect(() => validateFilter(filter)).not.toThrow()
  })

  it.each([
    // MQTT 5.0 4.8.2
    '$share/consumer1/sport/tennis/+',
    '$share/consumer2/sport/tennis/+',
    '$share/consumer1//finance',
    '$share/consumer1/+/finance',
    '$share/consumer1/sport/#',
    '$share/g/#',
    '$share/g//',
    '$share/$/a', // a one-character share name, "$" included
  ])('accepts the shared subscription %j', (filter) => {
    expect(() => validateFilter(filter)).not.toThrow()
  })

  it('refuses a non-string', () => {
    expect(invalid(7).details).toEqual({ type: 'number' })
  })

  it('refuses the empty string', () => {
    const e = invalid('')
    expect(e.message).toMatch(/empty/)
    expect(e.details).toEqual({ filter: '' })
  })

  it('refuses U+0000', () => {
    expect(invalid('a/\u0000/#').message).toContain('U+0000 at index 2')
  })

  it('refuses a lone surrogate', () => {
    expect(invalid('a/\udfff').message).toContain('lone surrogate U+DFFF')
  })

  it('refuses more than 65535 bytes of UTF-8', () => {
    expect(invalid(`${'x'.repeat(MAX_TOPIC_BYTES)}/`).message).toContain('65536 bytes')
    expect(invalid('ü'.repeat(32768)).message).toContain('65536 bytes')
  })

  it.each([
    ['sport/tennis#', '"#" inside level 2 ("tennis#")'], // MQTT 4.7.1.2
    ['a#', '"#" inside level 1 ("a#")'],
    ['#a', '"#" inside level 1 ("#a")'],
    ['a/#b/c', '"#" inside level 2 ("#b")'],
    ['##', '"#" inside level 1 ("##")'],
  ])('refuses %j: "#" must be a whole level', (filter, where) => {
    const e = invalid(filter)
    expect(e.message).toContain(where)
    expect(e.message).toContain('must be a whole level of its own, and the last one')
    expect(e.details).toEqual({ filter })
  })

  it.each([
    ['sport/tennis/#/ranking', 3], // MQTT 4.7.1.2
    ['#/', 1],
    ['a/#/#', 2],
    ['#/+', 1],
  ])('refuses %j: "#" must be the last level', (filter, level) => {
    const e = invalid(filter)
    expect(e.message).toContain(`"#" in level ${level}, which is not the last`)
  })

  it.each([
    ['sport+', '"+" inside level 1 ("sport+")'], // MQTT 4.7.1.3
    ['a+/b', '"+" inside level 1 ("a+")'],
    ['a/b+', '"+" inside level 2 ("b+")'],
    ['a/+b/c', '"+" inside level 2 ("+b")'],
    ['++', '"+" inside level 1 ("++")'],
    ['+/+x', '"+" inside level 2 ("+x")'],
  ])('refuses %j: "+" must be a whole level', (filter, where) => {
    const e = invalid(filter)
    expect(e.message).toContain(where)
    expect(e.message).toContain('"+" must be a whole level of its own')
  })

  describe('shared subscriptions (MQTT 5.0 4.8.2)', () => {
    it.each(['$share/g', '$share/consumer1'])('refuses %j: no topic filter after the share name', (filter) => {
      const e = invalid(filter)
      expect(e.message).toContain('no topic filter after the share name')
      expect(e.message).toContain('$share/<group>/<filter>')
      expect(e.details).toEqual({ filter })
    })

    it.each(['$share/g/', '$share/consumer1/'])('refuses %j: the topic filter must be at least one character', (filter) => {
      expect(invalid(filter).message).toContain('empty topic filter after the share name')
    })

    it.each(['$share//sport', '$share/', '$share//'])('refuses %j: empty share name', (filter) => {
      expect(invalid(filter).message).toContain('empty share name')
    })

    it.each(['$share/+/a', '$share/g#/a', '$share/a+b/#', '$share/#/a'])('refuses %j: wildcard in the share name', (filter) => {
      expect(invalid(filter).message).toMatch(/share name ".*"; a share name must not contain "\+" or "#"/)
    })

    it.each([
      ['$share/g/a+', 'inside level 3 ("a+")'],
      ['$share/g/a/#/b', '"#" in level 4, which is not the last'],
      ['$share/g/sport/tennis#', 'inside level 4 ("tennis#")'],
    ])('validates the topic filter of %j, counting levels in the whole string', (filter, where) => {
      expect(invalid(filter).message).toContain(where)
    })
  })
})
