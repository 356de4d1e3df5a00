import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAedes, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { Collector, waitActive, waitState } from '../helpers'

/** The grace period a shared connection keeps after its last client leaves (`closeDelayMs`). */
describe('closeDelayMs: the connection after its last client', () => {
  let broker: TestBroker
  const tabmq = () => broker.connectedClients().filter(id => id.startsWith('tabmq_'))
  const connects = () => broker.log().filter(l => /^client tabmq_\S+ connected/.test(l)).length

  beforeAll(async () => {
    broker = await startAedes()
  })
  afterAll(() => broker.close())

  it('stays open for the delay with its subscriptions gone, and a client made meanwhile reuses it', async () => {
    const hub = createHub()
    const client = () => createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub, closeDelayMs: 60_000 })
    const first = client()
    first.subscribe('grace/#').subscribe(new Collector().observer)
    await waitActive(first, 'grace/#')
    const [id] = tabmq()
    const connectsBefore = connects()

    await first.close()
    // The filter nobody wants goes (after the unsubscribe linger); the connection stays.
    await broker.waitFor(() => broker.subscriptions().length === 0, 5000, 'grace/# unsubscribed')
    expect(tabmq()).toEqual([id])
    expect((await hub.stats()).connections.map(c => ({ tabs: c.tabs, status: c.status }))).toEqual([{ tabs: 0, status: 'connected' }])

    // A client of the same identity within the delay: the same connection, no new CONNECT.
    const second = client()
    second.subscribe('grace/#').subscribe(new Collector().observer)
    await waitActive(second, 'grace/#')
    expect(tabmq()).toEqual([id])
    expect(connects()).toBe(connectsBefore)

    // Its own delay applies when it leaves last: 0 closes at once.
    const last = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub, closeDelayMs: 0 })
    await waitState(last, 'connected')
    await second.close()
    expect((await hub.stats()).connections).toHaveLength(1)
    await last.close()
    await broker.waitFor(() => tabmq().length === 0, 5000, 'the connection closed when the last client, with no delay, left')
    expect((await hub.stats()).connections).toEqual([])
  })

  it('closes after the delay when nobody comes back', async () => {
    const hub = createHub()
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub, closeDelayMs: 300 })
    await waitState(client, 'connected')
    await client.close()
    expect((await hub.stats()).connections).toHaveLength(1)
    await broker.waitFor(() => tabmq().length === 0, 5000, 'the connection closed after its delay')
    expect((await hub.stats()).connections).toEqual([])
  })

  it('defaults: 0 in-process (close() lets Node exit), 3 s in a worker hub, or the hub option', async () => {
    const lingerAfterClose = async (hub: ReturnType<typeof createHub>) => {
      const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
      await waitState(client, 'connected')
      await client.close()
      const lingering = (await hub.stats()).connections.length === 1
      // Clean up: a client with no delay attaches to a lingering connection and closes it as it leaves.
      const sweeper = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub, closeDelayMs: 0 })
      await waitState(sweeper, 'connected')
      await sweeper.close()
      return lingering
    }
    expect(await lingerAfterClose(createHub())).toBe(false)
    expect(await lingerAfterClose(createHub({ transport: 'shared' }))).toBe(true)
    expect(await lingerAfterClose(createHub({ transport: 'shared', closeDelayMs: 0 }))).toBe(false)
    expect(await lingerAfterClose(createHub({ closeDelayMs: 10_000 }))).toBe(true)
    await broker.waitFor(() => tabmq().length === 0, 5000, 'no connection left')
  })

  it('a closeDelayMs that is not 0 to 2^31 - 1 ms is INVALID_OPTIONS', async () => {
    for (const closeDelayMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5' as unknown as number]) {
      const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub(), closeDelayMs })
      await waitState(client, 'offline')
      expect(client.connectionState.get().error?.code, String(closeDelayMs)).toBe('INVALID_OPTIONS')
      expect(client.connectionState.get().error?.message).toContain('closeDelayMs')
      await client.close()
    }
  })
})
