/**
 * What real brokers do with retained messages and overlapping subscriptions:
 * the hub in @tabmq/core relies on these facts (see the README's findings).
 */
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokerKinds, startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, record, sleep, until, type Received } from './helpers'

/** Lets in-flight deliveries arrive, so "no more copies" is meaningful. */
const settle = () => sleep(150)

describe.each(brokerKinds())('%s, MQTT 3.1.1', (kind) => {
  let broker: TestBroker
  let pub: MqttClient
  beforeAll(async () => {
    broker = await startTestBroker(kind)
  })
  afterAll(() => broker.close())

  async function subscriber(): Promise<{ client: MqttClient; got: Received[] }> {
    const client = await connectClient(broker.wsUrl, { protocolVersion: 4 })
    pub = await connectClient(broker.tcpUrl, { protocolVersion: 4 })
    return { client, got: record(client) }
  }

  it('replays a retained message on SUBSCRIBE with the retain flag set', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('r1/x', 'stored', { qos: 1, retain: true })
    await client.subscribeAsync('r1/#', { qos: 1 })
    await until(() => got.length === 1, 'the retained message')
    expect(got[0]).toMatchObject({ topic: 'r1/x', text: 'stored', retain: true })
  })

  it('delivers a message published retained to an existing subscriber with retain=false', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('r2/#', { qos: 1 })
    await pub.publishAsync('r2/x', 'live', { qos: 1, retain: true })
    await until(() => got.length === 1, 'the live message')
    await settle()
    expect(got.map((m) => [m.text, m.retain])).toEqual([['live', false]])
  })

  it('resends retained messages (retain=true) when a client repeats a SUBSCRIBE', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('r3/x', 'kept', { qos: 1, retain: true })
    await client.subscribeAsync('r3/#', { qos: 1 })
    await until(() => got.length === 1, 'the first replay')
    await client.subscribeAsync('r3/#', { qos: 1 })
    await until(() => got.length === 2, 'the replay after the repeated SUBSCRIBE')
    await settle()
    expect(got.map((m) => [m.text, m.retain])).toEqual([['kept', true], ['kept', true]])
  })

  it('forgets a retained message when an empty retained payload is published', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('r4/x', 'soon gone', { qos: 1, retain: true })
    await pub.publishAsync('r4/x', '', { qos: 1, retain: true })
    await client.subscribeAsync('r4/#', { qos: 1 })
    await settle()
    expect(got).toEqual([])
  })

  // Overlapping filters from one client: both brokers send ONE copy in 3.1.1.
  // Mosquitto 2.0.11 sends it at the QoS of the most specific matching
  // subscription (literal, then +, then #), not at the maximum that
  // MQTT-3.3.5-1 asks for. aedes 1.2 sends the copy of whichever subscription
  // its matcher visits first, and does not downgrade wildcard deliveries (see
  // below), so its QoS is not worth relying on.
  it.each([
    { subs: { 'o1/#': 1, 'o1/+': 0 }, mosquittoQos: 0 },
    { subs: { 'o2/#': 0, 'o2/+': 1 }, mosquittoQos: 1 },
    { subs: { 'o3/#': 2, 'o3/+': 1, 'o3/x': 0 }, mosquittoQos: 0 },
    { subs: { 'o5/x': 2, 'o5/+': 1, 'o5/#': 0 }, mosquittoQos: 2 },
  ])('sends one copy for overlapping filters $subs', async ({ subs, mosquittoQos }) => {
    const { client, got } = await subscriber()
    const prefix = Object.keys(subs)[0]!.split('/')[0]!
    for (const [filter, q] of Object.entries(subs)) await client.subscribeAsync(filter, { qos: q as 0 | 1 | 2 })
    await pub.publishAsync(`${prefix}/x`, 'once?', { qos: 2 })
    await until(() => got.length >= 1, 'the message')
    await settle()
    expect(got).toHaveLength(1)
    if (kind === 'mosquitto') expect(got[0]!.qos).toBe(mosquittoQos)
  })

  // aedes 1.2 looks the granted QoS up by topic name, so a wildcard
  // subscription granted QoS 1 receives a QoS 2 publish at QoS 2.
  it.each(['q/#', 'q/+', 'q/x'])('delivers a QoS 2 publish to a QoS 1 subscription %s at…', async (filter) => {
    const { client, got } = await subscriber()
    await client.subscribeAsync(filter, { qos: 1 })
    await pub.publishAsync('q/x', 'qos?', { qos: 2 })
    await until(() => got.length === 1, 'the message')
    const downgraded = kind === 'mosquitto' || filter === 'q/x'
    expect(got[0]!.qos).toBe(downgraded ? 1 : 2)
  })

  it('sends one copy for overlapping filters in the same SUBSCRIBE packet', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync(['o4/#', 'o4/+'], { qos: 1 })
    await pub.publishAsync('o4/x', 'once?', { qos: 1 })
    await until(() => got.length >= 1, 'the message')
    await settle()
    expect(got).toHaveLength(1)
  })
})

describe('mosquitto, MQTT 5', () => {
  let broker: TestBroker
  let pub: MqttClient
  beforeAll(async () => {
    broker = await startTestBroker('mosquitto')
  })
  afterAll(() => broker.close())

  async function subscriber() {
    const client = await connectClient(broker.wsUrl, { protocolVersion: 5 })
    pub = await connectClient(broker.tcpUrl, { protocolVersion: 5 })
    return { client, got: record(client) }
  }

  it('keeps the retain flag on live deliveries with Retain As Published, clears it without', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('m1/rap', { qos: 1, rap: true })
    await client.subscribeAsync('m1/plain', { qos: 1 })
    await pub.publishAsync('m1/rap', 'a', { qos: 1, retain: true })
    await pub.publishAsync('m1/plain', 'b', { qos: 1, retain: true })
    await until(() => got.length === 2, 'both messages')
    expect(got.map((m) => [m.topic, m.retain])).toEqual([['m1/rap', true], ['m1/plain', false]])
  })

  it('does not change Retain As Published when a subscription is repeated with other options (2.0.11)', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('m2/x', { qos: 1 })
    await client.subscribeAsync('m2/x', { qos: 1, rap: true })
    await pub.publishAsync('m2/x', 'a', { qos: 1, retain: true })
    await until(() => got.length === 1, 'the message')
    expect(got[0]!.retain).toBe(false) // still the first subscription's rap=false
  })

  it('retain handling 1 resends retained messages only for a new subscription', async () => {
    const { client, got } = await subscriber()
    await pub.publishAsync('m3/x', 'kept', { qos: 1, retain: true })
    await client.subscribeAsync('m3/#', { qos: 1, rh: 1 })
    await until(() => got.length === 1, 'the first replay')
    await client.subscribeAsync('m3/#', { qos: 1, rh: 1 })
    await settle()
    expect(got).toHaveLength(1)
    await client.subscribeAsync('m3/#', { qos: 1, rh: 0 })
    await until(() => got.length === 2, 'the replay with rh 0')
  })

  it('sends one copy per matching subscription, each with its subscription identifier', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync('m4/#', { qos: 1, properties: { subscriptionIdentifier: 1 } })
    await client.subscribeAsync('m4/+', { qos: 0, properties: { subscriptionIdentifier: 2 } })
    await client.subscribeAsync('m4/other', { qos: 1, properties: { subscriptionIdentifier: 3 } })
    await pub.publishAsync('m4/x', 'twice', { qos: 1 })
    await until(() => got.length >= 2, 'two copies')
    await settle()
    const copies = got.map((m) => [m.packet.properties?.subscriptionIdentifier, m.qos])
    expect(copies).toHaveLength(2)
    expect(copies).toEqual(expect.arrayContaining([[1, 1], [2, 0]]))
  })

  it('sends one copy per matching subscription without identifiers too', async () => {
    const { client, got } = await subscriber()
    await client.subscribeAsync(['m5/#', 'm5/+'], { qos: 1 })
    await pub.publishAsync('m5/x', 'twice', { qos: 1 })
    await until(() => got.length >= 2, 'two copies')
    await settle()
    expect(got).toHaveLength(2)
  })
})
