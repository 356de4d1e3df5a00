import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSSRApp, defineComponent, h, type Component } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { PubSub } from '@tabmq/core'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createTabmq, useConnectionState, useTopic } from '../src/index'
import { client, eventually } from './helpers'

const Reading = defineComponent({
  setup() {
    const { data, status } = useTopic<{ temperature: number }>('hydrate/d1/telemetry')
    const connection = useConnectionState()
    return () => h('p', { 'data-connection': connection.value.status, 'data-status': status.value }, data.value ? `${data.value.temperature} °C` : '–')
  },
})

/** Renders `component` on the "server", then hydrates that HTML; returns what Vue complained of. */
async function serverThenHydrate(component: Component, pubsub: PubSub, between = () => {}) {
  const container = document.createElement('div')
  document.body.append(container)
  container.innerHTML = await renderToString(createSSRApp(component).use(createTabmq(pubsub)))
  const serverHtml = container.innerHTML
  between()
  const complaints: string[] = []
  const errors = vi.spyOn(console, 'error').mockImplementation((...args) => void complaints.push(args.join(' ')))
  const app = createSSRApp(component).use(createTabmq(pubsub))
  app.config.warnHandler = message => void complaints.push(message)
  app.mount(container)
  errors.mockRestore()
  return {
    container,
    serverHtml,
    complaints,
    dispose() {
      app.unmount()
      container.remove()
    },
  }
}

describe('hydration', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('aedes')
  })
  afterAll(() => broker.close())

  it('hydrates the idle server HTML without a mismatch, then subscribes', async () => {
    const pubsub = client(broker)
    const outside = client(broker)
    const topic = vi.spyOn(pubsub, 'topic')
    let page: Awaited<ReturnType<typeof serverThenHydrate>> | undefined
    try {
      page = await serverThenHydrate(Reading, pubsub)
      expect(page.serverHtml).toBe('<p data-connection="idle" data-status="idle">–</p>')
      expect(page.complaints).toEqual([])
      expect(topic).toHaveBeenCalledTimes(1) // by the hydrated app, once mounted
      const p = () => page!.container.querySelector('p')!
      await eventually(() => expect(p().dataset.status).toBe('active'))
      await eventually(() => expect(p().dataset.connection).toBe('connected'))
      await outside.publish('hydrate/d1/telemetry', { temperature: 21.5 }, { qos: 1 })
      await eventually(() => expect(page!.container.textContent).toBe('21.5 °C'))
      expect(broker.subscribeCount('hydrate/d1/telemetry')).toBe(1)
    } finally {
      page?.dispose()
      await Promise.all([pubsub.close(), outside.close()])
    }
  })

  it('the check above can fail: a component that renders differently in the browser is reported', async () => {
    const pubsub = client(broker)
    let side = 'server'
    const Differs = defineComponent({ setup: () => () => h('p', side) })
    try {
      const page = await serverThenHydrate(Differs, pubsub, () => (side = 'browser'))
      page.dispose()
      expect(page.complaints.join('\n')).toMatch(/mismatch/i)
    } finally {
      await pubsub.close()
    }
  })
})
