import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokerKinds, startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, sleep } from './helpers'

describe.each(brokerKinds())('%s fixture', (kind) => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind)
  })
  afterAll(() => broker.close())

  it('describes itself', () => {
    expect(broker.kind).toBe(kind)
    expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/)
    expect(broker.tcpUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
    expect(broker.protocolVersions).toEqual(kind === 'aedes' ? [3, 4] : [3, 4, 5])
  })

  it('sees clients connect over WebSocket and TCP, subscribe, unsubscribe and leave', async () => {
    const ws = await connectClient(broker.wsUrl, { clientId: `${kind}-ws` })
    const tcp = await connectClient(broker.tcpUrl, { clientId: `${kind}-tcp` })
    await broker.waitFor(() => broker.connectedClients().length === 2, 5000, 'two clients')
    expect(broker.connectedClients().sort()).toEqual([`${kind}-tcp`, `${kind}-ws`])

    await ws.subscribeAsync('fx/a/#', { qos: 1 })
    await tcp.subscribeAsync(['fx/b/+', 'fx/a/#'], { qos: 0 })
    await broker.waitFor(() => broker.subscriptions().length === 3, 5000, 'three subscriptions')
    expect(broker.subscriptions()).toEqual(
      expect.arrayContaining([
        { clientId: `${kind}-ws`, filter: 'fx/a/#', qos: 1 },
        { clientId: `${kind}-tcp`, filter: 'fx/b/+', qos: 0 },
        { clientId: `${kind}-tcp`, filter: 'fx/a/#', qos: 0 },
      ]),
    )
    expect(broker.subscribeCount('fx/a/#')).toBe(2)
    expect(broker.subscribeCount('fx/b/+')).toBe(1)
    expect(broker.subscribeCount('fx/never')).toBe(0)

    await ws.subscribeAsync('fx/a/#', { qos: 1 }) // a repeated SUBSCRIBE still counts
    await broker.waitFor(() => broker.subscribeCount('fx/a/#') === 3, 5000, 'the third SUBSCRIBE to fx/a/#')

    await tcp.unsubscribeAsync('fx/b/+')
    await broker.waitFor(() => broker.subscriptions().length === 2, 5000, 'the UNSUBSCRIBE of fx/b/+')
    expect(broker.subscriptions().some((s) => s.filter === 'fx/b/+')).toBe(false)

    await ws.endAsync() // graceful DISCONNECT
    await broker.waitFor(() => !broker.connectedClients().includes(`${kind}-ws`), 5000, 'the ws client to leave')
    expect(broker.subscriptions()).toEqual([{ clientId: `${kind}-tcp`, filter: 'fx/a/#', qos: 0 }])

    tcp.stream.destroy() // dropped connection, no DISCONNECT
    await broker.waitFor(() => broker.connectedClients().length === 0, 5000, 'the tcp client to drop')
    expect(broker.subscriptions()).toEqual([])
    expect(broker.subscribeCount('fx/a/#')).toBe(3) // totals are never reset
  })

  it('waitFor rejects naming what it waited for and the broker state', async () => {
    const err = await broker.waitFor(() => false, 50, 'pigs to fly').catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/Timed out after 50 ms waiting for pigs to fly; the broker has clients \[/)
  })

  it('keeps a persistent session’s subscriptions after it disconnects', async () => {
    const c = await connectClient(broker.tcpUrl, { clientId: `${kind}-persistent`, clean: false })
    await c.subscribeAsync('fx/keep', { qos: 1 })
    await broker.waitFor(() => broker.subscriptions().some((s) => s.clientId === `${kind}-persistent`), 5000, 'the subscription')
    await c.endAsync()
    await broker.waitFor(() => !broker.connectedClients().includes(`${kind}-persistent`), 5000, 'the client to leave')
    await sleep(50)
    expect(broker.subscriptions()).toContainEqual({ clientId: `${kind}-persistent`, filter: 'fx/keep', qos: 1 })
    // a clean session with the same id starts over
    const again = await connectClient(broker.tcpUrl, { clientId: `${kind}-persistent`, clean: true })
    await broker.waitFor(() => !broker.subscriptions().some((s) => s.clientId === `${kind}-persistent`), 5000, 'the clean session')
    await again.endAsync()
  })

  it('close() does not hang while clients are connected', async () => {
    const other = await startTestBroker(kind)
    const a = await connectClient(other.wsUrl)
    const b = await connectClient(other.tcpUrl)
    const closed = new Promise<void>((r) => b.once('close', () => r()))
    const started = Date.now()
    await other.close()
    await other.close() // twice is fine
    expect(Date.now() - started).toBeLessThan(3000)
    await closed
    expect(a.connected).toBe(false)
  })
})
