// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp, createSSRApp, defineComponent, effectScope, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { PubSub } from '@tabmq/core'
import { sleep, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createTabmq, useConnectionState, usePublish, useTopic } from '../src/index'
import { client } from './helpers'

const Dashboard = defineComponent({
  setup() {
    const reading = useTopic<{ temperature: number }>('devices/d1/telemetry', { keep: 10 })
    const connection = useConnectionState()
    const { pending } = usePublish()
    return () =>
      h(
        'p',
        `connection=${connection.value.status} topic=${reading.status.value} data=${String(reading.data.value)} kept=${reading.messages.value.length} error=${String(reading.error.value)} pending=${pending.value}`,
      )
  },
})

const IDLE_HTML = '<p>connection=idle topic=idle data=undefined kept=0 error=undefined pending=false</p>'

describe('server rendering', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('aedes')
  })
  afterAll(() => broker.close())

  it('renders the idle state and calls nothing on the client', async () => {
    const refuse = (name: string) => () => {
      throw new Error(`The server render called pubsub.${name}`)
    }
    const untouchable: PubSub = {
      subscribe: refuse('subscribe'),
      publish: refuse('publish'),
      getStats: refuse('getStats'),
      close: refuse('close'),
      topic: refuse('topic'), // stricter than the React binding's test: not even a store is made
      transport: 'inline',
      connectionState: { get: refuse('connectionState.get'), subscribe: refuse('connectionState.subscribe') },
    }
    expect(typeof window).toBe('undefined')
    const html = await renderToString(createSSRApp(Dashboard).use(createTabmq(untouchable)))
    expect(html).toBe(IDLE_HTML)
  })

  it('with a live client, renders idle and sends no SUBSCRIBE', async () => {
    const pubsub = client(broker)
    const topic = vi.spyOn(pubsub, 'topic')
    const subscribe = vi.spyOn(pubsub, 'subscribe')
    const publish = vi.spyOn(pubsub, 'publish')
    const listen = vi.spyOn(pubsub.connectionState, 'subscribe')
    try {
      const html = await renderToString(createSSRApp(Dashboard).use(createTabmq(pubsub)))
      expect(html).toBe(IDLE_HTML)
      expect(topic).not.toHaveBeenCalled()
      expect(subscribe).not.toHaveBeenCalled()
      expect(publish).not.toHaveBeenCalled()
      expect(listen).not.toHaveBeenCalled()
      await sleep(200)
      expect(broker.subscribeCount('devices/d1/telemetry')).toBe(0)
    } finally {
      await pubsub.close()
    }
  })

  it('outside a component (a store made per request), stays idle on the server', async () => {
    const pubsub = client(broker)
    const topic = vi.spyOn(pubsub, 'topic')
    const listen = vi.spyOn(pubsub.connectionState, 'subscribe')
    const app = createApp({ render: () => null }).use(createTabmq(pubsub))
    const scope = effectScope()
    try {
      const { reading, connection } = app.runWithContext(() => scope.run(() => ({ reading: useTopic('server/store'), connection: useConnectionState() })))!
      await sleep(200)
      expect(reading.status.value).toBe('idle')
      expect(connection.value.status).toBe('idle')
      expect(topic).not.toHaveBeenCalled()
      expect(listen).not.toHaveBeenCalled()
      expect(broker.subscribeCount('server/store')).toBe(0)
    } finally {
      scope.stop()
      await pubsub.close()
    }
  })
})
