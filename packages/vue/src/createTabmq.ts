import type { Plugin } from 'vue'
import type { PubSub } from '@tabmq/core'
import { assertClient } from './assertClient.js'
import { pubsubKey } from './pubsubKey.js'

/**
 * A Vue plugin that gives every component of the app a tabmq client. The app owns the client
 * (create it once, at module level): the plugin neither creates nor closes it, so hot reloads and
 * remounts keep the one shared connection.
 *
 * @example
 * const pubsub = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:8083/mqtt' }) })
 * createApp(App).use(createTabmq(pubsub)).mount('#app')
 */
export function createTabmq(pubsub: PubSub): Plugin {
  assertClient(pubsub, 'createTabmq(pubsub)')
  return {
    install(app) {
      app.provide(pubsubKey, pubsub)
    },
  }
}
