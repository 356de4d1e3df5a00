import { computed, effect, linkedSignal, runInInjectionContext, untracked, type Injector, type Signal } from '@angular/core'
import { IDLE_TOPIC, idleTopic, type TopicOptions, type TopicState, type TopicStore } from '@tabmq/core'
import { read, resolveInjector, tabmqContext, type MaybeSignal } from './tabmqContext.js'

/** Options of `injectTopic`: those of `pubsub.topic()`, plus `enabled` and `injector`. */
export interface InjectTopicOptions<T = unknown> extends TopicOptions<T> {
  /** `false` holds the subscription back (status `idle`), for example until a device is chosen. A signal or function may change it. Default true. */
  enabled?: MaybeSignal<boolean>
  /** The injector to use outside an injection context: the subscription ends when it is destroyed. */
  injector?: Injector
}

const toList = (filters: string | readonly string[]): readonly string[] => (typeof filters === 'string' ? [filters] : filters)

/**
 * A signal of one subscription: the latest message's `data`, the `message`, the last `keep`
 * `messages`, the `status` and the `error`, a view of core's `pubsub.topic()` store. It updates
 * at most once a frame however fast the topic, and the subscription ends with the injection
 * context (the component, the service, or `injector`). `filters` may be a signal or a function
 * reading signals: a new filter subscribes before the old one goes, so a filter both want never
 * leaves the broker. Idle during server rendering.
 *
 * @example
 * export class Temperature {
 *   readonly deviceId = input.required<string>()
 *   readonly reading = injectTopic<{ temperature: number }>(() => `devices/${this.deviceId()}/telemetry`)
 *   // template: @if (reading().data; as r) { {{ r.temperature }} °C } @else { {{ reading().status }} }
 * }
 */
export function injectTopic<T = unknown>(filters: MaybeSignal<string | readonly string[]>, options: InjectTopicOptions<T> = {}): Signal<TopicState<T>> {
  return runInInjectionContext(resolveInjector(injectTopic, options.injector), () => {
    const { client, server, outside } = tabmqContext()
    if (server) return computed<TopicState<T>>(() => IDLE_TOPIC)
    const { qos = 0, codec = 'auto', keep = 0, onMessage, enabled = true } = options
    // A key, so a function returning an equal array does not resubscribe.
    const key = computed(() => (read(enabled) ? JSON.stringify(toList(read(filters))) : ''))
    const store = computed<TopicStore<T>>(() => {
      const k = key()
      return k ? client.topic<T>(JSON.parse(k) as string[], { qos, codec, keep, onMessage }) : idleTopic
    })
    const state = linkedSignal(() => store().get())
    // The cleanup runs before the next store subscribes, and core's store lets go a tick after its
    // last listener: the new filters are subscribed before the old ones are released.
    effect(onCleanup => {
      const current = store()
      const off = untracked(() =>
        outside(() =>
          current.subscribe(() => {
            // A late snapshot of a store already swapped out must not overwrite the new one.
            if (untracked(store) === current) state.set(current.get())
          }),
        ),
      )
      onCleanup(() => outside(off))
    })
    return state.asReadonly()
  })
}
