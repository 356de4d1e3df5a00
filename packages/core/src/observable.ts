/** The observer contract of DESIGN.md: `next`, `error`, `complete`, each optional. */
export interface Observer<T> {
  next?: (value: T) => void
  error?: (error: unknown) => void
  complete?: () => void
}

export interface Subscription {
  unsubscribe(): void
  readonly closed: boolean
}

declare global {
  // The interop symbol RxJS and others look for; declared exactly as RxJS declares it.
  interface SymbolConstructor {
    readonly observable: symbol
  }
}

/**
 * A minimal cold Observable: each `subscribe` runs the producer, `unsubscribe` runs its teardown.
 * Interoperates with RxJS through `Symbol.observable` (`from(pubsub.subscribe('a/#'))`).
 *
 * @example
 * const sub = pubsub.subscribe('a/#').subscribe({ next: m => console.log(m.topic) })
 * sub.unsubscribe()
 */
export class Observable<T> {
  constructor(private readonly producer: (observer: Required<Observer<T>>) => () => void) {}

  subscribe(observerOrNext?: Observer<T> | ((value: T) => void)): Subscription {
    const observer: Observer<T> = typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {})
    let closed = false
    let teardown: (() => void) | undefined
    const finish = () => {
      if (closed) return false
      closed = true
      const t = teardown
      teardown = undefined
      t?.()
      return true
    }
    const safe: Required<Observer<T>> = {
      next: value => {
        if (!closed) observer.next?.(value)
      },
      error: error => {
        if (finish()) observer.error?.(error)
      },
      complete: () => {
        if (finish()) observer.complete?.()
      },
    }
    const t = this.producer(safe)
    if (closed) t()
    else teardown = t
    return {
      unsubscribe: () => void finish(),
      get closed() {
        return closed
      },
    }
  }

  /** RxJS interop: `from(observable)`. Where no library defines Symbol.observable, `@@observable` below serves. */
  [Symbol.observable](): this {
    return this
  }

  ['@@observable'](): this {
    return this
  }
}
