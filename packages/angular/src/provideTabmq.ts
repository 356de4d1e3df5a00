import { DestroyRef, NgZone, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core'
import { PubSubError, createPubSub, type CreatePubSubOptions, type PubSub } from '@tabmq/core'
import { PUBSUB } from './PUBSUB.js'
import { PubSubService } from './PubSubService.js'

/** What `provideTabmq` takes: `createPubSub` options, or a function that returns a new client. */
export type TabmqConfig = CreatePubSubOptions | (() => PubSub)

/**
 * Provides the tabmq client to an application (or a route): `injectTopic`, `injectPublish`,
 * `injectConnectionState`, `injectPubSub` and `PubSubService` read it. The client is made on
 * first use, outside the Angular zone, and closed when the application (the environment
 * injector) is destroyed, whichever form made it, so a factory should return a new client.
 * Nothing connects until a subscription, a publish or a state reader needs it, and nothing
 * connects during server rendering.
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideTabmq({
 *       provider: mqttOverWs({ url: 'wss://broker.example.com/mqtt' }),
 *       worker: () => new SharedWorker(new URL('./tabmq.worker', import.meta.url), { type: 'module', name: 'tabmq' }),
 *     }),
 *   ],
 * })
 */
export function provideTabmq(config: TabmqConfig): EnvironmentProviders {
  if (typeof config !== 'function' && (typeof config !== 'object' || config === null)) {
    throw new PubSubError('INVALID_OPTIONS', 'provideTabmq needs createPubSub options, like provideTabmq({ provider: mqttOverWs({ url }) }), or a function returning a client.')
  }
  return makeEnvironmentProviders([
    {
      provide: PUBSUB,
      useFactory: (): PubSub => {
        const zone = inject(NgZone)
        // Made outside the zone: the client's page listeners (pagehide, pageshow) run no change detection.
        const client = zone.runOutsideAngular(() => (typeof config === 'function' ? config() : createPubSub(config)))
        if (typeof client?.topic !== 'function' || typeof client.close !== 'function') {
          throw new PubSubError('INVALID_OPTIONS', 'The function given to provideTabmq must return a client from createPubSub().')
        }
        inject(DestroyRef).onDestroy(() => void zone.runOutsideAngular(() => client.close()))
        return client
      },
    },
    // Provided here too, so a route with its own provideTabmq() gets a service bound to its client.
    PubSubService,
  ])
}
