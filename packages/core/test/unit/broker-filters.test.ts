import { describe, expect, it } from 'vitest'
import { desiredBrokerFilters, servingFilter } from '../../src/hub/broker-filters'

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

  it('servingFilter finds the filter itself or its cover', () => {
    expect(servingFilter('a/b', ['x', 'a/#'])).toBe('a/#')
    expect(servingFilter('a/#', ['a/#', '#'])).toBe('a/#')
    expect(servingFilter('b', ['a/#'])).toBeUndefined()
  })
})
