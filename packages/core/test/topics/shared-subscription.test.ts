import { describe, expect, it } from 'vitest'
import { parseSharedFilter } from '../../src/topics'

describe('parseSharedFilter', () => {
  it.each([
    ['$share/consumer1/sport/tennis/+', 'consumer1', 'sport/tennis/+'],
    ['$share/consumer2/sport/tennis/+', 'consumer2', 'sport/tennis/+'],
    ['$share/consumer1//finance', 'consumer1', '/finance'],
    ['$share/consumer1/+/finance', 'consumer1', '+/finance'],
    ['$share/g/#', 'g', '#'],
    ['$share/g/$share/h/x', 'g', '$share/h/x'],
  ])('splits %j', (shared, group, filter) => {
    expect(parseSharedFilter(shared)).toEqual({ group, filter })
  })

  it.each(['sport/tennis/+', '#', '$share', '$share/g', '$SHARE/g/a', 'a/$share/g/b', '$queue/a/b', '$sharex/g/a'])(
    'returns null for %j, which is not a shared subscription',
    (filter) => {
      expect(parseSharedFilter(filter)).toBeNull()
    },
  )
})
