import { PubSubError, type Codec, type Message, type PubSub, type QoS, type Subscription, type SubscriptionStatus } from '@tabmq/core'

/** Where a `useTopic` subscription stands. `closed`: the client was closed. */
export type TopicStatus = 'idle' | 'pending' | 'active' | 'error' | 'closed'

/** What `useTopic` returns. */
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

/** The snapshot source `useSyncExternalStore` reads: the one contract of the hooks. */
export interface TopicStore<T> {
  get(): TopicState<T>
  subscribe(onChange: () => void): () => void
}

export interface TopicStoreOptions<T> {
  qos: QoS
  codec: Codec
  keep: number
  /** When set, messages go here one by one and never into the state. */
  onMessage: ((message: Message<T>) => void) | undefined
}

const NONE: readonly never[] = Object.freeze([])

/** The state before any subscription: what the server renders, and what `enabled: false` gives. */
export const IDLE: TopicState<never> = Object.freeze({ data: undefined, message: undefined, messages: NONE, status: 'idle', error: undefined })

export const idleStore: TopicStore<never> = { get: () => IDLE, subscribe: () => () => {} }

export function asPubSubError(error: unknown): PubSubError {
  return error instanceof PubSubError ? error : new PubSubError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error })
}

/** Runs `fn` before the next paint, or in 16 ms where there are no frames (Node, some workers). */
function nextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn)
    return () => cancelAnimationFrame(id)
  }
  const id = setTimeout(fn, 16)
  return () => clearTimeout(id)
}

/**
 * One `useTopic` call's subscription as an external store. Messages are folded into one new
 * snapshot per frame, so a fast topic re-renders at most once a frame; status changes show at once.
 * The core subscription opens with the first listener and is released a tick after the last
 * leaves, so StrictMode's unmount-remount reuses it and a filter swap subscribes before it unsubscribes.
 *
 * @example
 * const store = createTopicStore(pubsub, ['sensors/+/temp'], { qos: 0, codec: 'auto', keep: 0, onMessage: undefined })
 * useSyncExternalStore(store.subscribe, store.get, () => IDLE)
 */
export function createTopicStore<T>(client: PubSub, filters: string[], options: TopicStoreOptions<T>): TopicStore<T> {
  const { keep, onMessage } = options
  let state: TopicState<T> = { ...IDLE, status: 'pending' }
  const listeners = new Set<() => void>()
  let subscription: Subscription | undefined
  let releaseTimer: ReturnType<typeof setTimeout> | undefined
  let cancelFrame: (() => void) | undefined
  let latest: Message<T> | undefined
  let unseen: Message<T>[] = []

  const set = (patch: Partial<TopicState<T>>) => {
    state = { ...state, ...patch }
    for (const listener of [...listeners]) listener()
  }
  const flush = () => {
    cancelFrame = undefined
    const messages = keep > 0 ? state.messages.concat(unseen).slice(-keep) : NONE
    unseen = []
    set({ data: latest?.data, message: latest, messages })
  }
  const open = () => {
    if (state.status !== 'pending') set({ status: 'pending', error: undefined })
    const onStatus = (s: SubscriptionStatus) => {
      if (s.status === 'active') set({ status: 'active' }) // errors arrive through `error` below
    }
    subscription = client
      .subscribe<T>(filters, { qos: options.qos, codec: options.codec, onStatus })
      .subscribe({
        next: message => {
          if (onMessage) return onMessage(message)
          latest = message
          if (keep > 0 && unseen.push(message) > 2 * keep) unseen = unseen.slice(-keep)
          cancelFrame ??= nextFrame(flush)
        },
        error: error => set({ status: 'error', error: asPubSubError(error) }),
        complete: () => set({ status: 'closed' }),
      })
  }
  const release = () => {
    releaseTimer = undefined
    subscription?.unsubscribe()
    subscription = undefined
    cancelFrame?.()
    cancelFrame = undefined
    unseen = []
  }

  return {
    get: () => state,
    subscribe(onChange) {
      listeners.add(onChange)
      clearTimeout(releaseTimer)
      releaseTimer = undefined
      if (!subscription) open()
      return () => {
        listeners.delete(onChange)
        if (listeners.size === 0 && releaseTimer === undefined) releaseTimer = setTimeout(release, 0)
      }
    },
  }
}
