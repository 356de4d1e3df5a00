import { inject } from '@angular/core'
import { PubSubError, type PubSub } from '@tabmq/core'
import { PUBSUB } from './PUBSUB.js'

/**
 * The tabmq client of `provideTabmq()`, for what the other functions do not cover (`getStats()`,
 * RxJS interop). Call it in an injection context. Throws a `PubSubError` (`INVALID_OPTIONS`)
 * without `provideTabmq()`.
 *
 * Calls you make on it run where you make them: inside the Angular zone of a zone.js app, its
 * callbacks then run change detection. The other functions of this package call it outside the zone.
 *
 * @example
 * const pubsub = injectPubSub()
 * const stats = await pubsub.getStats()
 */
export function injectPubSub(): PubSub {
  const client = inject(PUBSUB, { optional: true })
  if (!client) {
    throw new PubSubError(
      'INVALID_OPTIONS',
      'No tabmq client: add provideTabmq({ provider }) to the providers of bootstrapApplication (or of the route) from @tabmq/angular.',
    )
  }
  return client
}
