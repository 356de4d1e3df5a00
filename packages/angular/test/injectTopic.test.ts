import { Component, EnvironmentInjector, afterEveryRender, createEnvironmentInjector, signal } from '@angular/core'
import { TestBed } from '@angular/core/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { PubSubError, type Message, type PubSub } from '@tabmq/core'
import { brokerHas, brokerLacks, hubFilters, sleep, startTestBroker, type TestBroker, unsubscribeCount } from '@tabmq/broker/testing'
import { injectTopic, provideTabmq } from '../src/index'
import { client, until } from './helpers'

let broker: TestBroker
let outside: PubSub
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = client(broker)
})
beforeEach(() => {
  pubsub = client(broker)
  TestBed.configureTestingModule({ providers: [provideTabmq(() => pubsub)] })
})
afterEach(async () => {
  TestBed.resetTestingModule() // destroys the app: provideTabmq closes the client
  await pubsub.close()
})
afterAll(async () => {
  await outside.close()
  await broker.close()
})

/** injectTopic in the test module's root injection context. */
const rootTopic: typeof injectTopic = (filters, options) => TestBed.runInInjectionContext(() => injectTopic(filters, options))

describe('injectTopic', () => {
  it('gives the retained message, then live ones, with the status going pending → active', async () => {
    await outside.publish('status/d1', { online: true }, { qos: 1, retain: true })
    const topic = rootTopic<{ online: boolean }>('status/d1')
    expect(topic().status).toBe('pending')
    expect(topic().data).toBeUndefined()
    await until('the retained message', () => topic().data?.online === true)
    expect(topic().message?.retain).toBe(true)
    expect(topic().message?.topic).toBe('status/d1')
    await until('active', () => topic().status === 'active')
    await outside.publish('status/d1', { online: false }, { qos: 1, retain: true })
    await until('the live message', () => topic().data?.online === false)
    expect(topic().messages).toEqual([]) // keep defaults to 0
    expect(topic().error).toBeUndefined()
    await outside.publish('status/d1', '', { qos: 1, retain: true })
  })

  it('keeps the last `keep` messages, oldest first', async () => {
    const topic = rootTopic<number>('keep/+', { keep: 3, codec: 'json' })
    await until('active', () => topic().status === 'active')
    for (let i = 1; i <= 5; i++) await outside.publish(`keep/${i}`, i, { qos: 1 })
    await until('the fifth message', () => topic().data === 5)
    expect(topic().messages.map(m => m.data)).toEqual([3, 4, 5])
    expect(topic().messages.map(m => m.topic)).toEqual(['keep/3', 'keep/4', 'keep/5'])
  })

  it('a computed filter swaps the subscription: the new one first, no gap on a shared filter, the old one released', async () => {
    const which = signal('b')
    const topic = rootTopic(() => ['swap/a', `swap/${which()}`])
    await until('active', () => topic().status === 'active')
    await brokerHas(broker, 'swap/b')
    which.set('c')
    expect(topic().status).toBe('pending')
    expect(topic().data).toBeUndefined()
    await until('active again', () => topic().status === 'active')
    await brokerHas(broker, 'swap/c')
    await brokerLacks(broker, 'swap/b')
    // swap/a was wanted by both subscriptions: it never left the broker.
    expect(unsubscribeCount(broker, 'swap/a')).toBe(0)
    expect(broker.subscriptions().some(s => s.filter === 'swap/a')).toBe(true)
    expect(await hubFilters(pubsub)).toEqual([
      { filter: 'swap/a', refs: 1 },
      { filter: 'swap/c', refs: 1 },
    ])
    await outside.publish('swap/b', 'old', { qos: 1 })
    await outside.publish('swap/a', 'shared', { qos: 1 })
    await until('the shared filter', () => topic().data === 'shared')
    await outside.publish('swap/c', 'new', { qos: 1 })
    await until('the new filter', () => topic().data === 'new')
  })

  it('a filter function that returns an equal array keeps its subscription', async () => {
    const unrelated = signal(0)
    const topic = rootTopic(() => (unrelated(), ['same/a', 'same/b']))
    await until('active', () => topic().status === 'active')
    unrelated.set(1)
    expect(topic().status).toBe('active')
    unrelated.set(2)
    TestBed.tick()
    await sleep(50)
    expect(topic().status).toBe('active')
    expect(broker.subscribeCount('same/a')).toBe(1)
    expect(await hubFilters(pubsub)).toEqual([
      { filter: 'same/a', refs: 1 },
      { filter: 'same/b', refs: 1 },
    ])
  })

  it('enabled (a signal) holds the subscription back until it turns true, and releases it when false', async () => {
    const enabled = signal(false)
    const topic = rootTopic('later/x', { enabled })
    TestBed.tick()
    expect(topic().status).toBe('idle')
    await sleep(100)
    expect(broker.subscribeCount('later/x')).toBe(0)
    enabled.set(true)
    await until('active', () => topic().status === 'active')
    enabled.set(false)
    expect(topic().status).toBe('idle')
    await brokerLacks(broker, 'later/x')
  })

  it('a destroyed component releases its subscription: the broker sees the UNSUBSCRIBE', async () => {
    @Component({ template: `<p>{{ topic().status }}</p>` })
    class Reader {
      readonly topic = injectTopic('unmount/#')
    }
    const fixture = TestBed.createComponent(Reader)
    await until('active', () => fixture.componentInstance.topic().status === 'active')
    await brokerHas(broker, 'unmount/#')
    await fixture.whenStable()
    expect(fixture.nativeElement.textContent).toBe('active')
    fixture.destroy()
    await brokerLacks(broker, 'unmount/#')
    expect(unsubscribeCount(broker, 'unmount/#')).toBe(1)
    expect(await hubFilters(pubsub)).toEqual([])
  })

  it('with `injector`, works outside an injection context and ends with that injector', async () => {
    const parent = TestBed.inject(EnvironmentInjector)
    const scope = createEnvironmentInjector([], parent)
    const topic = injectTopic('scoped/x', { injector: scope })
    await until('active', () => topic().status === 'active')
    await outside.publish('scoped/x', 7, { qos: 1 })
    await until('the message', () => topic().data === 7)
    scope.destroy()
    await brokerLacks(broker, 'scoped/x')
  })

  it('outside an injection context and without `injector`, says so', () => {
    expect(() => injectTopic('nowhere/x')).toThrow(/injectTopic\(\) can only be used within an injection context/)
  })

  it('a bad filter fails that signal alone with a PubSubError', async () => {
    const bad = rootTopic('bad/#/x')
    const good = rootTopic('good/x')
    await until('the error', () => bad().status === 'error')
    expect(bad().error).toBeInstanceOf(PubSubError)
    expect(bad().error?.code).toBe('INVALID_FILTER')
    expect(bad().error?.message).toMatch(/#/)
    await until('the good one active', () => good().status === 'active')
    await outside.publish('good/x', 1, { qos: 1 })
    await until('the good one gets messages', () => good().data === 1)
    expect(good().error).toBeUndefined()
  })

  it('a subscription the broker refuses reports it', async () => {
    const guarded = await startTestBroker('aedes', { denySubscribe: ['secret/#'] })
    const guardedClient = client(guarded)
    try {
      TestBed.resetTestingModule()
      TestBed.configureTestingModule({ providers: [provideTabmq(() => guardedClient)] })
      const topic = rootTopic('secret/plans')
      await until('the refusal', () => topic().status === 'error')
      expect(topic().error?.code).toMatch(/SUBSCRIBE_REFUSED|NOT_AUTHORIZED/)
      expect(topic().error?.message).toContain('secret/plans')
    } finally {
      TestBed.resetTestingModule()
      await guardedClient.close()
      await guarded.close()
    }
  })

  it("closing the client ends the signal's subscription with status closed", async () => {
    const topic = rootTopic('closing/x')
    await until('active', () => topic().status === 'active')
    await pubsub.close()
    await until('closed', () => topic().status === 'closed')
  })

  it('a fast topic renders once a frame, not once a message; onMessage sees every message', async () => {
    const N = 300
    const seen: Message[] = []
    let renders = 0
    @Component({
      template: `<p id="latest" [attr.data-status]="latest().status" [attr.data-kept]="kept()">{{ latest().data ?? '-' }}</p><p id="every">{{ every().status }}</p>`,
    })
    class Burst {
      readonly latest = injectTopic<number>('burst/x', { keep: 5 })
      readonly every = injectTopic<number>('burst/x', { onMessage: m => void seen.push(m) })
      readonly kept = () => this.latest().messages.map(m => m.data).join(',')
      constructor() {
        afterEveryRender(() => void renders++)
      }
    }
    const fixture = TestBed.createComponent(Burst)
    const el = fixture.nativeElement as HTMLElement
    const text = (id: string) => el.querySelector(`#${id}`)?.textContent
    await until('both active', () => text('every') === 'active' && el.querySelector('#latest')?.getAttribute('data-status') === 'active')
    const before = renders
    await Promise.all(Array.from({ length: N }, (_, i) => outside.publish('burst/x', i, { qos: 1 })))
    await until('the last message rendered', () => text('latest') === String(N - 1))
    await until('every message seen', () => seen.length === N)
    expect(seen.map(m => m.data)).toEqual(Array.from({ length: N }, (_, i) => i))
    expect(el.querySelector('#latest')?.getAttribute('data-kept')).toBe([N - 5, N - 4, N - 3, N - 2, N - 1].join(','))
    expect(renders - before).toBeLessThan(N / 10)
  })

  it('onMessage runs without a render per message and without resubscribing', async () => {
    const got: unknown[] = []
    const onMessage = vi.fn((m: Message) => void got.push(m.data))
    const topic = rootTopic('cb/x', { onMessage })
    await until('active', () => topic().status === 'active')
    await outside.publish('cb/x', 'm', { qos: 1 })
    await until('the callback', () => got.length === 1)
    expect(got).toEqual(['m'])
    expect(topic().data).toBeUndefined() // delivered to the callback, not into the state
    expect(broker.subscribeCount('cb/x')).toBe(1)
  })
})
