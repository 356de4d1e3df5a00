'use client'
import { useInsertionEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { IDLE_TOPIC, idleTopic, type Message, type TopicOptions, type TopicState, type TopicStore } from '@tabmq/core'
import { usePubSub } from './usePubSub.js'

export interface UseTopicOptions<T = unknown> extends TopicOptions<T> {
  /** `false` holds the subscription back (status `idle`), for example until a device is chosen. Default true. */
  enabled?: boolean
}

const serverState = () => IDLE_TOPIC

/**
 * Subscribes while the component is mounted and returns the latest message, the last `keep`
 * messages and the subscription's status: a view of core's `pubsub.topic()` store. Re-renders at
 * most once a frame, however fast the topic. Changing the filter swaps the subscription (the new
 * one first, then the old one goes).
 *
 * @example
 * const { data, status, error } = useTopic<{ temperature: number }>('devices/device-1/telemetry')
 * if (error) return <p>{error.message}</p>
 * return <p>{status === 'active' ? data?.temperature : '…'}</p>
 */
export function useTopic<T = unknown>(filters: string | readonly string[], options: UseTopicOptions<T> = {}): TopicState<T> {
  const client = usePubSub()
  const { qos = 0, codec = 'auto', enabled = true, keep = 0, onMessage } = options
  // A key, so an inline array (`useTopic(['a', 'b'])`) does not resubscribe on every render.
  const key = JSON.stringify(typeof filters === 'string' ? [filters] : filters)
  const onMessageRef = useRef(onMessage)
  useInsertionEffect(() => {
    onMessageRef.current = onMessage
  })
  const wantsCallback = onMessage !== undefined
  const store = useMemo<TopicStore<T>>(
    () =>
      enabled
        ? client.topic<T>(JSON.parse(key) as string[], { qos, codec, keep, onMessage: wantsCallback ? (m: Message<T>) => onMessageRef.current?.(m) : undefined })
        : idleTopic,
    [client, key, qos, codec, keep, enabled, wantsCallback],
  )
  return useSyncExternalStore(store.subscribe, store.get, serverState)
}
