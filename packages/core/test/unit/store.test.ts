import { describe, expect, it } from 'vitest'
import { createStore } from '../../src/store'

describe('createStore', () => {
  it('get is synchronous, subscribe notifies changes only, and unsubscribes', () => {
    const s = createStore(1)
    const seen: number[] = []
    const off = s.subscribe(v => seen.push(v))
    s.set(1)
    s.set(2)
    expect(s.get()).toBe(2)
    off()
    s.set(3)
    expect(seen).toEqual([2])
  })

  it('a listener that unsubscribes another during notification does not break the loop', () => {
    const s = createStore(0)
    const seen: string[] = []
    let offB = () => {}
    s.subscribe(() => (seen.push('a'), offB()))
    offB = s.subscribe(() => seen.push('b'))
    s.set(1)
    s.set(2)
    expect(seen).toEqual(['a', 'b', 'a'])
  })
})
