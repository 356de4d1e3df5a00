import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub, type HubApi } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { waitState } from '../helpers'

let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker('aedes')
})
afterAll(() => broker.close())
afterEach(() => void vi.unstubAllGlobals())

/** A page's global event target, as a browser tab has one (Node has none). */
function fakePage(): EventTarget {
  const page = new EventTarget()
  vi.stubGlobal('window', page)
  vi.stubGlobal('addEventListener', page.addEventListener.bind(page))
  vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page))
  return page
}

/** A hub whose goodbyes are counted. */
function countingHub(): { hub: HubApi; goodbyes: () => number } {
  const real = createHub({ warn: () => {} })
  let goodbyes = 0
  const hub: HubApi = {
    open: (...a) => real.open(...a),
    subscribe: (...a) => real.subscribe(...a),
    unsubscribe: (...a) => real.unsubscribe(...a),
    publish: (...a) => real.publish(...a),
    stats: () => real.stats(),
    close: id => (goodbyes++, real.close(id)),
  }
  return { hub, goodbyes: () => goodbyes }
}

describe('the client and its page', () => {
  it('says goodbye on pagehide while open, and forgets the page once closed', async () => {
    const page = fakePage()
    const { hub, goodbyes } = countingHub()
    const pubsub = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
    await waitState(pubsub, 'connected')
    page.dispatchEvent(new Event('pagehide'))
    await vi.waitFor(() => expect(goodbyes()).toBe(1))
    await pubsub.close()
    expect(goodbyes()).toBe(2) // close() says its own goodbye
    // A later pagehide must not call into a released hub (across a port, a released Comlink proxy throws).
    page.dispatchEvent(new Event('pagehide'))
    page.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }))
    await new Promise(r => setTimeout(r, 20))
    expect(goodbyes()).toBe(2)
    expect(pubsub.connectionState.get().status).toBe('closed')
  })

  it('reports the transport it will use before it starts, and starts nothing to find out', () => {
    let constructed = 0
    vi.stubGlobal(
      'SharedWorker',
      class {
        constructor() {
          constructed++
        }
      },
    )
    const pubsub = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }) })
    expect(pubsub.transport).toBe('shared')
    expect(createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), transport: 'dedicated' }).transport).toBe('dedicated')
    expect(createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub() }).transport).toBe('inline')
    expect(constructed).toBe(0)
  })

  it('with no worker and no hub, says how to run in-process instead of loading a hub behind the app’s back', async () => {
    const pubsub = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }) })
    expect(pubsub.transport).toBe('inline')
    await expect(pubsub.publish('a/b', 'x', { qos: 1 })).rejects.toMatchObject({ name: 'PubSubError', code: 'INVALID_OPTIONS', message: expect.stringContaining('createHub()') })
    await waitState(pubsub, 'offline')
    expect(pubsub.connectionState.get().error?.code).toBe('INVALID_OPTIONS')
    await pubsub.close()
  })
})
