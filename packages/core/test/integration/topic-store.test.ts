import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { IDLE_TOPIC, idleTopic, PubSubError, type PubSub, type TopicState } from '../../src/index'
import { sleep, tabs } from '../helpers'

let broker: TestBroker
let pubsub: PubSub
let outside: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = tabs(broker, 4, 1).clients[0]!
})
beforeEach(() => {
  pubsub = tabs(broker, 4, 1).clients[0]!
})
afterEach(() => pubsub.close())
afterAll(async () => {
  await outside.close()
  await broker.close()
})

const until = async (check: () => boolean, what: string, ms = 5000) => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`)
    await sleep(5)
  }
}
const unsubscribes = (filter: string) => broker.log().filter(line => line.endsWith(` unsubscribe ${filter}`)).length

describe('pubsub.topic()', () => {
  it('opens with its first listener: pending, then the retained message and active', async () => {
    await outside.publish('store/status', { online: true }, { qos: 1, retain: true })
    const store = pubsub.topic<{ online: boolean }>('store/status')
    expect(store.get().status).toBe('pending')
    await sleep(20)
    expect(broker.subscribeCount('store/status')).toBe(0) // nothing before a listener
    const seen: TopicState<{ online: boolean }>[] = []
    const off = store.subscribe(s => seen.push(s))
    await until(() => store.get().status === 'active' && store.get().data !== undefined, 'active with data')
    expect(store.get().data).toEqual({ online: true })
    expect(store.get().message?.retain).toBe(true)
    expect(seen.at(-1)).toBe(store.get()) // listeners receive the snapshot get() returns
    off()
    await outside.publish('store/status', '', { qos: 1, retain: true })
  })

  it('folds a burst into one snapshot, keeping the last `keep` messages in order', async () => {
    const store = pubsub.topic<number>('store/burst', { keep: 3, codec: 'json' })
    let snapshots = 0
    const off = store.subscribe(() => void snapshots++)
    await until(() => store.get().status === 'active', 'active')
    const before = snapshots
    // One publish call of ten topics: the hub delivers them in one batch, the store makes one snapshot.
    const device = tabs(broker, 4, 1).clients[0]!
    await Promise.all(Array.from({ length: 10 }, (_, i) => device.publish('store/burst', i + 1, { qos: 1 })))
    await until(() => store.get().data === 10, 'the last message')
    await sleep(50)
    expect(store.get().messages.map(m => m.data)).toEqual([8, 9, 10])
    // Ten messages, far fewer snapshots: at most one per 16 ms frame where there are no frames.
    expect(snapshots - before).toBeLessThan(10)
    off()
    await device.close()
  })

  it('a listener that leaves and one that comes in the same tick keep the subscription: no UNSUBSCRIBE, no second SUBSCRIBE', async () => {
    const store = pubsub.topic('store/remount')
    const first = store.subscribe(() => {})
    await until(() => store.get().status === 'active', 'active')
    first()
    const second = store.subscribe(() => {}) // a StrictMode remount, a v-if toggle
    await sleep(400) // past the store's release tick and the hub's unsubscribe linger
    expect(broker.subscribeCount('store/remount')).toBe(1)
    expect(unsubscribes('store/remount')).toBe(0)
    second()
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'store/remount'), 5000, 'released')
    expect(unsubscribes('store/remount')).toBe(1)
  })

  it('while a store is live, the same question gets the same store: a remount costs the broker nothing and shows the data at once', async () => {
    await outside.publish('store/shared', 'retained', { qos: 1, retain: true })
    const first = pubsub.topic('store/shared', { qos: 1 })
    const offFirst = first.subscribe(() => {})
    await until(() => first.get().data === 'retained', 'the retained message')
    expect(pubsub.topic('store/shared', { qos: 1 })).toBe(first)
    expect(pubsub.topic('store/shared', { qos: 0 })).not.toBe(first) // another question
    expect(pubsub.topic('store/shared', { qos: 1, onMessage: () => {} })).not.toBe(first) // a callback is its caller's own
    // A component torn down and another mounted for the same topic (a v-if toggle, a route and back).
    offFirst()
    const again = pubsub.topic('store/shared', { qos: 1 })
    expect(again).toBe(first)
    const offAgain = again.subscribe(() => {})
    expect(again.get().data).toBe('retained')
    await sleep(300)
    expect(broker.subscribeCount('store/shared')).toBe(1)
    offAgain()
    await sleep(20) // released a tick after its last listener: the next question gets a new store
    expect(pubsub.topic('store/shared', { qos: 1 })).not.toBe(first)
    await outside.publish('store/shared', '', { qos: 1, retain: true })
  })

  it('onMessage takes every message and the snapshot stays without data', async () => {
    const got: unknown[] = []
    const store = pubsub.topic('store/cb', { onMessage: m => void got.push(m.data) })
    const off = store.subscribe(() => {})
    await until(() => store.get().status === 'active', 'active')
    for (let i = 0; i < 5; i++) await outside.publish('store/cb', i, { qos: 1 })
    await until(() => got.length === 5, 'five callbacks')
    expect(got).toEqual([0, 1, 2, 3, 4])
    expect(store.get().data).toBeUndefined()
    off()
  })

  it('an invalid filter gives status error with INVALID_FILTER, and other stores go on', async () => {
    const bad = pubsub.topic('store/#/bad')
    const good = pubsub.topic('store/good')
    const offBad = bad.subscribe(() => {})
    const offGood = good.subscribe(() => {})
    await until(() => bad.get().status === 'error', 'error')
    expect(bad.get().error).toBeInstanceOf(PubSubError)
    expect(bad.get().error?.code).toBe('INVALID_FILTER')
    await until(() => good.get().status === 'active', 'the good one active')
    await outside.publish('store/good', 'fine', { qos: 1 })
    await until(() => good.get().data === 'fine', 'a message on the good one')
    offBad()
    offGood()
  })

  it('closing the client gives status closed; a store made after close gives CLOSED', async () => {
    const store = pubsub.topic('store/closing')
    const off = store.subscribe(() => {})
    await until(() => store.get().status === 'active', 'active')
    await pubsub.close()
    expect(store.get().status).toBe('closed')
    const late = pubsub.topic('store/late')
    const offLate = late.subscribe(() => {})
    expect(late.get().status).toBe('error')
    expect(late.get().error?.code).toBe('CLOSED')
    off()
    offLate()
  })

  it('the idle snapshot is frozen and shared; idleTopic never subscribes', () => {
    expect(Object.isFrozen(IDLE_TOPIC)).toBe(true)
    expect(Object.isFrozen(IDLE_TOPIC.messages)).toBe(true)
    expect(IDLE_TOPIC.status).toBe('idle')
    expect(idleTopic.get()).toBe(IDLE_TOPIC)
    const off = idleTopic.subscribe(() => {
      throw new Error('never called')
    })
    off()
  })
})
