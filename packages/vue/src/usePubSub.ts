import { hasInjectionContext, inject } from 'vue'
import { PubSubError, type PubSub } from '@tabmq/core'
import { pubsubKey } from './pubsubKey.js'

/**
 * The tabmq client that `createTabmq` or the nearest `provideTabmq` gave, for what the other
 * composables do not cover (`getStats()`, RxJS interop). Works in `setup` and in
 * `app.runWithContext()`. Throws a `PubSubError` (`INVALID_OPTIONS`) when none was given.
 *
 * @example
 * const pubsub = usePubSub()
 * const stats = await pubsub.getStats()
 */
export function usePubSub(): PubSub {
  // inject() outside setup would only warn; the check makes the error say how to fix it.
  const client = hasInjectionContext() ? inject(pubsubKey, null) : null
  if (!client) {
    throw new PubSubError(
      'INVALID_OPTIONS',
      'No tabmq client: install it with app.use(createTabmq(pubsub)), or call provideTabmq(pubsub) in a parent component, from @tabmq/vue.',
    )
  }
  return client
}
