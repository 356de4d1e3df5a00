import { toPubSubError, type PubSubError } from '../errors.js'
import type { Observable, Subscription } from '../observable.js'
import type { Message, ReadableStore, SubscribeOptions } from '../types.js'
import type { SubscriptionStatus } from './local-subscriptions.js'
import { nextFrame } from './next-frame.js'

/** Where a topic store's subscription stands. `idle`: not subscribed (no listener yet, disabled, server render); `closed`: the client was closed. */
export type TopicStatus = 'idle' | 'pending' | 'active' | 'error' | 'closed'

/** A topic store's snapshot: what `useTopic` and its Vue and Angular siblings return. */
export interface TopicState<T = unknown> {
  /** The latest message's decoded payload. */
  data: T | undefined
  /** The latest message (topic, payload bytes, qos, retain, properties). */
  message: Message<T> | undefined
  /** The last `keep` messages, oldest first (empty unless `keep` is set). */
  messages: readonly Message<T>[]
  status: TopicStatus
  /** Why the subscription failed (invalid filter, refused by the broker, client closed). */
  error: PubSubError | undefined
}

/** Options of `pubsub.topic()`. */
export interface TopicOptions<T = unknown> extends SubscribeOptions {
  /** How many recent messages `messages` holds. Default 0: none. */
  keep?: number
  /** Every message, as it arrives, instead of into the snapshot: no new snapshot per message. */
  onMessage?: ((message: Message<T>) => void) | undefined
}

/** A readable store of one subscription's state. */
export type TopicStore<T = unknown> = ReadableStore<TopicState<T>>

const NONE: readonly never[] = /* @__PURE__ */ Object.freeze([])

/**
 * The snapshot of a store that is not subscribed: what a server renders, what hydration starts
 * from and what a disabled binding shows. Frozen and shared, so it compares equal everywhere.
 *
 * @example
 * useSyncExternalStore(store.subscribe, store.get, () => IDLE_TOPIC)
 */
export const IDLE_TOPIC: TopicState<never> = /* @__PURE__ */ Object.freeze({ data: undefined, message: undefined, messages: NONE, status: 'idle', error: undefined })

/**
 * A store that never subscribes and always reads `IDLE_TOPIC`: for a binding that is disabled.
 *
 * @example
 * const store = enabled ? pubsub.topic(filter) : idleTopic
 */
export const idleTopic: TopicStore<never> = /* @__PURE__ */ Object.freeze({ get: () => IDLE_TOPIC, subscribe: () => () => {} })

/** What the store needs of a client: its Observable subscribe. */
export interface TopicSource {
  subscribe<T>(filters: string | readonly string[], options: SubscribeOptions & { onStatus?: (status: SubscriptionStatus) => void }): Observable<Message<T>>
}

/**
 * One subscription as a store the bindings render from. Messages fold into at most one new
 * snapshot per frame (a timer where there are no frames), so a fast topic costs one render a
 * frame; status changes show at once. The subscription opens with the first listener and is
 * released a tick after the last leaves, so a remount (React StrictMode, a `v-if` toggle) reuses
 * it and a filter swap subscribes the new filter before the old one goes: the broker sees neither.
 *
 * @example
 * const store = createTopicStore(pubsub, ['sensors/+/temp'], { keep: 50 })
 * const off = store.subscribe(() => render(store.get()))
 */
export function createTopicStore<T>(source: TopicSource, filters: string | readonly string[], options: TopicOptions<T> = {}, onLive?: (live: boolean) => void): TopicStore<T> {
  const { keep = 0, onMessage } = options
  let state: TopicState<T> = { ...IDLE_TOPIC, status: 'pending' }
  const listeners = new Set<(state: TopicState<T>) => void>()
  let subscription: Subscription | undefined
  let releaseTimer: ReturnType<typeof setTimeout> | undefined
  let cancelFrame: (() => void) | undefined
  let latest: Message<T> | undefined
  let unseen: Message<T>[] = []

  const set = (patch: Partial<TopicState<T>>) => {
    state = { ...state, ...patch }
    for (const listener of [...listeners]) listener(state)
  }
  const flush = () => {
    cancelFrame = undefined
    const messages = keep > 0 ? state.messages.concat(unseen).slice(-keep) : NONE
    unseen = []
    set({ data: latest?.data, message: latest, messages })
  }
  const open = () => {
    onLive?.(true)
    if (state.status !== 'pending') set({ status: 'pending', error: undefined })
    const onStatus = (s: SubscriptionStatus) => {
      if (s.status === 'active') set({ status: 'active' }) // errors arrive through `error` below
    }
    subscription = source.subscribe<T>(filters, { qos: options.qos ?? 0, codec: options.codec ?? 'auto', onStatus }).subscribe({
      next: message => {
        if (onMessage) return onMessage(message)
        latest = message
        // Bounded between frames too: a flood in a background tab (no frames) must not grow without end.
        if (keep > 0 && unseen.push(message) > 2 * keep) unseen = unseen.slice(-keep)
        cancelFrame ??= nextFrame(flush)
      },
      error: error => set({ status: 'error', error: toPubSubError(error) }),
      complete: () => set({ status: 'closed' }),
    })
  }
  const release = () => {
    onLive?.(false)
    releaseTimer = undefined
    subscription?.unsubscribe()
    subscription = undefined
    cancelFrame?.()
    cancelFrame = undefined
    unseen = []
  }

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener)
      clearTimeout(releaseTimer)
      releaseTimer = undefined
      if (!subscription) open()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && releaseTimer === undefined) releaseTimer = setTimeout(release, 0)
      }
    },
  }
}
