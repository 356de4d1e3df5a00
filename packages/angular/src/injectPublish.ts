import { computed, runInInjectionContext, signal, type Injector, type Signal } from '@angular/core'
import { PubSubError, toPubSubError, type Payload, type PublishOptions } from '@tabmq/core'
import { resolveInjector, tabmqContext } from './tabmqContext.js'

/** What `injectPublish` returns. */
export interface PublishState {
  /** `pubsub.publish`: resolves on PUBACK (QoS 1) / PUBCOMP (QoS 2). Safe to ignore: failures also land in `error`. */
  publish: (topics: string | readonly string[], payload: Payload, options?: PublishOptions) => Promise<void>
  /** True while any publish from here is unacknowledged. */
  pending: Signal<boolean>
  /** The error of the last publish to settle; cleared when one succeeds. */
  error: Signal<PubSubError | undefined>
  /** Clears `error`. */
  reset: () => void
}

/**
 * Publishes, with the pending state and the last error as signals.
 *
 * @example
 * export class FanButton {
 *   readonly fan = injectPublish()
 *   // template:
 *   // <button [disabled]="fan.pending()" (click)="fan.publish('devices/device-1/cmd/fan', { on: true }, { qos: 1 })">Fan on</button>
 *   // @if (fan.error(); as e) { <p role="alert">{{ e.message }}</p> }
 * }
 */
export function injectPublish(options: { injector?: Injector } = {}): PublishState {
  return runInInjectionContext(resolveInjector(injectPublish, options.injector), () => {
    const { client, server, outside } = tabmqContext()
    const inFlight = signal(0)
    const error = signal<PubSubError | undefined>(undefined)
    const publish = (topics: string | readonly string[], payload: Payload, publishOptions?: PublishOptions): Promise<void> => {
      const done = server
        ? Promise.reject(new PubSubError('NOT_CONNECTED', 'tabmq does not connect during server rendering: publish from the browser (an event handler, or afterNextRender).'))
        : outside(() => client.publish(topics, payload, publishOptions))
      inFlight.update(n => n + 1)
      // This handler also marks `done` handled: a caller that ignores the promise gets no unhandled rejection.
      done.then(
        () => error.set(undefined),
        e => error.set(toPubSubError(e)),
      ).finally(() => inFlight.update(n => n - 1))
      return done
    }
    return { publish, pending: computed(() => inFlight() > 0), error: error.asReadonly(), reset: () => error.set(undefined) }
  })
}
