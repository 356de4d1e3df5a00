import { TestBed } from '@angular/core/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PubSubError, type PubSub } from '@tabmq/core'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { injectPublish, injectTopic, provideTabmq } from '../src/index'
import { client, until } from './helpers'

let broker: TestBroker
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
beforeEach(() => {
  pubsub = client(broker)
  TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
})
afterEach(async () => {
  TestBed.resetTestingModule()
  await pubsub.close()
})
afterAll(async () => {
  await broker.close()
})

describe('injectPublish', () => {
  it('publishes with QoS 1, pending until the PUBACK, and the message reaches a subscriber', async () => {
    const received = TestBed.runInInjectionContext(() => injectTopic<{ on: boolean }>('cmd/fan', { qos: 1 }))
    await until('subscribed', () => received().status === 'active')
    const { publish, pending, error } = TestBed.runInInjectionContext(() => injectPublish())
    expect(pending()).toBe(false)
    const done = publish('cmd/fan', { on: true }, { qos: 1 })
    expect(pending()).toBe(true)
    await done
    await until('settled', () => !pending())
    expect(error()).toBeUndefined()
    await until('delivered', () => received().data?.on === true)
    expect(received().message?.qos).toBe(1)
  })

  it('a bad topic rejects with INVALID_TOPIC, keeps it in `error` until a publish succeeds or reset()', async () => {
    const { publish, pending, error, reset } = TestBed.runInInjectionContext(() => injectPublish())
    await expect(publish('bad/+/topic', 'x')).rejects.toMatchObject({ code: 'INVALID_TOPIC' })
    await until('settled', () => !pending())
    expect(error()).toBeInstanceOf(PubSubError)
    expect(error()?.code).toBe('INVALID_TOPIC')
    reset()
    expect(error()).toBeUndefined()
    void publish('bad/#', 'x') // ignored promise: no unhandled rejection, the error lands in the signal
    await until('the error', () => error()?.code === 'INVALID_TOPIC')
    await publish('good/topic', 'x', { qos: 1 })
    await until('cleared by a success', () => error() === undefined)
  })

  it('a payload that cannot be serialised rejects with INVALID_PAYLOAD', async () => {
    const { publish, error } = TestBed.runInInjectionContext(() => injectPublish())
    const cyclic: Record<string, unknown> = {}
    cyclic['self'] = cyclic
    await expect(publish('cyclic/x', cyclic)).rejects.toBeInstanceOf(PubSubError)
    await until('the error', () => error() !== undefined)
    expect(error()?.code).toBe('INVALID_PAYLOAD')
  })
})
