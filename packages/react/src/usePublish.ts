'use client'
import { useCallback, useState } from 'react'
import { toPubSubError, type PubSubError, type Payload, type PublishOptions } from '@tabmq/core'
import { usePubSub } from './usePubSub.js'


/** What `usePublish` returns. */
export interface PublishState {
  /** `pubsub.publish`: resolves on PUBACK (QoS 1) / PUBCOMP (QoS 2). Safe to ignore: failures also land in `error`. */
  publish: (topics: string | readonly string[], payload: Payload, options?: PublishOptions) => Promise<void>
  /** True while any publish from this hook is unacknowledged. */
  pending: boolean
  /** The error of the last publish to settle; cleared when one succeeds. */
  error: PubSubError | undefined
  /** Clears `error`. */
  reset: () => void
}

/**
 * Publishes, with the pending state and last error ready to render.
 *
 * @example
 * const { publish, pending, error } = usePublish()
 * <button disabled={pending} onClick={() => publish('devices/device-1/cmd/fan', { on: true }, { qos: 1 })}>Fan on</button>
 * {error && <p role="alert">{error.message}</p>}
 */
export function usePublish(): PublishState {
  const client = usePubSub()
  const [inFlight, setInFlight] = useState(0)
  const [error, setError] = useState<PubSubError | undefined>(undefined)
  const publish = useCallback(
    (topics: string | readonly string[], payload: Payload, options?: PublishOptions) => {
      setInFlight(n => n + 1)
      const done = client.publish(topics, payload, options)
      // This handler also marks `done` handled: a caller that ignores the promise gets no unhandled rejection.
      done.then(
        () => setError(undefined),
        e => setError(toPubSubError(e)),
      ).finally(() => setInFlight(n => n - 1))
      return done
    },
    [client],
  )
  const reset = useCallback(() => setError(undefined), [])
  return { publish, pending: inFlight > 0, error, reset }
}
