'use client'
import { useContext } from 'react'
import { PubSubError, type PubSub } from '@tabmq/core'
import { PubSubContext } from './PubSubProvider.js'

/**
 * The tabmq client of the nearest `<PubSubProvider>`, for what the other hooks do not cover
 * (`getStats()`, RxJS interop). Throws a `PubSubError` (`INVALID_OPTIONS`) outside a provider.
 *
 * @example
 * const pubsub = usePubSub()
 * useEffect(() => { void pubsub.getStats().then(s => setTabs(s.tabs)) }, [pubsub])
 */
export function usePubSub(): PubSub {
  const client = useContext(PubSubContext)
  if (!client) {
    throw new PubSubError('INVALID_OPTIONS', 'No tabmq client: wrap the app in <PubSubProvider client={pubsub}> from @tabmq/react.')
  }
  return client
}
