import { onScopeDispose, shallowRef, toRef, type Ref } from 'vue'
import type { ConnectionState } from '@tabmq/core'
import { onClient } from './onClient.js'
import { usePubSub } from './usePubSub.js'

/** What the server renders (and hydration starts from): nothing connects on the server. */
const IDLE: ConnectionState = Object.freeze({ status: 'idle', attempt: 0 })

/**
 * The shared connection's state as a readonly ref: `status` (`idle`, `connecting`, `connected`,
 * `reconnecting`, `offline`, `closed`), the last `error` (a `PubSubError`) and the reconnect
 * `attempt`. Listening starts the client (in the browser only: on the server it stays `idle`).
 *
 * @example
 * const connection = useConnectionState()
 * // <span :title="connection.error?.message">{{ connection.status }}</span>
 */
export function useConnectionState(): Readonly<Ref<ConnectionState>> {
  const { connectionState } = usePubSub()
  const state = shallowRef<ConnectionState>(IDLE)
  let release: (() => void) | undefined
  onClient(() => {
    release = connectionState.subscribe(next => {
      state.value = next
    })
    state.value = connectionState.get()
  })
  onScopeDispose(() => {
    release?.()
    release = undefined
  })
  return toRef(() => state.value)
}
