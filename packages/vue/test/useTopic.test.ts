import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { createApp, defineComponent, effectScope, h, nextTick, ref, type Ref } from 'vue'
import { PubSubError, type Message, type PubSub, type TopicStatus } from '@tabmq/core'
import { brokerHas, brokerLacks, hubFilters, sleep, startTestBroker, type TestBroker, unsubscribeCount } from '@tabmq/broker/testing'
import { createTabmq, useTopic, type TopicRefs } from '../src/index'
import { cleanup, client, eventually, withSetup } from './helpers'

let broker: TestBroker
let outside: PubSub
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
  outside = client(broker)
})
beforeEach(() => {
  pubsub = client(broker)
})
afterEach(async () => {
  cleanup()
  await pubsub.close()
})
afterAll(async () => {
  await outside.close()
  await broker.close()
})

interface Reading {
  temperature: number
}

describe('useTopic', () => {
  it('is typed by its generic: readonly refs of the TopicState fields', () => {
    type Refs = ReturnType<typeof useTopic<Reading>>
    expectTypeOf<Refs['data']['value']>().toEqualTypeOf<Reading | undefined>()
    expectTypeOf<Refs['message']['value']>().toEqualTypeOf<Message<Reading> | undefined>()
    expectTypeOf<Refs['messages']['value']>().toEqualTypeOf<readonly Message<Reading>[]>()
    expectTypeOf<Refs['status']['value']>().toEqualTypeOf<TopicStatus>()
    expectTypeOf<Refs['error']['value']>().toEqualTypeOf<PubSubError | undefined>()
    expectTypeOf<Refs['data']>().toMatchTypeOf<Readonly<Ref<Reading | undefined>>>()
    // Readonly: assigning `.value` does not compile.
    const assign = (refs: Refs) => {
      // @ts-expect-error the refs are readonly
      refs.status.value = 'active'
    }
    expect(typeof assign).toBe('function')
  })

  it('gives the retained message, then live ones, with the status going pending → active', async () => {
    await outside.publish('status/d1', { online: true }, { qos: 1, retain: true })
    const { result, warnings } = withSetup(() => useTopic<{ online: boolean }>('status/d1'), pubsub)
    expect(result.status.value).toBe('pending')
    expect(result.data.value).toBeUndefined()
    await eventually(() => expect(result.data.value).toEqual({ online: true }))
    expect(result.message.value?.retain).toBe(true)
    expect(result.message.value?.topic).toBe('status/d1')
    await eventually(() => expect(result.status.value).toBe('active'))
    await outside.publish('status/d1', { online: false }, { qos: 1, retain: true })
    await eventually(() => expect(result.data.value).toEqual({ online: false }))
    expect(result.messages.value).toEqual([]) // keep defaults to 0
    expect(result.error.value).toBeUndefined()
    expect(warnings).toEqual([])
    await outside.publish('status/d1', '', { qos: 1, retain: true })
  })

  it('renders in a template: the component updates with the data', async () => {
    const Reading = defineComponent({
      setup() {
        const { data, status } = useTopic<Reading>('render/d1', { codec: 'json' })
        return () => h('p', { 'data-status': status.value }, data.value ? `${data.value.temperature} °C` : '–')
      },
    })
    const app = createApp(Reading).use(createTabmq(pubsub))
    const el = document.createElement('div')
    app.mount(el)
    try {
      await eventually(() => expect(el.querySelector('p')?.dataset.status).toBe('active'))
      expect(el.textContent).toBe('–')
      await outside.publish('render/d1', { temperature: 21.5 }, { qos: 1 })
      await eventually(() => expect(el.textContent).toBe('21.5 °C'))
    } finally {
      app.unmount()
    }
  })

  it('keeps the last `keep` messages, oldest first', async () => {
    const { result } = withSetup(() => useTopic<number>('keep/+', { keep: 3, codec: 'json' }), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    for (let i = 1; i <= 5; i++) await outside.publish(`keep/${i}`, i, { qos: 1 })
    await eventually(() => expect(result.data.value).toBe(5))
    expect(result.messages.value.map(m => m.data)).toEqual([3, 4, 5])
    expect(result.messages.value.map(m => m.topic)).toEqual(['keep/3', 'keep/4', 'keep/5'])
  })

  it('a filter changed through a ref swaps the subscription: the new one first, no gap on a shared filter, the old one released', async () => {
    const filters = ref<string[]>(['swap/a', 'swap/b'])
    const { result } = withSetup(() => useTopic(filters), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'swap/b')
    filters.value = ['swap/a', 'swap/c']
    await nextTick()
    expect(result.status.value).toBe('pending')
    expect(result.data.value).toBeUndefined()
    await eventually(() => expect(result.status.value).toBe('active'))
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
    await eventually(() => expect(result.data.value).toBe('shared'))
    await outside.publish('swap/c', 'new', { qos: 1 })
    await eventually(() => expect(result.data.value).toBe('new'))
  })

  it('a filter changed through a getter (a prop, say) swaps the subscription; an in-place array change counts too', async () => {
    const device = ref('d1')
    const extra = ref<string[]>([])
    const { result } = withSetup(() => useTopic<string>(() => [`getter/${device.value}/t`, ...extra.value], { codec: 'text' }), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'getter/d1/t')
    device.value = 'd2'
    await nextTick()
    expect(result.status.value).toBe('pending')
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerLacks(broker, 'getter/d1/t')
    await outside.publish('getter/d2/t', 'two', { qos: 1 })
    await eventually(() => expect(result.data.value).toBe('two'))
    extra.value.push('getter/extra')
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'getter/extra')
    await outside.publish('getter/extra', 'more', { qos: 1 })
    await eventually(() => expect(result.data.value).toBe('more'))
  })

  it('a new array with the same filters does not resubscribe', async () => {
    const filters = ref(['same/a', 'same/b'])
    const topic = vi.spyOn(pubsub, 'topic')
    const { result } = withSetup(() => useTopic(filters), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    filters.value = ['same/a', 'same/b']
    await nextTick()
    filters.value = ['same/a', 'same/b']
    await nextTick()
    expect(result.status.value).toBe('active')
    await sleep(50)
    expect(topic).toHaveBeenCalledTimes(1)
    expect(broker.subscribeCount('same/a')).toBe(1)
    expect(await hubFilters(pubsub)).toEqual([
      { filter: 'same/a', refs: 1 },
      { filter: 'same/b', refs: 1 },
    ])
  })

  it('unmounting unsubscribes at the hub and at the broker', async () => {
    const { result, unmount } = withSetup(() => useTopic('unmount/#'), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'unmount/#')
    unmount()
    await brokerLacks(broker, 'unmount/#')
    expect(await hubFilters(pubsub)).toEqual([])
  })

  it('in a bare effect scope (a store), subscribes at once and stopping the scope unsubscribes at the broker', async () => {
    const app = createApp({ render: () => null }).use(createTabmq(pubsub))
    const scope = effectScope()
    const filter = ref('scope/a')
    const result = app.runWithContext(() => scope.run(() => useTopic(filter)))!
    expect(result.status.value).toBe('pending')
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'scope/a')
    filter.value = 'scope/b' // the watcher lives in the scope
    await brokerHas(broker, 'scope/b')
    scope.stop()
    await brokerLacks(broker, 'scope/b')
    await brokerLacks(broker, 'scope/a')
    filter.value = 'scope/c' // the watcher stopped with the scope
    await sleep(100)
    expect(broker.subscribeCount('scope/c')).toBe(0)
    expect(await hubFilters(pubsub)).toEqual([])
  })

  it('a nested scope in a component: stopping it releases the subscription and its watcher', async () => {
    const filter = ref('nested/a')
    const inner = effectScope()
    const { result } = withSetup(() => inner.run(() => useTopic(filter))!, pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    inner.stop()
    await brokerLacks(broker, 'nested/a')
    filter.value = 'nested/b'
    await sleep(100)
    expect(broker.subscribeCount('nested/b')).toBe(0)
  })

  it('a v-if toggle remounts without an UNSUBSCRIBE: the new instance gets the retained message, and no message comes twice', async () => {
    await outside.publish('remount/state', 'retained', { qos: 1, retain: true })
    const live: unknown[] = []
    const show = ref(true)
    let shown!: TopicRefs<string>
    const Reader = defineComponent({
      setup() {
        shown = useTopic<string>('remount/state', { codec: 'text' })
        useTopic<string>('remount/live', { codec: 'text', onMessage: m => void live.push(m.data) })
        return () => h('p', shown.data.value ?? '-')
      },
    })
    const app = createApp({ render: () => (show.value ? h(Reader) : null) }).use(createTabmq(pubsub))
    const el = document.createElement('div')
    app.mount(el)
    try {
      await eventually(() => expect(el.textContent).toBe('retained'))
      await brokerHas(broker, 'remount/live')
      const first = shown
      show.value = false
      await nextTick()
      show.value = true
      await nextTick()
      expect(shown).not.toBe(first)
      // The new instance starts empty and gets the retained message again (on MQTT 3.1.1 the hub
      // repeats the SUBSCRIBE for it, and routes the broker's replay to the newcomer only).
      await eventually(() => expect(el.textContent).toBe('retained'))
      await outside.publish('remount/live', 'one', { qos: 1 })
      await outside.publish('remount/live', 'two', { qos: 1 })
      await eventually(() => expect(live).toEqual(['one', 'two']))
      await sleep(300) // past the hub's linger: an UNSUBSCRIBE would have gone out by now
      expect(live).toEqual(['one', 'two'])
      expect(unsubscribeCount(broker, 'remount/state')).toBe(0)
      expect(unsubscribeCount(broker, 'remount/live')).toBe(0)
      expect(await hubFilters(pubsub)).toEqual(
        expect.arrayContaining([
          { filter: 'remount/live', refs: 1 },
          { filter: 'remount/state', refs: 1 },
        ]),
      )
      expect(await hubFilters(pubsub)).toHaveLength(2)
    } finally {
      app.unmount()
      await outside.publish('remount/state', '', { qos: 1, retain: true })
    }
  })

  it('a bad filter fails that composable alone with a PubSubError', async () => {
    const { result } = withSetup(() => ({ good: useTopic('good/x'), bad: useTopic('bad/#/x') }), pubsub)
    await eventually(() => expect(result.bad.status.value).toBe('error'))
    expect(result.bad.error.value).toBeInstanceOf(PubSubError)
    expect(result.bad.error.value?.code).toBe('INVALID_FILTER')
    expect(result.bad.error.value?.message).toMatch(/#/)
    await eventually(() => expect(result.good.status.value).toBe('active'))
    await outside.publish('good/x', 1, { qos: 1 })
    await eventually(() => expect(result.good.data.value).toBe(1))
    expect(result.good.error.value).toBeUndefined()
  })

  it('fixing a bad filter through its ref clears the error', async () => {
    const filter = ref('fix/#/x')
    const { result } = withSetup(() => useTopic(filter), pubsub)
    await eventually(() => expect(result.error.value?.code).toBe('INVALID_FILTER'))
    filter.value = 'fix/x'
    await nextTick()
    expect(result.error.value).toBeUndefined()
    await eventually(() => expect(result.status.value).toBe('active'))
  })

  it('a subscription the broker refuses reports it', async () => {
    const guarded = await startTestBroker('aedes', { denySubscribe: ['secret/#'] })
    const guardedClient = client(guarded)
    try {
      const { result } = withSetup(() => useTopic('secret/plans'), guardedClient)
      await eventually(() => expect(result.status.value).toBe('error'))
      expect(result.error.value?.code).toMatch(/SUBSCRIBE_REFUSED|NOT_AUTHORIZED/)
      expect(result.error.value?.message).toContain('secret/plans')
    } finally {
      cleanup()
      await guardedClient.close()
      await guarded.close()
    }
  })

  it('enabled (a ref) false holds the subscription back until it turns true, and releases it when false again', async () => {
    const enabled = ref(false)
    const { result } = withSetup(() => useTopic('later/x', { enabled }), pubsub)
    expect(result.status.value).toBe('idle')
    await sleep(100)
    expect(broker.subscribeCount('later/x')).toBe(0)
    enabled.value = true
    await nextTick()
    expect(result.status.value).toBe('pending')
    await eventually(() => expect(result.status.value).toBe('active'))
    enabled.value = false
    await nextTick()
    expect(result.status.value).toBe('idle')
    await brokerLacks(broker, 'later/x')
  })

  it('enabled as a getter: an empty filter holds back', async () => {
    const filter = ref('')
    const { result } = withSetup(() => useTopic(filter, { enabled: () => filter.value !== '' }), pubsub)
    await sleep(50)
    expect(result.status.value).toBe('idle')
    filter.value = 'typed/x'
    await eventually(() => expect(result.status.value).toBe('active'))
    await brokerHas(broker, 'typed/x')
  })

  it('a fast topic updates once a frame, not once a message; onMessage sees every message; a status-only reader does not re-render', async () => {
    const N = 300
    const renders = { state: 0, callback: 0, status: 0 }
    const seen: Message[] = []
    const Latest = defineComponent({
      setup() {
        const { data, messages, status } = useTopic<number>('burst/x', { keep: 5 })
        return () => (renders.state++, h('p', { 'data-status': status.value, 'data-kept': messages.value.map(m => m.data).join(',') }, String(data.value ?? '-')))
      },
    })
    const Every = defineComponent({
      setup() {
        const { status } = useTopic<number>('burst/x', { onMessage: m => void seen.push(m) })
        return () => (renders.callback++, h('p', status.value))
      },
    })
    const StatusOnly = defineComponent({
      setup() {
        const { status } = useTopic<number>('burst/x')
        return () => (renders.status++, h('p', status.value))
      },
    })
    const app = createApp({ render: () => [h(Latest), h(Every), h(StatusOnly)] }).use(createTabmq(pubsub))
    const el = document.createElement('div')
    app.mount(el)
    try {
      const [latest, every, statusOnly] = el.querySelectorAll('p')
      await eventually(() => expect(every?.textContent).toBe('active'))
      await eventually(() => expect(latest?.dataset.status).toBe('active'))
      await eventually(() => expect(statusOnly?.textContent).toBe('active'))
      const before = { ...renders }
      await Promise.all(Array.from({ length: N }, (_, i) => outside.publish('burst/x', i, { qos: 1 })))
      await eventually(() => expect(latest?.textContent).toBe(String(N - 1)))
      await eventually(() => expect(seen).toHaveLength(N))
      expect(seen.map(m => m.data)).toEqual(Array.from({ length: N }, (_, i) => i))
      expect(latest?.dataset.kept).toBe([N - 5, N - 4, N - 3, N - 2, N - 1].join(','))
      expect(renders.state - before.state).toBeGreaterThan(0)
      expect(renders.state - before.state).toBeLessThan(N / 10)
      expect(renders.callback - before.callback).toBe(0)
      expect(renders.status - before.status).toBe(0)
    } finally {
      app.unmount()
    }
  })

  it("closing the client ends the composable's subscription with status closed", async () => {
    const { result } = withSetup(() => useTopic('closing/x'), pubsub)
    await eventually(() => expect(result.status.value).toBe('active'))
    await pubsub.close()
    expect(result.status.value).toBe('closed')
  })
})
