import { describe, expect, it } from 'vitest'
import { desiredBrokerFilters, servingFilter } from '../../src/hub/broker-filters'
import { filtersOverlap } from '../../src/topics/filters-overlap'

describe('desiredBrokerFilters', () => {
  it('folds a filter covered by another of at least its QoS', () => {
    expect([...desiredBrokerFilters(new Map([['a/#', 1], ['a/+', 0], ['a/b', 1]]))]).toEqual([['a/#', 1]])
  })

  it('keeps a covered filter whose QoS is higher than the cover', () => {
    expect([...desiredBrokerFilters(new Map([['a/#', 0], ['a/b', 2]]))].sort()).toEqual([['a/#', 0], ['a/b', 2]])
  })

  it('keeps partial overlaps, $ topics and shared subscriptions apart', () => {
    const d = desiredBrokerFilters(new Map([['a/+/c', 0], ['a/b/+', 0], ['#', 0], ['$SYS/x', 0], ['$share/g/a/b', 0]]))
    expect([...d.keys()].sort()).toEqual(['#', '$SYS/x', '$share/g/a/b'])
  })

  it('leaves refused filters out so what they covered gets its own SUBSCRIBE', () => {
    expect([...desiredBrokerFilters(new Map([['a/#', 0], ['a/b', 0]]), new Set(['a/#'])).keys()]).toEqual(['a/b'])
  })

  describe('oneQosPerOverlap (MQTT 3.1.1: RabbitMQ sends a copy per QoS queue)', () => {
    const one = { oneQosPerOverlap: true }
    it('folds a covered filter of a higher QoS into its cover, which takes that QoS', () => {
      expect([...desiredBrokerFilters(new Map([['a/#', 0], ['a/b', 2], ['a/+', 1]]), new Set(), one)]).toEqual([['a/#', 2]])
    })

    it('raises QoS 0 filters joined by overlaps to one of a higher QoS, and no others', () => {
      const d = desiredBrokerFilters(new Map([['x/+/c', 0], ['x/b/+', 1], ['y/+', 0], ['z', 0]]), new Set(), one)
      expect(Object.fromEntries(d)).toEqual({ 'x/+/c': 1, 'x/b/+': 1, 'y/+': 0, z: 0 })
      // Through a chain: k/a/+ only overlaps k/+/b, which overlaps k/c/+ (QoS 1).
      const chain = desiredBrokerFilters(new Map([['k/a/+', 0], ['k/+/b', 0], ['k/c/+', 1]]), new Set(), one)
      expect(Object.fromEntries(chain)).toEqual({ 'k/a/+': 1, 'k/+/b': 1, 'k/c/+': 1 })
    })

    it('raises a new QoS 0 filter overlapping a broker subscription still held at QoS 1', () => {
      const d = desiredBrokerFilters(new Map([['h/+', 0]]), new Set(), { ...one, held: new Map([['h/#', 1]]) })
      expect([...d]).toEqual([['h/+', 1]])
    })

    it('leaves shared subscriptions and $ topics out of it', () => {
      const d = desiredBrokerFilters(new Map([['$share/g/s/#', 1], ['s/x', 0], ['#', 1], ['$SYS/x', 0]]), new Set(), one)
      expect(Object.fromEntries(d)).toEqual({ '$share/g/s/#': 1, '#': 1, '$SYS/x': 0 })
    })
  })

  it.each([
    ['a/+/c', 'a/b/+', true],
    ['a/#', 'a', true],
    ['a/#', 'b/#', false],
    ['a/+', 'a/b/c', false],
    ['+/+', 'a/b', true],
    ['#', '$SYS/x', false],
    ['$SYS/#', '$SYS/x', true],
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
  ])('filtersOverlap(%s, %s) is %s', (a, b, expected) => {
    expect(filtersOverlap(a, b)).toBe(expected)
    expect(filtersOverlap(b, a)).toBe(expected)
  })

  it('servingFilter finds the filter itself or its cover', () => {
    expect(servingFilter('a/b', ['x', 'a/#'])).toBe('a/#')
    expect(servingFilter('a/#', ['a/#', '#'])).toBe('a/#')
    expect(servingFilter('b', ['a/#'])).toBeUndefined()
  })
})
