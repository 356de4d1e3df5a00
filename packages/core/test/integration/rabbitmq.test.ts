/**
 * Compatibility with RabbitMQ 3.10's Web MQTT plugin (MQTT 3.1.1): the sharing, retained, overlap,
 * QoS, release, restart and bad-input cases that run against aedes and Mosquitto, with RabbitMQ's
 * expectations written down where it differs (packages/core/README-brokers.md). The rule where it
 * differs: each tab gets what a plain mqtt.js client of its own would get from RabbitMQ, never less
 * and never a copy more. One node for the file (about 10 s to start), another with access rules.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub, type PubSub, type PubSubError } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { Collector, outsider, sleep, tabs, waitActive, waitState } from '../helpers'

const START_MS = 120_000
let broker: TestBroker
beforeAll(async () => {
  broker = await startTestBroker('rabbitmq')
}, START_MS)
afterAll(() => broker.close(), 30_000)

/** What a plain mqtt.js client of its own would get: the baseline a tab must match. */
async function plainClient(filter: string, qos: 0 | 1): Promise<{ client: MqttClient; got: Array<{ topic: string; text: string; retain: boolean }> }> {
  const client = mqtt.connect(broker.wsUrl, { protocolVersion: 4, reconnectPeriod: 0 })
  const got: Array<{ topic: string; text: string; retain: boolean }> = []
  client.on('message', (topic, payload, packet) => got.push({ topic, text: payload.toString(), retain: packet.retain }))
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', reject)
  })
  await client.subscribeAsync(filter, { qos })
  return { client, got }
}

const texts = (c: Collector) => c.messages.map(m => `${m.topic}=${String(m.data)}${m.retain ? ' (retained)' : ''}`)

describe('sharing and release', () => {
  it('tabs with the same config share one broker connection and each gets every message', async () => {
    const { clients } = tabs(broker, 4, 4)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe('share/+/temp', { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, 'share/+/temp')
    await broker.waitFor(() => broker.connectedClients().filter(id => id.startsWith('tabmq_')).length === 1, 5000, 'one tabmq connection')
    expect(broker.subscribeCount('share/+/temp')).toBe(1)
    const device = await outsider(broker)
    device.publish('share/d1/temp', JSON.stringify({ t: 21.5 }), { qos: 1 })
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'the reading')
    expect(seen[0]!.messages[0]!.data).toEqual({ t: 21.5 })
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
    await broker.waitFor(() => broker.connectedClients().every(id => !id.startsWith('tabmq_')), 5000, 'tabmq gone')
  })

  it('SUBSCRIBEs a filter once however many observers, and releases its binding when the last leaves', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const subA = a.subscribe('refs/#').subscribe(new Collector().observer)
    const subB = b.subscribe('refs/#').subscribe(new Collector().observer)
    await waitActive(a, 'refs/#')
    await broker.waitFor(() => broker.subscriptions().some(s => s.filter === 'refs/#'), 5000, 'refs/# at the broker')
    expect(broker.subscribeCount('refs/#')).toBe(1)
    subA.unsubscribe()
    await sleep(400)
    expect(broker.subscriptions().some(s => s.filter === 'refs/#')).toBe(true)
    subB.unsubscribe()
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'refs/#'), 5000, 'refs/# released')
    const held = await broker.held!()
    expect(held.subscriptions.some(s => s.filter === 'refs/#')).toBe(false) // RabbitMQ's own bindings agree
    await Promise.all(clients.map(c => c.close()))
  }, 30_000)

  it('a tab that closes takes its subscriptions with it; the others keep theirs', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const seenB = new Collector()
    a.subscribe('leave/a').subscribe(new Collector().observer)
    b.subscribe('leave/b').subscribe(seenB.observer)
    await waitActive(a, 'leave/a')
    await waitActive(b, 'leave/b')
    await a.close()
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'leave/a'), 5000, 'leave/a released')
    const device = await outsider(broker)
    device.publish('leave/b', 'still here')
    await seenB.waitFor(c => c.messages.length === 1, 'b still receives')
    device.end(true)
    await b.close()
  })
})

describe('retained messages (RabbitMQ replays them for exact filters only)', () => {
  it('a late subscriber to an exact filter gets the retained message at once, and nobody gets it twice', async () => {
    const device = await outsider(broker)
    await device.publishAsync('retained/dev1/status', JSON.stringify({ online: true }), { qos: 1, retain: true })
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const first = new Collector()
    a.subscribe('retained/dev1/status').subscribe(first.observer)
    await first.waitFor(c => c.messages.length === 1, 'the retained status for the first subscriber')
    await waitActive(a, 'retained/dev1/status')
    const late = new Collector()
    b.subscribe('retained/dev1/status').subscribe(late.observer)
    await late.waitFor(c => c.messages.length === 1, 'the retained status for the late subscriber')
    expect(late.messages[0]!.retain).toBe(true)
    await device.publishAsync('retained/dev1/status', JSON.stringify({ online: false }), { qos: 1, retain: true })
    await first.waitFor(c => c.messages.length === 2, 'the update')
    await late.waitFor(c => c.messages.length === 2, 'the update')
    await sleep(200)
    expect(first.messages.map(m => m.data)).toEqual([{ online: true }, { online: false }])
    expect(late.messages.map(m => m.data)).toEqual([{ online: true }, { online: false }])
    await device.publishAsync('retained/dev1/status', '', { qos: 1, retain: true })
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('a wildcard subscriber gets no retained message, as a plain client of its own gets none', async () => {
    const device = await outsider(broker)
    await device.publishAsync('wild/dev1/status', 'on', { qos: 1, retain: true })
    const plain = await plainClient('wild/+/status', 1)
    const { clients } = tabs(broker, 4, 1)
    const tab = new Collector()
    clients[0]!.subscribe('wild/+/status', { qos: 1 }).subscribe(tab.observer)
    await waitActive(clients[0]!, 'wild/+/status')
    await device.publishAsync('wild/dev1/status', 'off', { qos: 1, retain: true })
    await tab.waitFor(c => c.messages.length === 1, 'the live update')
    await sleep(200)
    expect(plain.got.map(m => `${m.topic}=${m.text}${m.retain ? ' (retained)' : ''}`)).toEqual(['wild/dev1/status=off'])
    expect(texts(tab)).toEqual(['wild/dev1/status=off'])
    await device.publishAsync('wild/dev1/status', '', { qos: 1, retain: true })
    device.end(true)
    plain.client.end(true)
    await clients[0]!.close()
  })

  it('a tab subscribing an exact filter another tab covers with a wildcard gets its retained message; the other tab gets no copy', async () => {
    const device = await outsider(broker)
    await device.publishAsync('keep/status', 'on', { qos: 1, retain: true })
    await device.publishAsync('keep/other', 'x', { qos: 1, retain: true })
    const plain = await plainClient('keep/status', 1)
    await sleep(200)
    expect(plain.got).toEqual([{ topic: 'keep/status', text: 'on', retain: true }]) // what the tab must get
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const wide = new Collector()
    a.subscribe('keep/#', { qos: 1 }).subscribe(wide.observer)
    await waitActive(a, 'keep/#')
    const exact = new Collector()
    b.subscribe('keep/status', { qos: 1 }).subscribe(exact.observer)
    await exact.waitFor(c => c.messages.length === 1, 'the retained message of the covered filter')
    expect(texts(exact)).toEqual(['keep/status=on (retained)'])
    // Live messages reach both once; the cover's tab never saw the replay meant for the newcomer.
    await device.publishAsync('keep/status', 'off', { qos: 1, retain: true })
    await exact.waitFor(c => c.messages.length === 2, 'the update')
    await wide.waitFor(c => c.messages.length === 1, 'the update')
    await sleep(300)
    expect(texts(exact)).toEqual(['keep/status=on (retained)', 'keep/status=off'])
    expect(texts(wide)).toEqual(['keep/status=off'])
    // The broker is left with the cover only.
    await broker.waitFor(() => !broker.subscriptions().some(s => s.filter === 'keep/status' && s.clientId.startsWith('tabmq_')), 5000, 'keep/status released')
    for (const t of ['keep/status', 'keep/other']) await device.publishAsync(t, '', { qos: 1, retain: true })
    device.end(true)
    plain.client.end(true)
    await Promise.all(clients.map(c => c.close()))
  })
})

describe('overlapping filters and QoS (RabbitMQ keeps a queue per QoS)', () => {
  it('overlapping filters of one QoS deliver each message once per observer, with one broker subscription', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const both = new Collector()
    const narrow = new Collector()
    a.subscribe(['over/#', 'over/+']).subscribe(both.observer)
    b.subscribe('over/+').subscribe(narrow.observer)
    await waitActive(a, 'over/#')
    await waitActive(b, 'over/+')
    expect((await a.getStats()).connections[0]!.brokerFilters.map(f => f.filter)).toEqual(['over/#'])
    const device = await outsider(broker)
    await device.publishAsync('over/x', '1', { qos: 1 })
    await device.publishAsync('over/x/y', '2', { qos: 1 })
    await both.waitFor(c => c.messages.length >= 2, 'both messages')
    await narrow.waitFor(c => c.messages.length >= 1, 'the narrow one')
    await sleep(200)
    expect(both.topics()).toEqual(['over/x', 'over/x/y'])
    expect(narrow.topics()).toEqual(['over/x'])
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('a/# at QoS 0 in one tab and a/b/c at QoS 1 in another: every observer gets each message once', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const wide = new Collector()
    const exact = new Collector()
    a.subscribe('qa/#', { qos: 0 }).subscribe(wide.observer)
    await waitActive(a, 'qa/#')
    b.subscribe('qa/b/c', { qos: 1 }).subscribe(exact.observer)
    await waitActive(b, 'qa/b/c')
    const device = await outsider(broker)
    for (let i = 0; i < 5; i++) await device.publishAsync('qa/b/c', String(i), { qos: 1 })
    await device.publishAsync('qa/z', 'z', { qos: 0 })
    await wide.waitFor(c => c.messages.length >= 6, 'the messages on qa/#')
    await exact.waitFor(c => c.messages.length >= 5, 'the messages on qa/b/c')
    await sleep(300)
    expect(texts(wide)).toEqual(['qa/b/c=0', 'qa/b/c=1', 'qa/b/c=2', 'qa/b/c=3', 'qa/b/c=4', 'qa/z=z'])
    expect(texts(exact)).toEqual(['qa/b/c=0', 'qa/b/c=1', 'qa/b/c=2', 'qa/b/c=3', 'qa/b/c=4'])
    // The QoS 1 observer gets QoS 1 deliveries, as its own client would.
    expect(exact.messages.every(m => m.qos === 1)).toBe(true)
    // No filter of this connection is bound at two QoS levels that overlap.
    const mine = broker.subscriptions().filter(s => s.clientId.startsWith('tabmq_') && s.filter.startsWith('qa/'))
    expect(new Set(mine.map(s => s.qos)).size).toBe(1)
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('partially overlapping filters of QoS 0 and 1 (a/+/c and a/b/+): every observer gets each message once', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const left = new Collector()
    const right = new Collector()
    a.subscribe('qp/+/c', { qos: 0 }).subscribe(left.observer)
    b.subscribe('qp/b/+', { qos: 1 }).subscribe(right.observer)
    await waitActive(a, 'qp/+/c')
    await waitActive(b, 'qp/b/+')
    const device = await outsider(broker)
    await device.publishAsync('qp/b/c', 'both', { qos: 1 })
    await device.publishAsync('qp/x/c', 'left', { qos: 1 })
    await device.publishAsync('qp/b/x', 'right', { qos: 1 })
    await left.waitFor(c => c.messages.length >= 2, 'the left messages')
    await right.waitFor(c => c.messages.length >= 2, 'the right messages')
    await sleep(300)
    expect(texts(left)).toEqual(['qp/b/c=both', 'qp/x/c=left'])
    expect(texts(right)).toEqual(['qp/b/c=both', 'qp/b/x=right'])
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('a tab raising the QoS of a filter another tab holds: one copy each, before and after', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const low = new Collector()
    const high = new Collector()
    a.subscribe('raise/#', { qos: 0 }).subscribe(low.observer)
    await waitActive(a, 'raise/#')
    const device = await outsider(broker)
    await device.publishAsync('raise/x', 'before', { qos: 1 })
    await low.waitFor(c => c.messages.length === 1, 'the message before the raise')
    b.subscribe('raise/#', { qos: 1 }).subscribe(high.observer)
    await waitActive(b, 'raise/#')
    await broker.waitFor(() => broker.subscriptions().some(s => s.clientId.startsWith('tabmq_') && s.filter === 'raise/#' && s.qos === 1), 5000, 'raise/# at QoS 1')
    await device.publishAsync('raise/x', 'after', { qos: 1 })
    await high.waitFor(c => c.messages.length === 1, 'the message after the raise')
    await sleep(300)
    expect(texts(low)).toEqual(['raise/x=before', 'raise/x=after'])
    expect(texts(high)).toEqual(['raise/x=after'])
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('handing a filter over to a new cover loses nothing and repeats nothing', async () => {
    const device = await outsider(broker)
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const narrow = new Collector()
    a.subscribe('ho/+', { qos: 1 }).subscribe(narrow.observer)
    await waitActive(a, 'ho/+')
    const sent: number[] = []
    const stream = (async () => {
      for (let i = 0; i < 40; i++) {
        sent.push(i)
        await device.publishAsync('ho/live', String(i), { qos: 1 })
        await sleep(10)
      }
    })()
    await sleep(100)
    const wide = new Collector()
    b.subscribe('ho/#', { qos: 1 }).subscribe(wide.observer)
    await stream
    await sleep(500)
    expect(narrow.messages.map(m => m.data)).toEqual(sent)
    const w = wide.messages.map(m => m.data as number)
    expect(new Set(w).size).toBe(w.length)
    expect(w.at(-1)).toBe(39)
    expect((await a.getStats()).connections[0]!.brokerFilters.map(f => f.filter)).toEqual(['ho/#'])
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  })

  it('publishes reach other tabs and outside clients; QoS 1 resolves on PUBACK; QoS 2 arrives as QoS 1', async () => {
    const { clients } = tabs(broker, 4, 2)
    const [a, b] = clients as [PubSub, PubSub]
    const seen = new Collector()
    b.subscribe('pub/#', { qos: 2 }).subscribe(seen.observer)
    await waitActive(b, 'pub/#')
    await waitState(a, 'connected')
    await a.publish('pub/obj', { on: true }, { qos: 1 })
    await a.publish(['pub/t1', 'pub/t2'], 'text', { qos: 0 })
    await a.publish('pub/bytes', new Uint8Array([1, 2, 3]), { qos: 2 })
    await seen.waitFor(c => c.messages.length === 4, 'four messages')
    const byTopic = Object.fromEntries(seen.messages.map(m => [m.topic, m]))
    expect(byTopic['pub/obj']!.data).toEqual({ on: true })
    expect([...byTopic['pub/bytes']!.payload]).toEqual([1, 2, 3])
    expect(byTopic['pub/bytes']!.qos).toBe(1) // RabbitMQ 3.10 downgrades QoS 2 to 1
    await Promise.all(clients.map(c => c.close()))
  })
})

describe('restart', () => {
  it('a broker restart: tabs reconnect, resubscribe, send what was queued, and get retained messages again', async () => {
    const device = await outsider(broker)
    await device.publishAsync('rs/status', 'kept', { qos: 1, retain: true })
    device.end(true)
    const { clients } = tabs(broker, 4, 3)
    const [a, b, c] = clients as [PubSub, PubSub, PubSub]
    const seen = new Collector()
    b.subscribe('rs/status', { qos: 1 }).subscribe(seen.observer)
    b.subscribe('rs/live', { qos: 1 }).subscribe(seen.observer)
    await seen.waitFor(c => c.messages.length === 1, 'the retained message')
    // A third tab's rs/# covers both: the broker holds rs/# only, and rs/status asks for its own retained message.
    const wide = new Collector()
    c.subscribe('rs/#', { qos: 1 }).subscribe(wide.observer)
    await waitActive(c, 'rs/#')
    await broker.waitFor(() => !broker.subscriptions().some(s => s.clientId.startsWith('tabmq_') && s.filter === 'rs/status'), 5000, 'rs/status left to rs/#')
    await waitState(a, 'connected')
    // Each rabbitmqctl call boots an Erlang VM first: on a loaded 2-core machine, stop_app alone
    // took over 15 s to drop the connections.
    const restarting = broker.restart!()
    await waitState(a, 'reconnecting', 40_000)
    const queued = a.publish('rs/queued', 'while away', { qos: 1 })
    await restarting
    await waitState(a, 'connected', 20_000)
    await queued
    await waitActive(b, 'rs/live')
    await a.publish('rs/live', 'after', { qos: 1 })
    await seen.waitFor(c => c.topics().includes('rs/live'), 'a message after the restart')
    await wide.waitFor(c => c.topics().includes('rs/live'), 'a message after the restart')
    await sleep(300)
    // Without a session the broker replays retained messages on the new SUBSCRIBEs, as to plain clients:
    // rs/status asked for its own (RabbitMQ replays none for rs/#).
    expect(texts(seen)).toEqual(['rs/status=kept (retained)', 'rs/status=kept (retained)', 'rs/live=after'])
    expect(texts(wide)).toEqual(['rs/queued=while away', 'rs/live=after'])
    const again = await outsider(broker)
    await again.publishAsync('rs/status', '', { qos: 1, retain: true })
    again.end(true)
    await Promise.all(clients.map(c => c.close()))
  }, 90_000)
})

describe('bad input and protocol', () => {
  it('bad topics, filters and QoS fail in the tab with their codes; the hub and the other tab carry on', async () => {
    const { hub, clients } = tabs(broker, 4, 2)
    const [bad, good] = clients as [PubSub, PubSub]
    const goodSeen = new Collector()
    good.subscribe('healthy/#').subscribe(goodSeen.observer)
    await waitActive(good, 'healthy/#')
    await expect(bad.publish('a/+', 'x')).rejects.toMatchObject({ code: 'INVALID_TOPIC' })
    await expect(bad.publish('a/b', 'x', { qos: 3 as 0 })).rejects.toMatchObject({ code: 'INVALID_QOS' })
    const errors = new Collector()
    bad.subscribe('a/#/b').subscribe(errors.observer)
    await errors.waitFor(c => c.errors.length === 1, 'the INVALID_FILTER error')
    expect((errors.errors[0] as { code: string }).code).toBe('INVALID_FILTER')
    await bad.publish('healthy/1', 'fine', { qos: 1 })
    await goodSeen.waitFor(c => c.messages.length === 1, 'the healthy tab still receives')
    expect((await hub.stats()).connections[0]!.status).toBe('connected')
    await Promise.all(clients.map(c => c.close()))
  })

  it('MQTT 5 against RabbitMQ 3.10: the state says the broker may not speak MQTT 5 and to try protocolVersion 4', async () => {
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, protocolVersion: 5 }), hub: createHub(), reconnect: { initialDelayMs: 200, maxDelayMs: 1000 } })
    await waitState(client, 'reconnecting')
    const state = client.connectionState.get()
    expect(state.error?.code).toBe('UNREACHABLE')
    expect(state.error?.message).toMatch(/MQTT 5/)
    expect(state.error?.message).toMatch(/protocolVersion: 4/)
    await client.close()
    // The same broker with protocolVersion 4 works.
    const v4 = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, protocolVersion: 4 }), hub: createHub() })
    await waitState(v4, 'connected')
    await v4.close()
  })
})

describe('with users and topic permissions', () => {
  let guarded: TestBroker
  beforeAll(async () => {
    guarded = await startTestBroker('rabbitmq', { users: { alice: 'right' }, denySubscribe: ['secret/#'], denyPublish: ['locked/#'] })
  }, START_MS)
  afterAll(() => guarded.close(), 30_000)

  it('a wrong password over Web MQTT gets no CONNACK: reconnecting, as a plain client would, the password never shown; the right one connects', async () => {
    // Another hub (another browser): on one hub the same user name shares the right one's connection.
    const wrong = createPubSub({ provider: mqttOverWs({ url: guarded.wsUrl, username: 'alice', password: 'wrong-secret-123' }), hub: createHub(), reconnect: { initialDelayMs: 200, maxDelayMs: 1000 } })
    await waitState(wrong, 'reconnecting')
    const error = wrong.connectionState.get().error!
    expect(error.code).toBe('UNREACHABLE') // RabbitMQ's Web MQTT closes a refused login without a CONNACK
    expect(error.message).toMatch(/user name and password/)
    expect(error.message).not.toContain('wrong-secret-123')
    const right = createPubSub({ provider: mqttOverWs({ url: guarded.wsUrl, username: 'alice', password: 'right' }), hub: createHub() })
    await waitState(right, 'connected')
    await Promise.all([right.close(), wrong.close()])
  })

  it('a denied subscription closes the connection (no SUBACK 0x80): refused after the second close, and the other tabs carry on', async () => {
    const alice = { username: 'alice', password: 'right' }
    const { clients } = tabs(guarded, 4, 2, alice)
    const [a, b] = clients as [PubSub, PubSub]
    const ok = new Collector()
    const denied = new Collector()
    a.subscribe('open/#', { qos: 1 }).subscribe(ok.observer)
    await waitActive(a, 'open/#')
    b.subscribe('secret/x', { qos: 1 }).subscribe(denied.observer)
    await denied.waitFor(c => c.errors.length === 1, 'the refusal', 15_000)
    expect((denied.errors[0] as { code: string }).code).toBe('SUBSCRIBE_REFUSED')
    expect((denied.errors[0] as Error).message).toMatch(/closed the connection twice in answer to the SUBSCRIBE to "secret\/x"/)
    await waitState(a, 'connected', 15_000)
    await waitActive(a, 'open/#')
    // Two connections closed, then none: no reconnect storm for the tabs sharing it.
    const connects = () => guarded.log().filter(l => l.includes('Received a CONNECT')).length
    const before = connects()
    const device = mqtt.connect(guarded.tcpUrl, { ...alice, reconnectPeriod: 0 })
    await new Promise<void>(resolve => device.once('connect', () => resolve()))
    await device.publishAsync('open/1', 'x', { qos: 1 })
    await ok.waitFor(c => c.messages.length === 1, 'open/# still works')
    await sleep(1000)
    expect(connects()).toBe(before + 1) // the device only
    expect(a.connectionState.get().status).toBe('connected')
    device.end(true)
    await Promise.all(clients.map(c => c.close()))
  }, 40_000)

  it('a denied QoS 1 publish closes the connection: sent alone after the first close, refused with PUBLISH_REFUSED after closing it alone twice, no reconnect storm, the other tabs carry on', async () => {
    const alice = { username: 'alice', password: 'right' }
    const { clients } = tabs(guarded, 4, 2, alice)
    const [a, b] = clients as [PubSub, PubSub]
    const ok = new Collector()
    a.subscribe('open/#', { qos: 1 }).subscribe(ok.observer)
    await waitActive(a, 'open/#')
    const connects = () => guarded.log().filter(l => l.includes('Received a CONNECT')).length
    const before = connects()
    const refused = await b.publish('locked/door', 'open', { qos: 1 }).then(
      () => undefined,
      (e: PubSubError) => e,
    )
    expect(refused?.code).toBe('PUBLISH_REFUSED')
    expect(refused?.message).toMatch(/"locked\/door"/)
    await waitState(a, 'connected', 15_000)
    await waitActive(a, 'open/#')
    // Three closes (the first, then two with the publish alone), then calm: not a storm.
    expect(connects() - before).toBeLessThanOrEqual(3)
    const settled = connects()
    await b.publish('open/2', 'fine', { qos: 1 })
    await ok.waitFor(c => c.messages.some(m => m.topic === 'open/2'), 'the other tab still receives')
    await sleep(1000)
    expect(connects()).toBe(settled)
    await Promise.all(clients.map(c => c.close()))
  }, 40_000)
})
