'use client'
import { createContext, type ReactNode } from 'react'
import type { PubSub } from '@tabmq/core'

/** The client the hooks read; null outside a provider (usePubSub turns that into a clear error). */
export const PubSubContext = createContext<PubSub | null>(null)

export interface PubSubProviderProps {
  /** The app's client from `createPubSub`. The provider neither creates nor closes it. */
  client: PubSub
  children?: ReactNode
}

/**
 * Gives the hooks below it a tabmq client. The app owns the client (create it once, at module
 * level): StrictMode remounts and route changes then keep the one shared connection.
 *
 * @example
 * const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:8083/mqtt' }) })
 * createRoot(root).render(<PubSubProvider client={pubsub}><App /></PubSubProvider>)
 */
export function PubSubProvider({ client, children }: PubSubProviderProps) {
  // `.Provider` rather than React 19's `<Context value>`: React 18 is a supported peer.
  return <PubSubContext.Provider value={client}>{children}</PubSubContext.Provider>
}
