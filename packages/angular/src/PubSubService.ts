import { DestroyRef, Injectable, inject } from '@angular/core'
import { Observable, type Subscriber, type TeardownLogic } from 'rxjs'
import { PubSubError, type ConnectionState, type Message, type Payload, type PublishOptions, type SubscribeOptions } from '@tabmq/core'
import { tabmqContext } from './tabmqContext.js'

/**
 * The client for RxJS code: `topic$` and `connectionState$` are RxJS Observables, `publish` a
 * promise. Observables emit outside the Angular zone (`toSignal`, the `async` pipe and signals
 * schedule change detection from there) and complete when the application is destroyed. During
 * server rendering `topic$` emits nothing and `connectionState$` emits the idle state.
 *
 * @example
 * export class Alerts {
 *   readonly alerts = toSignal(inject(PubSubService).topic$<Alert>('alerts/#', { qos: 1 }).pipe(scan((all, m) => [m.data, ...all].slice(0, 20), [] as Alert[])), { initialValue: [] })
 * }
 */
@Injectable({ providedIn: 'root' })
export class PubSubService {
  readonly #context = tabmqContext()
  /** Subscribers still open, completed when the application is destroyed. */
  readonly #live = new Set<Subscriber<never>>()

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      for (const subscriber of [...this.#live]) subscriber.complete()
    })
  }

  /**
   * Messages on one filter or several, each once however many filters match. Subscribes at the
   * broker with the first subscriber (the hub shares it with every tab), lets go with the last.
   * A bad filter or a refused subscription errors with a `PubSubError`.
   *
   * @example
   * inject(PubSubService).topic$<number>('sensors/+/temp').pipe(map(m => m.data)).subscribe(t => console.log(t))
   */
  topic$<T = unknown>(filters: string | readonly string[], options: SubscribeOptions = {}): Observable<Message<T>> {
    const { client, server, outside } = this.#context
    return this.#tracked<Message<T>>(subscriber => {
      if (server) return undefined
      const subscription = outside(() =>
        client.subscribe<T>(filters, options).subscribe({
          next: message => subscriber.next(message),
          error: error => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      )
      return () => outside(() => subscription.unsubscribe())
    })
  }

  /**
   * The connection state now, then each change.
   *
   * @example
   * inject(PubSubService).connectionState$.pipe(filter(s => s.status === 'offline')).subscribe(s => console.warn(s.error?.message))
   */
  readonly connectionState$: Observable<ConnectionState> = this.#tracked<ConnectionState>(subscriber => {
    const { client, server, outside } = this.#context
    const store = client.connectionState
    if (server) return void subscriber.next(store.get())
    const off = outside(() => store.subscribe(state => subscriber.next(state)))
    subscriber.next(store.get())
    return () => off()
  })

  /**
   * Publishes: resolves on PUBACK (QoS 1) / PUBCOMP (QoS 2), rejects with a `PubSubError`.
   *
   * @example
   * await inject(PubSubService).publish('devices/device-1/cmd/fan', { on: true }, { qos: 1 })
   */
  publish(topics: string | readonly string[], payload: Payload, options?: PublishOptions): Promise<void> {
    const { client, server, outside } = this.#context
    if (server) return Promise.reject(new PubSubError('NOT_CONNECTED', 'tabmq does not connect during server rendering: publish from the browser (an event handler, or afterNextRender).'))
    return outside(() => client.publish(topics, payload, options))
  }

  #tracked<T>(produce: (subscriber: Subscriber<T>) => TeardownLogic): Observable<T> {
    return new Observable<T>(subscriber => {
      const live = this.#live as Set<Subscriber<T>>
      live.add(subscriber)
      const teardown = produce(subscriber)
      return () => {
        live.delete(subscriber)
        if (typeof teardown === 'function') teardown()
        else teardown?.unsubscribe()
      }
    })
  }
}
