import { getCurrentInstance, provide } from 'vue'
import { PubSubError, type PubSub } from '@tabmq/core'
import { assertClient } from './assertClient.js'
import { pubsubKey } from './pubsubKey.js'

/**
 * Gives the components below this one a tabmq client (another broker or login for one subtree,
 * a test harness). Call it in a component's `setup`; for the whole app use `createTabmq`.
 *
 * @example
 * // AdminPanel.vue
 * <script setup lang="ts">
 * provideTabmq(adminPubSub) // a client with the admin's login, for this panel only
 * </script>
 */
export function provideTabmq(pubsub: PubSub): void {
  assertClient(pubsub, 'provideTabmq(pubsub)')
  // Vue's provide() outside setup only warns in development and does nothing in production.
  if (!getCurrentInstance()) {
    throw new PubSubError('INVALID_OPTIONS', "provideTabmq(pubsub) works in a component's setup(); for the whole app use app.use(createTabmq(pubsub)).")
  }
  provide(pubsubKey, pubsub)
}
