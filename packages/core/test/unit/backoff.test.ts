import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/hub/index'

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay and stops at the cap', () => {
    const noJitter = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 }
    expect([1, 2, 3, 4, 5, 6].map(a => backoffDelay(a, noJitter))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('spreads clients cut off at once: jitter randomises the given share of each delay', () => {
    const o = { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.5 }
    expect(backoffDelay(1, o, () => 0)).toBe(500)
    expect(backoffDelay(1, o, () => 0.999999)).toBe(1000)
    const many = new Set(Array.from({ length: 50 }, () => backoffDelay(3, o)))
    expect(many.size).toBeGreaterThan(10)
    for (const d of many) expect(d >= 2000 && d <= 4000).toBe(true)
  })

  it('has sane defaults', () => {
    expect(backoffDelay(1, {}, () => 1)).toBe(500)
    expect(backoffDelay(100, {}, () => 1)).toBe(30_000)
  })
})
