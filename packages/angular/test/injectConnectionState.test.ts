import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core'
import { TestBed } from '@angular/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPubSub, type ConnectionState } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { injectConnectionState, provideTabmq } from '../src/index'
import { client, until } from './helpers'

let broker: TestBroker

beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
afterAll(async () => {
  TestBed.resetTestingModule()
  await broker.close()
})

describe('injectConnectionState', () => {
  it('starts the client and follows its state: connecting, connected, closed', async () => {
    const pubsub = client(broker)
    TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
    const state = TestBed.runInInjectionContext(() => injectConnectionState())
    const seen = new Set<string>([state().status])
    await until('connected', () => (seen.add(state().status), state().status === 'connected'))
    expect(seen.has('idle') || seen.has('connecting')).toBe(true)
    expect(state().error).toBeUndefined()
    await pubsub.close()
    await until('closed', () => state().status === 'closed')
    TestBed.resetTestingModule()
  })

  it('a refused login shows as offline with BAD_CREDENTIALS, and the password is in no message', async () => {
    const guarded = await startTestBroker('aedes', { users: { alice: 'secret' } })
    const pubsub = createPubSub({ provider: mqttOverWs({ url: guarded.wsUrl, username: 'alice', password: 'wrong-password' }), hub: createHub({ warn: () => {} }) })
    try {
      TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
      const state = TestBed.runInInjectionContext(() => injectConnectionState())
      await until('offline', () => state().status === 'offline')
      expect(state().error?.code).toBe('BAD_CREDENTIALS')
      expect(state().error?.message).not.toContain('wrong-password')
    } finally {
      TestBed.resetTestingModule()
      await guarded.close()
    }
  })

  it('stops listening when its injector is destroyed', async () => {
    const pubsub = client(broker)
    TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
    const scope = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector))
    const state = injectConnectionState({ injector: scope })
    await until('connected', () => state().status === 'connected')
    const last: ConnectionState = state()
    scope.destroy()
    await pubsub.close()
    expect(pubsub.connectionState.get().status).toBe('closed')
    expect(state()).toBe(last)
    TestBed.resetTestingModule()
  })
})
