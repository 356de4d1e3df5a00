import { type ApplicationRef, Component, NgZone, afterEveryRender, inject, provideZoneChangeDetection, type Type } from '@angular/core'
import { bootstrapApplication } from '@angular/platform-browser'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { filter, firstValueFrom } from 'rxjs'
import type { PubSub } from '@tabmq/core'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { PubSubService, injectConnectionState, injectPublish, injectTopic, provideTabmq } from '../../src/index'
import { client, until } from '../helpers'

let broker: TestBroker
let outside: PubSub
let pubsub: PubSub
let app: ApplicationRef | undefined

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = client(broker)
})
beforeEach(() => {
  pubsub = client(broker)
  document.body.innerHTML = '<app-root></app-root>'
})
afterEach(async () => {
  app?.destroy()
  app = undefined
  await pubsub.close()
})
afterAll(async () => {
  await outside.close()
  await broker.close()
})

/** A zone.js application, as `ng new --zoneless=false` makes it. */
async function bootstrap(root: Type<unknown>): Promise<ApplicationRef> {
  app = await bootstrapApplication(root, { providers: [provideZoneChangeDetection({ eventCoalescing: true }), provideTabmq(() => pubsub)] })
  return app
}

describe('with zone.js', () => {
  it('runs inside a zone.js application', async () => {
    @Component({ selector: 'app-root', template: '{{ zoned }}' })
    class Root {
      readonly zoned = typeof Zone !== 'undefined' && NgZone.isInAngularZone()
    }
    const appRef = await bootstrap(Root)
    expect(appRef.injector.get(NgZone).constructor.name).toBe('NgZone') // not the zoneless NoopNgZone
    expect(document.body.textContent).toBe('true')
  })

  it('calls the client outside the Angular zone, so its worker, port and timers run no change detection', async () => {
    const calls: Array<[string, boolean]> = []
    for (const method of ['subscribe', 'publish'] as const) {
      const original = pubsub[method].bind(pubsub) as (...args: unknown[]) => unknown
      vi.spyOn(pubsub, method).mockImplementation(((...args: unknown[]) => (calls.push([method, NgZone.isInAngularZone()]), original(...args))) as never)
    }
    const state = pubsub.connectionState
    const subscribeState = state.subscribe.bind(state)
    vi.spyOn(state, 'subscribe').mockImplementation(listener => (calls.push(['connectionState', NgZone.isInAngularZone()]), subscribeState(listener)))

    @Component({ selector: 'app-root', template: '{{ state().status }} {{ topic().status }} {{ service() }}' })
    class Root {
      readonly state = injectConnectionState()
      readonly topic = injectTopic('zone/x')
      readonly publisher = injectPublish()
      readonly rx = inject(PubSubService)
      service = () => 'rx'
      constructor() {
        this.rx.topic$('zone/y').subscribe()
      }
    }
    const appRef = await bootstrap(Root)
    const root = appRef.components[0]!.instance as Root
    await until('active', () => root.topic().status === 'active')
    // A click handler runs in the zone; its publish still leaves it.
    await appRef.injector.get(NgZone).run(() => root.publisher.publish('zone/x', 1, { qos: 1 }))
    expect(calls.map(([method]) => method).sort()).toEqual(['connectionState', 'publish', 'subscribe', 'subscribe'])
    expect(calls.filter(([, inZone]) => inZone)).toEqual([])
  })

  it('the application becomes stable while its subscriptions are open', async () => {
    @Component({ selector: 'app-root', template: '{{ state().status }} {{ topic().status }}' })
    class Root {
      readonly state = injectConnectionState()
      readonly topic = injectTopic('stable/x')
    }
    const appRef = await bootstrap(Root)
    const root = appRef.components[0]!.instance as Root
    await until('active', () => root.topic().status === 'active' && root.state().status === 'connected')
    await firstValueFrom(appRef.isStable.pipe(filter(Boolean)))
    expect(document.body.textContent).toBe('connected active')
  })

  it('a flood of messages causes at most one change detection per frame', async () => {
    const N = 300
    let renders = 0
    @Component({ selector: 'app-root', template: '<p>{{ latest().data ?? "-" }}</p>' })
    class Root {
      readonly latest = injectTopic<number>('zone/burst')
      constructor() {
        afterEveryRender(() => void renders++)
      }
    }
    const appRef = await bootstrap(Root)
    const root = appRef.components[0]!.instance as Root
    await until('active', () => root.latest().status === 'active')
    const before = renders
    await Promise.all(Array.from({ length: N }, (_, i) => outside.publish('zone/burst', i, { qos: 1 })))
    await until('the last message rendered', () => document.body.textContent === String(N - 1))
    expect(renders - before).toBeLessThan(N / 10)
  })
})
