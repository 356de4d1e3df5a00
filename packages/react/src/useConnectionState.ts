'use client'
import { useSyncExternalStore } from 'react'
import type { ConnectionState } from '@tabmq/core'
import { usePubSub } from './usePubSub.js'

/** What the server renders (and hydration starts from): nothing connects on the server. */
const SERVER_STATE: ConnectionState = Object.freeze({ status: 'idle', attempt: 0 })
const serverState = () => SERVER_STATE

/**
 * The shared connection's state: `status` (`idle`, `connecting`, `connected`, `reconnecting`,
 * `offline`, `closed`), the last `error` (a `PubSubError`) and the reconnect `attempt`.
 *
 * @example
 * const { status, error } = useConnectionState()
 * return <span title={error?.message}>{status}</span>
 */
export function useConnectionState(): ConnectionState {
  const { connectionState } = usePubSub()
  return useSyncExternalStore(connectionState.subscribe, connectionState.get, serverState)
}
