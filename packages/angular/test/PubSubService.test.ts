import { TestBed } from '@angular/core/testing'
import { toSignal } from '@angular/core/rxjs-interop'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { filter, firstValueFrom, map, take, toArray } from 'rxjs'
import { PubSubError, type ConnectionState, type PubSub } from '@tabmq/core'
import { brokerHas, brokerLacks, startTestBroker, type TestBroker, unsubscribeCount } from '@tabmq/broker/testing'
import { PubSubService, provideTabmq } from '../src/index'
import { client, until } from './helpers'

let broker: TestBroker
let outside: PubSub
let pubsub: PubSub
let service: PubSubService

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = client(broker)
})
beforeEach(() => {
  pubsub = client(broker)
  TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
  service = TestBed.inject(PubSubService)
})
afterEach(async () => {
  TestBed.resetTestingModule()
  await pubsub.close()
})
afterAll(async () => {
  await outside.close()
  await broker.close()
})

describe('PubSubService', () => {
  it('topic$ is an RxJS Observable of messages, each once however many filters match', async () => {
    const got = firstValueFrom(
      service.topic$<number>(['rx/+', 'rx/#'], { codec: 'json' }).pipe(
        map(m => `${m.topic}=${m.data}`),
        take(3),
        toArray(),
      ),
    )
    await brokerHas(broker, 'rx/#')
    for (let i = 1; i <= 3; i++) await outside.publish(`rx/${i}`, i, { qos: 1 })
    expect(await got).toEqual(['rx/1=1', 'rx/2=2', 'rx/3=3'])
    await brokerLacks(broker, 'rx/#') // take(3) unsubscribed
  })

  it('a bad filter errors with a PubSubError and its code', async () => {
    const error = await new Promise<unknown>(resolve => service.topic$('bad/#/x').subscribe({ error: resolve }))
    expect(error).toBeInstanceOf(PubSubError)
    expect((error as PubSubError).code).toBe('INVALID_FILTER')
  })

  it('topic$ and connectionState$ complete when the application is destroyed, and the broker sees the UNSUBSCRIBE', async () => {
    const events: string[] = []
    service.topic$('destroy/x').subscribe({ next: m => events.push(`message ${String(m.data)}`), complete: () => events.push('topic complete') })
    service.connectionState$.subscribe({ complete: () => events.push('state complete') })
    await brokerHas(broker, 'destroy/x')
    await outside.publish('destroy/x', 'hi', { qos: 1 })
    await until('the message', () => events.includes('message hi'))
    TestBed.resetTestingModule()
    expect(events).toEqual(['message hi', 'topic complete', 'state complete'])
    await brokerLacks(broker, 'destroy/x')
    expect(unsubscribeCount(broker, 'destroy/x')).toBe(1)
  })

  it('connectionState$ emits the state now, then each change', async () => {
    const connected = firstValueFrom(service.connectionState$.pipe(filter((s: ConnectionState) => s.status === 'connected')))
    expect((await connected).error).toBeUndefined()
    const first = await firstValueFrom(service.connectionState$)
    expect(first.status).toBe('connected')
  })

  it('publish resolves on PUBACK and rejects with a code', async () => {
    const got = firstValueFrom(service.topic$('svc/pub'))
    await brokerHas(broker, 'svc/pub')
    await service.publish('svc/pub', 'x', { qos: 1 })
    expect((await got).data).toBe('x')
    await expect(service.publish('svc/+', 'x')).rejects.toMatchObject({ code: 'INVALID_TOPIC' })
  })

  it('toSignal(topic$) renders the latest message', async () => {
    const latest = TestBed.runInInjectionContext(() => toSignal(service.topic$<number>('sig/x', { codec: 'json' }).pipe(map(m => m.data))))
    await brokerHas(broker, 'sig/x')
    await outside.publish('sig/x', 42, { qos: 1 })
    await until('the signal', () => latest() === 42)
  })
})
