import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createApp, defineComponent, effectScope, h, nextTick } from 'vue'
import { createPubSub, PubSubError, type PubSub } from '@tabmq/core'
import { createHub } from '@tabmq/core/hub'
import { mqttOverWs } from '@tabmq/core/providers'
import { sleep, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createTabmq, provideTabmq, useConnectionState, usePublish, usePubSub, useTopic } from '../src/index'
import { cleanup, client, eventually, withSetup } from './helpers'

let broker: TestBroker
let pubsub: PubSub

beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
beforeEach(() => {
  pubsub = client(broker)
})
afterEach(async () => {
  cleanup()
  await pubsub.close()
})
afterAll(() => broker.close())

const NO_CLIENT = 'No tabmq client: install it with app.use(createTabmq(pubsub)), or call provideTabmq(pubsub) in a parent component, from @tabmq/vue.'

function thrownBy(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('createTabmq, provideTabmq, usePubSub', () => {
  it('the plugin gives every component the client', () => {
    const { result } = withSetup(() => usePubSub(), pubsub)
    expect(result).toBe(pubsub)
  })

  it('provideTabmq gives a subtree its own client', () => {
    const other = client(broker)
    const seen: Record<string, PubSub> = {}
    const Child = defineComponent({ props: { name: { type: String, required: true } }, setup: props => ((seen[props.name] = usePubSub()), () => null) })
    const Subtree = defineComponent({ setup: () => (provideTabmq(other), () => h(Child, { name: 'inside' })) })
    const app = createApp({ render: () => [h(Child, { name: 'outside' }), h(Subtree)] }).use(createTabmq(pubsub))
    const el = document.createElement('div')
    app.mount(el)
    app.unmount()
    expect(seen.outside).toBe(pubsub)
    expect(seen.inside).toBe(other)
    return other.close()
  })

  it('usePubSub works in app.runWithContext, outside any component', () => {
    const app = createApp({ render: () => null }).use(createTabmq(pubsub))
    expect(app.runWithContext(() => usePubSub())).toBe(pubsub)
  })

  it.each([
    ['usePubSub', (): unknown => usePubSub()],
    ['useTopic', (): unknown => useTopic('a')],
    ['usePublish', (): unknown => usePublish()],
    ['useConnectionState', (): unknown => useConnectionState()],
  ])('%s without a client says how to fix it, in a component and outside one', (_name, composable) => {
    for (const thrown of [thrownBy(() => withSetup(composable)), thrownBy(composable)]) {
      expect(thrown).toBeInstanceOf(PubSubError)
      expect((thrown as PubSubError).code).toBe('INVALID_OPTIONS')
      expect((thrown as PubSubError).message).toBe(NO_CLIENT)
    }
  })

  it('createTabmq and provideTabmq refuse what is not a client, and provideTabmq refuses to run outside setup', () => {
    for (const thrown of [thrownBy(() => createTabmq(undefined as unknown as PubSub)), thrownBy(() => createTabmq({} as PubSub))]) {
      expect(thrown).toBeInstanceOf(PubSubError)
      expect((thrown as PubSubError).code).toBe('INVALID_OPTIONS')
      expect((thrown as PubSubError).message).toBe('createTabmq(pubsub) needs the client from createPubSub() of @tabmq/core.')
    }
    const outside = thrownBy(() => provideTabmq(pubsub))
    expect(outside).toBeInstanceOf(PubSubError)
    expect((outside as PubSubError).message).toBe("provideTabmq(pubsub) works in a component's setup(); for the whole app use app.use(createTabmq(pubsub)).")
  })
})

describe('useConnectionState', () => {
  it('follows the connection: connecting, connected, closed', async () => {
    const { result: state, warnings } = withSetup(() => useConnectionState(), pubsub)
    expect(['idle', 'connecting']).toContain(state.value.status)
    await eventually(() => expect(state.value.status).toBe('connected'))
    expect(state.value.error).toBeUndefined()
    await pubsub.close()
    expect(state.value.status).toBe('closed')
    expect(warnings).toEqual([])
  })

  it('shows why a broker cannot be reached', async () => {
    const nowhere = await startTestBroker('aedes')
    const url = nowhere.wsUrl
    await nowhere.close()
    const lost = createPubSub({ provider: mqttOverWs({ url }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 5000 } })
    try {
      const { result: state } = withSetup(() => useConnectionState(), lost)
      await eventually(() => expect(state.value.status).toBe('reconnecting'))
      expect(state.value.error).toBeInstanceOf(PubSubError)
      expect(state.value.error?.code).toBe('UNREACHABLE')
    } finally {
      cleanup()
      await lost.close()
    }
  })

  it('unmounting stops listening', async () => {
    const { result: state, unmount } = withSetup(() => useConnectionState(), pubsub)
    await eventually(() => expect(state.value.status).toBe('connected'))
    unmount()
    await pubsub.close()
    expect(state.value.status).toBe('connected')
  })
})

describe('usePublish', () => {
  it('publishes with a pending state until the broker acknowledges', async () => {
    const { result: seen } = withSetup(() => useTopic('pub/fan', { codec: 'json' }), pubsub)
    await eventually(() => expect(seen.status.value).toBe('active'))
    const { result } = withSetup(() => usePublish(), pubsub)
    expect(result.pending.value).toBe(false)
    const done = result.publish('pub/fan', { on: true }, { qos: 1 })
    expect(result.pending.value).toBe(true)
    await done
    await nextTick()
    expect(result.pending.value).toBe(false)
    expect(result.error.value).toBeUndefined()
    await eventually(() => expect(seen.data.value).toEqual({ on: true }))
  })

  it('stays pending while any publish is in flight: a QoS 1 publish queued offline, beside a QoS 0 one refused', async () => {
    const nowhere = await startTestBroker('aedes')
    const url = nowhere.wsUrl
    await nowhere.close()
    const lost = createPubSub({ provider: mqttOverWs({ url }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 5000 } })
    try {
      const { result } = withSetup(() => usePublish(), lost)
      const queued = result.publish('offline/a', 'x', { qos: 1 }).catch((e: unknown) => e)
      const refused = await result.publish('offline/b', 'y', { qos: 0 }).catch((e: unknown) => e)
      expect((refused as PubSubError).code).toBe('NOT_CONNECTED')
      await eventually(() => expect(result.error.value?.code).toBe('NOT_CONNECTED'))
      expect(result.pending.value).toBe(true) // the QoS 1 publish waits in the hub's offline queue
      await lost.close()
      expect(((await queued) as PubSubError).code).toBe('CLOSED')
      await eventually(() => expect(result.pending.value).toBe(false))
      expect(result.error.value?.code).toBe('CLOSED')
    } finally {
      cleanup()
      await lost.close()
    }
  })

  it('keeps the last error, rejects the promise, and clears the error on the next success', async () => {
    const { result } = withSetup(() => usePublish(), pubsub)
    const rejection = await result.publish('bad/+', 'x', { qos: 1 }).catch((e: unknown) => e)
    expect(rejection).toBeInstanceOf(PubSubError)
    await eventually(() => expect(result.error.value?.code).toBe('INVALID_TOPIC'))
    expect(result.error.value).toBeInstanceOf(PubSubError)
    expect(result.pending.value).toBe(false)
    await result.publish('good/topic', 'x', { qos: 1 })
    await eventually(() => expect(result.error.value).toBeUndefined())
  })

  it('a fire-and-forget publish that fails lands in `error`, with no unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const { result } = withSetup(() => usePublish(), pubsub)
      void result.publish('bad/#', 'x')
      await eventually(() => expect(result.error.value?.code).toBe('INVALID_TOPIC'))
      await sleep(50)
      expect(unhandled).toEqual([])
      result.reset()
      expect(result.error.value).toBeUndefined()
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('works in a bare effect scope (a store), through app.runWithContext', async () => {
    const app = createApp({ render: () => null }).use(createTabmq(pubsub))
    const scope = effectScope()
    const result = app.runWithContext(() => scope.run(() => usePublish()))!
    await result.publish('scope/pub', 'x', { qos: 1 })
    expect(result.error.value).toBeUndefined()
    scope.stop()
  })
})
