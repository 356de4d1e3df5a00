import { shallowRef, toRef, type Ref } from 'vue'
import { toPubSubError, type Payload, type PubSubError, type PublishOptions } from '@tabmq/core'
import { usePubSub } from './usePubSub.js'

/** What `usePublish` returns. */
export interface PublishState {
  /** `pubsub.publish`: resolves on PUBACK (QoS 1) / PUBCOMP (QoS 2). Safe to ignore: failures also land in `error`. */
  publish: (topics: string | readonly string[], payload: Payload, options?: PublishOptions) => Promise<void>
  /** True while any publish from this composable is unacknowledged. */
  pending: Readonly<Ref<boolean>>
  /** The error of the last publish to settle; cleared when one succeeds. */
  error: Readonly<Ref<PubSubError | undefined>>
  /** Clears `error`. */
  reset: () => void
}

/**
 * Publishes, with the pending state and last error as readonly refs.
 *
 * @example
 * const { publish, pending, error } = usePublish()
 * // <button :disabled="pending" @click="publish('devices/device-1/cmd/fan', { on: true }, { qos: 1 })">Fan on</button>
 * // <p v-if="error" role="alert">{{ error.message }}</p>
 */
export function usePublish(): PublishState {
  const client = usePubSub()
  const inFlight = shallowRef(0)
  const error = shallowRef<PubSubError | undefined>(undefined)
  const publish = (topics: string | readonly string[], payload: Payload, options?: PublishOptions) => {
    inFlight.value++
    const done = client.publish(topics, payload, options)
    // This handler also marks `done` handled: a caller that ignores the promise gets no unhandled rejection.
    done
      .then(
        () => {
          error.value = undefined
        },
        e => {
          error.value = toPubSubError(e)
        },
      )
      .finally(() => {
        inFlight.value--
      })
    return done
  }
  return {
    publish,
    pending: toRef(() => inFlight.value > 0),
    error: toRef(() => error.value),
    reset: () => {
      error.value = undefined
    },
  }
}
