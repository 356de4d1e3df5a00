import { onScopeDispose, shallowRef, toRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { IDLE_TOPIC, idleTopic, type Message, type PubSubError, type TopicOptions, type TopicState, type TopicStatus, type TopicStore } from '@tabmq/core'
import { onClient } from './onClient.js'
import { usePubSub } from './usePubSub.js'

export interface UseTopicOptions<T = unknown> extends TopicOptions<T> {
  /** `false` holds the subscription back (status `idle`), for example until a device is chosen. A value, ref or getter. Default true. */
  enabled?: MaybeRefOrGetter<boolean>
}

/** What `useTopic` returns: each field of core's `TopicState` as a readonly ref. */
export type TopicRefs<T = unknown> = { readonly [K in keyof TopicState<T>]: Readonly<Ref<TopicState<T>[K]>> }

/**
 * Subscribes while the component (or effect scope) lives and gives the latest message, the last
 * `keep` messages and the subscription's status as readonly refs: a view of core's
 * `pubsub.topic()` store, updated at most once a frame however fast the topic. The filter and
 * `enabled` may be values, refs or getters; a new filter swaps the subscription (the new one
 * first, then the old one goes). On the server it stays `idle` and subscribes nothing.
 *
 * @example
 * const props = defineProps<{ deviceId: string }>()
 * const { data, status, error } = useTopic<{ temperature: number }>(() => `devices/${props.deviceId}/telemetry`)
 * // <p v-if="error">{{ error.message }}</p> <p v-else>{{ status === 'active' ? data?.temperature : '…' }}</p>
 */
export function useTopic<T = unknown>(filters: MaybeRefOrGetter<string | readonly string[]>, options: UseTopicOptions<T> = {}): TopicRefs<T> {
  const client = usePubSub()
  const { enabled = true, qos = 0, codec = 'auto', keep = 0, onMessage } = options
  // One shallowRef per field, fed from the store's snapshots: a ref only triggers when its value
  // changes, so a component that reads only `status` does not re-render per message (on Vue 3.3
  // too, where a computed over one snapshot ref would trigger on every snapshot).
  const data = shallowRef<T | undefined>(IDLE_TOPIC.data)
  const message = shallowRef<Message<T> | undefined>(IDLE_TOPIC.message)
  const messages = shallowRef<readonly Message<T>[]>(IDLE_TOPIC.messages)
  const status = shallowRef<TopicStatus>(IDLE_TOPIC.status)
  const error = shallowRef<PubSubError | undefined>(IDLE_TOPIC.error)
  const show = (next: TopicState<T>) => {
    data.value = next.data
    message.value = next.message
    messages.value = next.messages
    status.value = next.status
    error.value = next.error
  }
  let release: (() => void) | undefined

  // A key, so a new array with the same filters (a getter returning `[a, b]`) does not resubscribe.
  const key = () => {
    if (!toValue(enabled)) return undefined
    const value = toValue(filters)
    return JSON.stringify(typeof value === 'string' || !Array.isArray(value) ? [value] : [...value])
  }
  const follow = (current: string | undefined) => {
    const store: TopicStore<T> = current === undefined ? idleTopic : client.topic<T>(JSON.parse(current) as string[], { qos, codec, keep, onMessage })
    const previous = release
    release = store.subscribe(show)
    previous?.() // after the new subscription, so a filter both want never leaves the broker
    show(store.get())
  }
  onClient(() => watch(key, follow, { immediate: true }))
  onScopeDispose(() => {
    release?.()
    release = undefined
  })

  // Getter refs: readonly, and reading one tracks the field's shallowRef directly.
  return {
    data: toRef(() => data.value),
    message: toRef(() => message.value),
    messages: toRef(() => messages.value),
    status: toRef(() => status.value),
    error: toRef(() => error.value),
  }
}
