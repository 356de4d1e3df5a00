/**
 * A burst of QoS 2 publishes reaches the broker whole. Mosquitto takes 20 QoS 2 publishes at a
 * time from a client (max_inflight_messages) and drops the rest, answering an MQTT 3.1.1 client
 * with a PUBREC all the same ("quota exceeded" is in its log only): without a send window every
 * promise resolved and 30 of 50 messages were gone; and while it holds 20 QoS 2 publishes it drops
 * QoS 1 ones too. With MQTT 5 it says 20 in its CONNACK.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type BrokerKind, brokerKinds, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { sleep, waitState } from '../helpers'
import { counter } from '../browser/tabs'

const cases = brokerKinds().flatMap((kind): Array<[BrokerKind, 4 | 5]> => (kind === 'mosquitto' ? [[kind, 4], [kind, 5]] : [[kind, 4]]))

describe.each(cases)('a QoS 2 burst against %s, MQTT version %i', (kind, protocolVersion) => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  it('200 QoS 2 publishes at once: each arrives once, in order, and resolves once', async () => {
    const broker: TestBroker = await startTestBroker(kind)
    cleanup.push(() => broker.close())
    const outside = await counter(broker, 'burst/#', 2)
    cleanup.push(() => outside.close())
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, protocolVersion }), hub: createHub() })
    cleanup.push(() => client.close())
    await waitState(client, 'connected')
    const payloads = Array.from({ length: 200 }, (_, i) => `m${i}`)
    const results = await Promise.all(payloads.map(p => client.publish('burst/q2', p, { qos: 2 }).then(() => 'ok', (e: { code: string }) => e.code)))
    expect(results.filter(r => r !== 'ok')).toEqual([])
    const deadline = Date.now() + 5000
    while (outside.order.length < payloads.length && Date.now() < deadline) await sleep(20)
    await sleep(200)
    expect(outside.order).toEqual(payloads)
    if (kind === 'mosquitto') expect(broker.log().filter(l => /rc151/.test(l))).toEqual([])
  })

  // Loss is what this case is about: once, in a full-suite run under load, Mosquitto handed one
  // QoS 2 message of this mix to the subscriber three places early (tabmq sends them in order; the
  // QoS 2-only case above checks the order).
  it('QoS 1 and QoS 2 interleaved, 200 each at once: each arrives exactly once', async () => {
    const broker: TestBroker = await startTestBroker(kind)
    cleanup.push(() => broker.close())
    const outside = await counter(broker, 'burst/#', 2)
    cleanup.push(() => outside.close())
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, protocolVersion }), hub: createHub() })
    cleanup.push(() => client.close())
    await waitState(client, 'connected')
    const q1 = Array.from({ length: 200 }, (_, i) => `one-${i}`)
    const q2 = Array.from({ length: 200 }, (_, i) => `two-${i}`)
    const sent: Promise<string>[] = []
    for (let i = 0; i < 200; i++) {
      sent.push(client.publish('burst/q1', q1[i]!, { qos: 1 }).then(() => 'ok', (e: { code: string }) => e.code))
      sent.push(client.publish('burst/q2', q2[i]!, { qos: 2 }).then(() => 'ok', (e: { code: string }) => e.code))
    }
    expect((await Promise.all(sent)).filter(r => r !== 'ok')).toEqual([])
    const deadline = Date.now() + 5000
    while (outside.order.length < 400 && Date.now() < deadline) await sleep(20)
    await sleep(200)
    expect([...outside.counts.keys()].sort()).toEqual([...q1, ...q2].sort())
    expect([...outside.counts.values()].every(n => n === 1)).toBe(true)
  })
})
