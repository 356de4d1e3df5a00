import { describe, expect, it } from 'vitest'
import { from, take, toArray, firstValueFrom } from 'rxjs'
import { Observable } from '../../src/index'

describe('Observable', () => {
  it('runs the producer per subscriber and its teardown on unsubscribe', () => {
    let running = 0
    const source = new Observable<number>(o => {
      running++
      o.next(1)
      return () => running--
    })
    const got: number[] = []
    const a = source.subscribe(v => got.push(v))
    const b = source.subscribe({ next: v => got.push(v * 10) })
    expect(got).toEqual([1, 10])
    expect(running).toBe(2)
    a.unsubscribe()
    a.unsubscribe()
    expect(running).toBe(1)
    expect(a.closed).toBe(true)
    b.unsubscribe()
    expect(running).toBe(0)
  })

  it('error and complete end it once; nothing is delivered after', () => {
    let push!: { next(v: number): void; error(e: unknown): void; complete(): void }
    let torn = 0
    const source = new Observable<number>(o => {
      push = o
      return () => torn++
    })
    const seen: string[] = []
    source.subscribe({ next: v => seen.push(`n${v}`), error: e => seen.push(`e${String(e)}`), complete: () => seen.push('c') })
    push.next(1)
    push.error('x')
    push.next(2)
    push.complete()
    expect(seen).toEqual(['n1', 'ex'])
    expect(torn).toBe(1)
  })

  it('a synchronous error during subscribe tears down at once', () => {
    let torn = 0
    const sub = new Observable<number>(o => {
      o.error('bad')
      return () => torn++
    }).subscribe({ error: () => {} })
    expect(sub.closed).toBe(true)
    expect(torn).toBe(1)
  })

  it('interoperates with RxJS through Symbol.observable', async () => {
    const source = new Observable<number>(o => {
      let i = 0
      const t = setInterval(() => o.next(i++), 1)
      return () => clearInterval(t)
    })
    expect(await firstValueFrom(from(source).pipe(take(3), toArray()))).toEqual([0, 1, 2])
  })
})
