import { InjectionToken } from '@angular/core'
import type { PubSub } from '@tabmq/core'

/**
 * The DI token of the application's tabmq client, provided by `provideTabmq()`. Most code uses
 * `injectPubSub()`, which says how to fix a missing provider; the token is for
 * `inject(PUBSUB, { optional: true })` and for tests that provide a client of their own.
 *
 * @example
 * const pubsub = inject(PUBSUB, { optional: true }) // null without provideTabmq()
 */
export const PUBSUB = new InjectionToken<PubSub>('tabmq client')
