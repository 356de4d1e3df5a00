/**
 * The RabbitMQ fixture, and what RabbitMQ 3.10's MQTT and Web MQTT plugins do where the hub in
 * @tabmq/core cares (see packages/core/README-brokers.md). One node for the file: it takes about
 * 10 s to start.
 */
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, record, sleep, subackCodes, until } from './helpers'

/** Lets in-flight deliveries arrive, so "no more copies" is meaningful. */
const settle = () => sleep(200)
const START_MS = 120_000

let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker('rabbitmq')
}, START_MS)
afterAll(() => broker.close(), 30_000)

/** Polls an answer from the broker itself (rabbitmqctl) until it holds. */
async function eventually(predicate: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(200)
  }
}

describe('rabbitmq fixture', () => {
  it('describes itself and how long it took to start', () => {
    expect(broker.kind).toBe('rabbitmq')
    expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/)
    expect(broker.tcpUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
    expect(broker.protocolVersions).toEqual([3, 4])
    expect(broker.startMs).toBeGreaterThan(0)
    console.log(`RabbitMQ started in ${broker.startMs} ms`)
  })

  it('sees clients connect, subscribe and leave, as rabbitmqctl does', async () => {
    const ws = await connectClient(broker.wsUrl, { clientId: 'rmq-ws' })
    const tcp = await connectClient(broker.tcpUrl, { clientId: 'rmq-tcp' })
    await broker.waitFor(() => broker.connectedClients().length === 2, 5000, 'two clients')
    expect(broker.connectedClients().sort()).toEqual(['rmq-tcp', 'rmq-ws'])

    // QoS 2 is granted as 1; a filter subscribed again at another QoS is bound to both QoS queues.
    expect(await subackCodes(ws, ['fx/a/#'], { qos: 2 })).toEqual([1])
    await tcp.subscribeAsync(['fx/b/+', 'fx/a/#'], { qos: 0 })
    await tcp.subscribeAsync('fx/b/+', { qos: 1 })
    const expected = [
      { clientId: 'rmq-tcp', filter: 'fx/a/#', qos: 0 },
      { clientId: 'rmq-tcp', filter: 'fx/b/+', qos: 0 },
      { clientId: 'rmq-tcp', filter: 'fx/b/+', qos: 1 },
      { clientId: 'rmq-ws', filter: 'fx/a/#', qos: 1 },
    ]
    const sorted = (subs: { clientId: string; filter: string; qos: number }[]) =>
      [...subs].sort((a, b) => `${a.clientId}${a.filter}${a.qos}`.localeCompare(`${b.clientId}${b.filter}${b.qos}`))
    await broker.waitFor(() => broker.subscriptions().length === 4, 5000, 'four subscriptions')
    expect(sorted(broker.subscriptions())).toEqual(expected)
    const held = await broker.held!()
    expect(held.clients.sort()).toEqual(['rmq-tcp', 'rmq-ws'])
    expect(sorted(held.subscriptions)).toEqual(expected)
    expect(broker.subscribeCount('fx/a/#')).toBe(2)
    expect(broker.subscribeCount('fx/b/+')).toBe(2)

    // An UNSUBSCRIBE removes the filter at every QoS.
    await tcp.unsubscribeAsync('fx/b/+')
    await broker.waitFor(() => broker.subscriptions().length === 2, 5000, 'the UNSUBSCRIBE of fx/b/+')
    await ws.endAsync() // graceful DISCONNECT
    await broker.waitFor(() => !broker.connectedClients().includes('rmq-ws'), 5000, 'the ws client to leave')
    tcp.stream.destroy() // dropped connection, no DISCONNECT
    await broker.waitFor(() => broker.connectedClients().length === 0, 5000, 'the tcp client to drop')
    expect(broker.subscriptions()).toEqual([])
    await eventually(async () => {
      const now = await broker.held!()
      return now.clients.length === 0 && now.subscriptions.length === 0
    }, 'rabbitmqctl to agree')
  })

  it('keeps only the QoS 1 subscriptions of a persistent session after it disconnects', async () => {
    const c = await connectClient(broker.tcpUrl, { clientId: 'rmq-persistent', clean: false })
    await c.subscribeAsync('fx/keep1', { qos: 1 })
    await c.subscribeAsync('fx/keep0', { qos: 0 })
    await broker.waitFor(() => broker.subscriptions().length === 2, 5000, 'the subscriptions')
    await c.endAsync()
    await broker.waitFor(() => !broker.connectedClients().includes('rmq-persistent'), 5000, 'the client to leave')
    expect(broker.subscriptions()).toEqual([{ clientId: 'rmq-persistent', filter: 'fx/keep1', qos: 1 }])
    await eventually(async () => {
      const held = await broker.held!()
      return JSON.stringify(held.subscriptions) === JSON.stringify(broker.subscriptions())
    }, 'rabbitmqctl to agree')
    const again = await connectClient(broker.tcpUrl, { clientId: 'rmq-persistent', clean: true })
    await broker.waitFor(() => broker.subscriptions().length === 0, 5000, 'the clean session')
    await again.endAsync()
  })

  it('waitFor rejects naming what it waited for and the broker state', async () => {
    const err = await broker.waitFor(() => false, 50, 'pigs to fly').catch((e: Error) => e)
    expect((err as Error).message).toMatch(/Timed out after 50 ms waiting for pigs to fly; the broker has clients \[/)
  })
})

describe('rabbitmq 3.10, MQTT 3.1.1', () => {
  let pub: MqttClient

  async function subscriber(): Promise<{ client: MqttClient; got: ReturnType<typeof record> }> {
    const client = await connectClient(broker.wsUrl, { protocolVersion: 4 })
    pub = await connectClient(broker.tcpUrl, { protocolVersion: 4 })
    return { client, got: record(client) }
  }

  it('replays a retained message for an exact filter only, not for a wildcard covering it', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('r1/x', 'stored', { qos: 1, retain: true })
    await client.subscribeAsync('r1/#', { qos: 1 })
    await client.subscribeAsync('r1/+', { qos: 1 })
    await settle()
    expect(got).toEqual([])
    await client.subscribeAsync('r1/x', { qos: 1 })
    await until(() => got.length === 1, 'the retained message')
    expect(got[0]).toMatchObject({ topic: 'r1/x', text: 'stored', retain: true })
    await pub.publishAsync('r1/x', '', { qos: 1, retain: true })
  })

  it('resends the retained message (retain=true) when a client repeats an exact SUBSCRIBE', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('r2/x', 'kept', { qos: 1, retain: true })
    await client.subscribeAsync('r2/x', { qos: 1 })
    await until(() => got.length === 1, 'the first replay')
    await client.subscribeAsync('r2/x', { qos: 1 })
    await until(() => got.length === 2, 'the replay after the repeated SUBSCRIBE')
    await settle()
    expect(got.map((m) => [m.text, m.retain])).toEqual([['kept', true], ['kept', true]])
    await pub.publishAsync('r2/x', '', { qos: 1, retain: true })
  })

  it('delivers a message published retained to an existing subscriber with retain=false', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('r3/#', { qos: 1 })
    await pub.publishAsync('r3/x', 'live', { qos: 1, retain: true })
    await until(() => got.length === 1, 'the live message')
    expect(got.map((m) => [m.text, m.retain])).toEqual([['live', false]])
    await pub.publishAsync('r3/x', '', { qos: 1, retain: true })
  })

  it('sends one copy for overlapping filters of the same QoS (one queue)', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('o1/#', { qos: 1 })
    await client.subscribeAsync('o1/+/c', { qos: 1 })
    await client.subscribeAsync('o1/b/+', { qos: 2 }) // granted 1: the same queue
    await pub.publishAsync('o1/b/c', 'once', { qos: 1 })
    await until(() => got.length >= 1, 'the message')
    await settle()
    expect(got).toHaveLength(1)
  })

  it('sends a copy per QoS queue for overlapping filters of QoS 0 and 1', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('o2/#', { qos: 0 })
    await client.subscribeAsync('o2/b/c', { qos: 1 })
    await pub.publishAsync('o2/b/c', 'twice', { qos: 1 })
    await until(() => got.length >= 2, 'two copies')
    await settle()
    expect(got.map((m) => m.qos).sort()).toEqual([0, 1])
  })

  it('keeps both subscriptions when a filter is subscribed again at another QoS; an UNSUBSCRIBE removes both', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('o3/#', { qos: 0 })
    await client.subscribeAsync('o3/#', { qos: 1 })
    await pub.publishAsync('o3/x', 'twice', { qos: 1 })
    await until(() => got.length >= 2, 'two copies')
    await client.unsubscribeAsync('o3/#')
    await client.subscribeAsync('o3/#', { qos: 1 })
    await pub.publishAsync('o3/x', 'once', { qos: 1 })
    await until(() => got.length >= 3, 'the message after UNSUBSCRIBE and SUBSCRIBE')
    await settle()
    expect(got.map((m) => m.text)).toEqual(['twice', 'twice', 'once'])
  })

  it('delivers a QoS 2 publish at QoS 1', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('q/x', { qos: 2 })
    await pub.publishAsync('q/x', 'qos?', { qos: 2 })
    await until(() => got.length === 1, 'the message')
    expect(got[0]!.qos).toBe(1)
  })

  it('maps / to . in its routing keys: a dot in a topic arrives as a /', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('dots/#', { qos: 1 })
    await pub.publishAsync('dots/v1.2', 'x', { qos: 1 })
    await until(() => got.length === 1, 'the message')
    expect(got[0]!.topic).toBe('dots/v1/2')
  })

  it('closes the socket on an MQTT 5 CONNECT, without a CONNACK', async () => {
    for (const url of [broker.wsUrl, broker.tcpUrl]) {
      const err = await connectClient(url, { protocolVersion: 5 }).then(
        () => undefined,
        (e: Error) => e,
      )
      expect(err?.message).toMatch(/closed before CONNACK/)
    }
  })
})
