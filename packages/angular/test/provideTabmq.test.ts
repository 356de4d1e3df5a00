import { Component, EnvironmentInjector, createEnvironmentInjector, inject } from '@angular/core'
import { TestBed } from '@angular/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PubSubError } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { PUBSUB, PubSubService, injectConnectionState, injectPubSub, injectTopic, provideTabmq } from '../src/index'
import { client, until } from './helpers'

let broker: TestBroker

beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
afterAll(async () => {
  TestBed.resetTestingModule()
  await broker.close()
})

const tabmqConnections = () => broker.connectedClients().filter(id => id.startsWith('tabmq_'))

describe('provideTabmq', () => {
  it('makes a client from createPubSub options, starts nothing until used, and closes it when the app is destroyed', async () => {
    const hub = createHub({ warn: () => {} })
    TestBed.configureTestingModule({ providers: [provideTabmq({ provider: mqttOverWs({ url: broker.wsUrl }), hub })] })
    const pubsub = TestBed.inject(PUBSUB)
    expect(pubsub.connectionState.get().status).toBe('idle')
    expect((await hub.stats()).tabs).toBe(0) // no session opened: created is not started
    const state = TestBed.runInInjectionContext(() => injectConnectionState())
    await until('connected', () => state().status === 'connected')
    expect(tabmqConnections()).toHaveLength(1)
    TestBed.resetTestingModule()
    await until('closed', () => pubsub.connectionState.get().status === 'closed')
    await broker.waitFor(() => tabmqConnections().length === 0, 5000, 'the broker connection closed')
  })

  it('takes a function returning a client, and closes that client on destroy too', async () => {
    const pubsub = client(broker)
    TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
    expect(TestBed.runInInjectionContext(() => injectPubSub())).toBe(pubsub)
    const topic = TestBed.runInInjectionContext(() => injectTopic('provided/x'))
    await until('active', () => topic().status === 'active')
    TestBed.resetTestingModule()
    await until('closed', () => pubsub.connectionState.get().status === 'closed')
    await expect(pubsub.publish('a', 'b')).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('rejects what is neither options nor a function, with INVALID_OPTIONS', () => {
    expect(() => provideTabmq(undefined as never)).toThrow(PubSubError)
    expect(() => provideTabmq('ws://x' as never)).toThrow(/provideTabmq needs createPubSub options/)
    TestBed.configureTestingModule({ providers: [provideTabmq((() => ({})) as never)] })
    expect(() => TestBed.inject(PUBSUB)).toThrow(/must return a client from createPubSub/)
    TestBed.resetTestingModule()
    TestBed.configureTestingModule({ providers: [provideTabmq({} as never)] })
    try {
      TestBed.inject(PUBSUB)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(PubSubError)
      expect((error as PubSubError).code).toBe('INVALID_OPTIONS')
    } finally {
      TestBed.resetTestingModule()
    }
  })

  it('without provideTabmq, every inject function says how to fix it', () => {
    @Component({ template: '' })
    class Orphan {
      readonly topic = injectTopic('a')
    }
    for (const use of [() => injectPubSub(), () => injectTopic('a'), () => injectConnectionState(), () => inject(PubSubService)] as Array<() => unknown>) {
      try {
        TestBed.runInInjectionContext(use)
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(PubSubError)
        expect((error as PubSubError).code).toBe('INVALID_OPTIONS')
        expect((error as PubSubError).message).toContain('provideTabmq(')
      }
    }
    expect(() => TestBed.createComponent(Orphan)).toThrow(/No tabmq client: add provideTabmq/)
    expect(TestBed.runInInjectionContext(() => inject(PUBSUB, { optional: true }))).toBeNull()
    TestBed.resetTestingModule()
  })

  it('a route-level provideTabmq gives its own client to what is under it', async () => {
    const app = client(broker)
    const route = client(broker)
    TestBed.configureTestingModule({ providers: [provideTabmq(() => app)] })
    const scope = createEnvironmentInjector([provideTabmq(() => route)], TestBed.inject(EnvironmentInjector))
    expect(scope.get(PUBSUB)).toBe(route)
    expect(TestBed.inject(PUBSUB)).toBe(app)
    expect(scope.get(PubSubService)).not.toBe(TestBed.inject(PubSubService))
    scope.destroy()
    await until('the route client closed', () => route.connectionState.get().status === 'closed')
    expect(app.connectionState.get().status).not.toBe('closed')
    TestBed.resetTestingModule()
    await until('the app client closed', () => app.connectionState.get().status === 'closed')
  })
})
