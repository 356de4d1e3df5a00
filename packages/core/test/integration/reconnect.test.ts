import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type Broker } from '@tabmq/broker'
import { createPubSub, type ConnectionStatus } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { Collector, sleep, waitActive, waitState } from '../helpers'
import mqtt from 'mqtt'

/** Cuts every connection the broker holds, as a broker restart or a network drop would. */
function dropAllClients(broker: Broker): void {
  const { clients } = broker.aedes as unknown as { clients: Record<string, { close(): void }> }
  for (const client of Object.values(clients)) client.close()
}

describe('reconnect', () => {
  let broker: Broker
  beforeAll(async () => {
    broker = await startBroker({ wsPort: 0, tcpPort: 0 })
  })
  afterAll(() => broker.close())

  it('comes back with backoff, resubscribes (no session kept) and sends the publishes queued meanwhile', async () => {
    const hub = createHub()
    const [a, b] = [0, 1].map(() =>
      createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub, reconnect: { initialDelayMs: 300, maxDelayMs: 600, jitter: 0 } }),
    ) as [ReturnType<typeof createPubSub>, ReturnType<typeof createPubSub>]
    const seen = new Collector()
    b.subscribe('rc/#').subscribe(seen.observer)
    await waitActive(b, 'rc/#')
    const states: ConnectionStatus[] = []
    a.connectionState.subscribe(s => states.push(s.status))

    let subscribes = 0
    broker.aedes.on('subscribe', subs => (subscribes += subs.filter(s => s.topic === 'rc/#').length))
    dropAllClients(broker)
    await waitState(a, 'reconnecting')
    // Published while disconnected: QoS 1 waits in the queue, QoS 0 is refused at once.
    const queued = a.publish('rc/queued', 'while away', { qos: 1 })
    await expect(a.publish('rc/lost', 'x', { qos: 0 })).rejects.toMatchObject({ code: 'NOT_CONNECTED' })
    expect((await a.getStats()).connections[0]!.queuedPublishes).toBe(1)

    await waitState(a, 'connected', 5000)
    await queued
    await seen.waitFor(c => c.topics().includes('rc/queued'), 'the queued publish')
    expect(subscribes).toBe(1) // resubscribed once at the broker for both tabs
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'connected']))
    expect(a.connectionState.get().attempt).toBe(0)
    await Promise.all([a.close(), b.close()])
  })

  it('uses one random client id per connection, so two apps never kick each other off', async () => {
    const one = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub() })
    const two = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub() })
    await waitState(one, 'connected')
    await waitState(two, 'connected')
    const [s1, s2] = await Promise.all([one.getStats(), two.getStats()])
    expect(s1.connections[0]!.clientId).toMatch(/^tabmq_[0-9a-f]{16}$/)
    expect(s1.connections[0]!.clientId).not.toBe(s2.connections[0]!.clientId)
    await sleep(300)
    expect(one.connectionState.get().status).toBe('connected')
    expect(two.connectionState.get().status).toBe('connected')
    await Promise.all([one.close(), two.close()])
  })

  it('passes MQTT 5 properties both ways', async () => {
    const mosq = await import('@tabmq/broker/testing').then(m => m.startTestBroker('mosquitto'))
    try {
      const client = createPubSub({ provider: mqttOverWs({ url: mosq.wsUrl, protocolVersion: 5 }), hub: createHub() })
      const seen = new Collector()
      client.subscribe('props/#').subscribe(seen.observer)
      await waitActive(client, 'props/#')
      await client.publish('props/a', { x: 1 }, { qos: 1, properties: { contentType: 'application/json', userProperties: { who: 'tab' }, correlationData: new Uint8Array([7, 8]), responseTopic: 'props/reply' } })
      await seen.waitFor(c => c.messages.length === 1, 'the message with properties')
      const p = seen.messages[0]!.properties!
      expect(p.contentType).toBe('application/json')
      expect(p.userProperties).toEqual({ who: 'tab' })
      expect([...p.correlationData!]).toEqual([7, 8])
      expect(p.responseTopic).toBe('props/reply')
      // And an outside MQTT 5 client sees them too.
      const outside = mqtt.connect(mosq.tcpUrl, { protocolVersion: 5 })
      const got = new Promise<Record<string, unknown>>(resolve => outside.on('message', (_t, _p, packet) => resolve(packet.properties as Record<string, unknown>)))
      await outside.subscribeAsync('props/out')
      await client.publish('props/out', 'x', { qos: 1, properties: { userProperties: { k: 'v' }, messageExpiryInterval: 60 } })
      const seenOutside = await got
      expect(seenOutside.userProperties).toEqual({ k: 'v' })
      expect(seenOutside.messageExpiryInterval).toBe(60)
      outside.end(true)
      await client.close()
    } finally {
      await mosq.close()
    }
  })
})

describe('lazy start', () => {
  it('a client opens no connection until first used (server rendering, unused clients)', async () => {
    const broker = await startBroker({ wsPort: 0, tcpPort: 0 })
    try {
      const hub = createHub()
      const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
      await sleep(200)
      expect(client.connectionState.get().status).toBe('idle')
      expect((await hub.stats()).tabs).toBe(0)
      expect(Object.keys((broker.aedes as unknown as { clients: object }).clients)).toHaveLength(0)
      client.subscribe('lazy/#').subscribe(() => {})
      await waitState(client, 'connected')
      expect((await hub.stats()).tabs).toBe(1)
      await client.close()
      const unused = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
      await unused.close()
      expect(unused.connectionState.get().status).toBe('closed')
    } finally {
      await broker.close()
    }
  })
})

describe('will', () => {
  it('the broker publishes the will when the shared connection dies', async () => {
    const broker = await startBroker({ wsPort: 0, tcpPort: 0 })
    try {
      const watcher = mqtt.connect(broker.tcpUrl, { reconnectPeriod: 0 })
      const wills: Array<{ topic: string; payload: string; retain: boolean }> = []
      watcher.on('message', (topic, payload) => wills.push({ topic, payload: payload.toString(), retain: false }))
      await watcher.subscribeAsync('wills/#')
      const client = createPubSub({
        provider: mqttOverWs({ url: broker.wsUrl, will: { topic: 'wills/dashboard', payload: { online: false }, qos: 1 } }),
        hub: createHub(),
        reconnect: { initialDelayMs: 5000 },
      })
      await waitState(client, 'connected')
      const { clients } = broker.aedes as unknown as { clients: Record<string, { close(): void }> }
      for (const [id, c] of Object.entries(clients)) if (id.startsWith('tabmq_')) c.close() // not the watcher
      const until = Date.now() + 5000
      while (wills.length === 0 && Date.now() < until) await sleep(20)
      expect(wills).toEqual([{ topic: 'wills/dashboard', payload: '{"online":false}', retain: false }])
      watcher.end(true)
      await client.close()
    } finally {
      await broker.close()
    }
  })
})
