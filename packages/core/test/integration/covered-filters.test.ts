/**
 * Filters covered by another tab's filter, on aedes and Mosquitto: the retained messages a covered
 * filter asks for with a SUBSCRIBE of its own (which RabbitMQ needs: see rabbitmq.test.ts) reach its
 * observers once, however many SUBSCRIBEs replay them, and a QoS raised for a covered filter costs
 * no observer a copy more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import type { PubSub } from '../../src/index'
import { Collector, outsider, sleep, tabs, waitActive, waitState } from '../helpers'

const matrix = [
  ['aedes', 4],
  ['mosquitto', 4],
  ['mosquitto', 5],
] as const

const texts = (c: Collector) => c.messages.map(m => `${m.topic}=${String(m.data)}${m.retain ? ' (retained)' : ''}`)

describe.each(matrix)('%s, protocol %i', (kind, version) => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind)
  })
  afterAll(() => broker.close())

  it('a tab subscribing a filter another tab covers gets its retained message once; the covering tab no copy', async () => {
    const device = await outsider(broker)
    await device.publishAsync('cv/status', 'on', { qos: 1, retain: true })
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const wide = new Collector()
    a.subscribe('cv/#', { qos: 1 }).subscribe(wide.observer)
    await wide.waitFor(c => c.messages.length === 1, 'the retained message for the cover')
    await waitActive(a, 'cv/#')
    const exact = new Collector()
    const both = new Collector()
    b.subscribe('cv/status', { qos: 1 }).subscribe(exact.observer)
    b.subscribe(['cv/#', 'cv/status'], { qos: 1 }).subscribe(both.observer)
    await exact.waitFor(c => c.messages.length === 1, 'the retained message of the covered filter')
    await both.waitFor(c => c.messages.length === 1, 'the retained message of the second subscription')
    await device.publishAsync('cv/status', 'off', { qos: 1, retain: true })
    await exact.waitFor(c => c.messages.length === 2, 'the update')
    await sleep(300)
    // MQTT 5 subscriptions keep the retain flag on live messages (Retain As Published).
    const update = version === 5 ? 'cv/status=off (retained)' : 'cv/status=off'
    expect(texts(wide)).toEqual(['cv/status=on (retained)', update])
    expect(texts(exact)).toEqual(['cv/status=on (retained)', update])
    expect(texts(both)).toEqual(['cv/status=on (retained)', update])
    const stats = await a.getStats()
    expect(stats.connections[0]!.brokerFilters.map(f => f.filter)).toEqual(['cv/#'])
    await device.publishAsync('cv/status', '', { qos: 1, retain: true })
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('a covered filter of a higher QoS raises its cover: one copy for every observer, before and after', async () => {
    const { clients } = tabs(broker, version, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const wide = new Collector()
    const exact = new Collector()
    a.subscribe('cq/#', { qos: 0 }).subscribe(wide.observer)
    await waitActive(a, 'cq/#')
    const device = await outsider(broker)
    await device.publishAsync('cq/b/c', 'before', { qos: 1 })
    await wide.waitFor(c => c.messages.length === 1, 'the message before')
    b.subscribe('cq/b/c', { qos: 1 }).subscribe(exact.observer)
    await waitActive(b, 'cq/b/c')
    await device.publishAsync('cq/b/c', 'after', { qos: 1 })
    await exact.waitFor(c => c.messages.length === 1, 'the message after')
    await wide.waitFor(c => c.messages.length === 2, 'the message after')
    await sleep(300)
    expect(texts(wide)).toEqual(['cq/b/c=before', 'cq/b/c=after'])
    expect(texts(exact)).toEqual(['cq/b/c=after'])
    // MQTT 3.1.1: the cover was raised to QoS 1. MQTT 5 keeps a subscription per QoS and routes the
    // copy of the oldest, cq/# at QoS 0.
    expect(exact.messages[0]!.qos).toBe(version === 5 ? 0 : 1)
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })
})

describe('mosquitto, protocol 4: a restart', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('mosquitto', { persistence: true })
  })
  afterAll(() => broker.close())

  it('after a restart, a covered filter and its cover each get the retained message once again', async () => {
    const device = await outsider(broker)
    await device.publishAsync('cr/status', 'kept', { qos: 1, retain: true })
    device.end(true)
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const wide = new Collector()
    const exact = new Collector()
    a.subscribe('cr/#', { qos: 1 }).subscribe(wide.observer)
    await waitActive(a, 'cr/#')
    b.subscribe('cr/status', { qos: 1 }).subscribe(exact.observer)
    await exact.waitFor(c => c.messages.length === 1, 'the retained message')
    await broker.restart!()
    await waitState(a, 'reconnecting', 15_000).catch(() => {}) // may already be back
    await waitState(a, 'connected', 15_000)
    await exact.waitFor(c => c.messages.length === 2, 'the retained message after the restart')
    await wide.waitFor(c => c.messages.length === 2, 'the retained message after the restart')
    await sleep(500)
    // As two plain clients: each gets the replay its own SUBSCRIBE brings, once.
    expect(texts(wide)).toEqual(['cr/status=kept (retained)', 'cr/status=kept (retained)'])
    expect(texts(exact)).toEqual(['cr/status=kept (retained)', 'cr/status=kept (retained)'])
    const again = await outsider(broker)
    await again.publishAsync('cr/status', '', { qos: 1, retain: true })
    again.end(true)
    await Promise.all(clients.map(c => c.close()))
  }, 40_000)
})
