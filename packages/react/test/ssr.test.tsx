// @vitest-environment node
import { renderToString } from 'react-dom/server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTopicStore, type PubSub } from '@tabmq/core'
import { sleep, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { PubSubProvider, useConnectionState, usePublish, useTopic } from '../src/index'
import { client } from './helpers'

function Dashboard() {
  const reading = useTopic<{ temperature: number }>('devices/d1/telemetry', { keep: 10 })
  const connection = useConnectionState()
  const { pending } = usePublish()
  return (
    <p>
      connection={connection.status} topic={reading.status} data={String(reading.data)} kept={reading.messages.length} error={String(reading.error)} pending={String(pending)}
    </p>
  )
}

const IDLE_HTML = '<p>connection=<!-- -->idle<!-- --> topic=<!-- -->idle<!-- --> data=<!-- -->undefined<!-- --> kept=<!-- -->0<!-- --> error=<!-- -->undefined<!-- --> pending=<!-- -->false</p>'

describe('server rendering', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('aedes')
  })
  afterAll(() => broker.close())

  it('renders the idle state and calls nothing on the client', () => {
    const refuse = (name: string) => () => {
      throw new Error(`The server render called pubsub.${name}`)
    }
    const untouchable: PubSub = {
      subscribe: refuse('subscribe'),
      publish: refuse('publish'),
      getStats: refuse('getStats'),
      close: refuse('close'),
      // Creating a store is free; only its subscribe would reach the client (and throw above).
      topic: (filters, options) => createTopicStore(untouchable, filters, options),
      transport: 'inline',
      connectionState: { get: refuse('connectionState.get'), subscribe: refuse('connectionState.subscribe') },
    }
    expect(typeof window).toBe('undefined')
    const html = renderToString(
      <PubSubProvider client={untouchable}>
        <Dashboard />
      </PubSubProvider>,
    )
    expect(html).toBe(IDLE_HTML)
  })

  it('with a live client, renders idle and sends no SUBSCRIBE', async () => {
    const pubsub = client(broker)
    const subscribe = vi.spyOn(pubsub, 'subscribe')
    const publish = vi.spyOn(pubsub, 'publish')
    const listen = vi.spyOn(pubsub.connectionState, 'subscribe')
    try {
      const html = renderToString(
        <PubSubProvider client={pubsub}>
          <Dashboard />
        </PubSubProvider>,
      )
      expect(html).toBe(IDLE_HTML)
      expect(subscribe).not.toHaveBeenCalled()
      expect(publish).not.toHaveBeenCalled()
      expect(listen).not.toHaveBeenCalled()
      await sleep(200)
      expect(broker.subscribeCount('devices/d1/telemetry')).toBe(0)
    } finally {
      await pubsub.close()
    }
  })
})
