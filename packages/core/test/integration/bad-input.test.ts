import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub, PubSubError } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { Collector, outsider, tabs, waitActive, waitState } from '../helpers'

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(PubSubError)
    return (e as PubSubError).code
  }
  throw new Error('expected a rejection')
}

function subscribeError(client: ReturnType<typeof createPubSub>, filter: string | string[], qos?: unknown): Promise<PubSubError> {
  return new Promise(resolve => {
    client.subscribe(filter, { qos: qos as 0 }).subscribe({ error: e => resolve(e as PubSubError), next: () => resolve(new PubSubError('INTERNAL', 'got a message')) })
  })
}

describe.each(['aedes', 'mosquitto'] as const)('bad input on %s', kind => {
  let broker: TestBroker
  let hub: ReturnType<typeof createHub>
  let bad: ReturnType<typeof createPubSub>
  let good: ReturnType<typeof createPubSub>
  const goodSeen = new Collector()

  beforeAll(async () => {
    broker = await startTestBroker(kind)
    const t = tabs(broker, 4, 2)
    hub = t.hub
    ;[bad, good] = t.clients as [typeof bad, typeof good]
    good.subscribe('healthy/#').subscribe(goodSeen.observer)
    await waitActive(good, 'healthy/#')
    await waitState(bad, 'connected')
  })
  afterAll(async () => {
    await good.close()
    await broker.close()
  })

  it.each([
    ['a wildcard topic', 'a/+', 'INVALID_TOPIC'],
    ['a multi-level wildcard topic', 'a/#', 'INVALID_TOPIC'],
    ['an empty topic', '', 'INVALID_TOPIC'],
    ['a topic with U+0000', 'a\u0000b', 'INVALID_TOPIC'],
    ['a topic over 65535 bytes', 'x'.repeat(65536), 'INVALID_TOPIC'],
  ])('publishing to %s fails', async (_what, topic, code) => {
    expect(await codeOf(bad.publish(topic, 'x'))).toBe(code)
  })

  it.each([
    ['# not last', 'a/#/b'],
    ['# sharing a level', 'a/b#'],
    ['+ sharing a level', 'a/b+/c'],
    ['an empty filter', ''],
    ['U+0000', 'a/\u0000'],
  ])('subscribing with %s fails with INVALID_FILTER', async (_what, filter) => {
    const error = await subscribeError(bad, filter)
    expect(error.code).toBe('INVALID_FILTER')
    expect(error.message.length).toBeGreaterThan(10)
  })

  it('QoS 3 fails with INVALID_QOS on publish and subscribe', async () => {
    expect(await codeOf(bad.publish('a', 'x', { qos: 3 as 0 }))).toBe('INVALID_QOS')
    expect((await subscribeError(bad, 'a', 3)).code).toBe('INVALID_QOS')
  })

  it('payloads that cannot be serialised fail with INVALID_PAYLOAD', async () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(await codeOf(bad.publish('a', cyclic))).toBe('INVALID_PAYLOAD')
    expect(await codeOf(bad.publish('a', (() => 1) as never))).toBe('INVALID_PAYLOAD')
    expect(await codeOf(bad.publish('a', { n: 10n } as never))).toBe('INVALID_PAYLOAD')
  })

  it('the hub and the other tab carry on after all that', async () => {
    const device = await outsider(broker)
    await device.publishAsync('healthy/1', 'fine', { qos: 1 })
    await goodSeen.waitFor(c => c.messages.length >= 1, 'the healthy tab still receives')
    await bad.publish('healthy/2', 'also fine', { qos: 1 })
    await goodSeen.waitFor(c => c.messages.length >= 2, 'a publish from the tab that sent the bad input')
    device.end(true)
    const stats = await hub.stats()
    expect(stats.connections[0]!.status).toBe('connected')
  })

  it('publish and subscribe after close() fail with CLOSED; close is idempotent', async () => {
    await bad.close()
    await bad.close()
    expect(await codeOf(bad.publish('a', 'x'))).toBe('CLOSED')
    expect((await subscribeError(bad, 'a')).code).toBe('CLOSED')
    expect(await codeOf(bad.getStats())).toBe('CLOSED')
    expect(bad.connectionState.get().status).toBe('closed')
  })
})

describe('bad connection settings', () => {
  it('a provider URL that is not ws/wss fails at once with INVALID_OPTIONS', () => {
    for (const url of ['mqtt://127.0.0.1:1883', 'http://x', 'not a url', '']) {
      expect(() => mqttOverWs({ url })).toThrow(PubSubError)
      try {
        mqttOverWs({ url })
      } catch (e) {
        expect((e as PubSubError).code).toBe('INVALID_OPTIONS')
      }
    }
  })

  it('createPubSub without a provider fails with INVALID_OPTIONS', () => {
    expect(() => createPubSub({} as never)).toThrow(/provider/)
  })

  it('options the hub checks (protocolVersion, keepalive) come back as INVALID_OPTIONS in the state', async () => {
    const client = createPubSub({ provider: mqttOverWs({ url: 'ws://127.0.0.1:1/mqtt', protocolVersion: 7 as 4 }), hub: createHub() })
    await waitState(client, 'offline')
    expect(client.connectionState.get().error?.code).toBe('INVALID_OPTIONS')
    expect(client.connectionState.get().error?.message).toContain('protocolVersion')
    expect(await codeOf(client.publish('a', 'x'))).toBe('INVALID_OPTIONS')
    await client.close()
  })

  it('an unreachable broker shows reconnecting with UNREACHABLE; QoS 0 fails fast, QoS 1 queues up to the bound', async () => {
    const client = createPubSub({
      provider: mqttOverWs({ url: 'ws://127.0.0.1:9/mqtt', connectTimeout: 1000 }),
      hub: createHub(),
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      offline: { maxSize: 1 },
    })
    await waitState(client, 'reconnecting')
    await new Promise(r => setTimeout(r, 300))
    const state = client.connectionState.get()
    expect(state.error?.code).toBe('UNREACHABLE')
    expect(state.attempt).toBeGreaterThanOrEqual(1)
    expect(await codeOf(client.publish('a', 'x', { qos: 0 }))).toBe('NOT_CONNECTED')
    const queued = client.publish('a', 'x', { qos: 1 })
    expect(await codeOf(client.publish('b', 'y', { qos: 1 }))).toBe('QUEUE_FULL')
    expect((await client.getStats()).connections[0]!.queuedPublishes).toBe(1)
    await client.close()
    expect(await codeOf(queued)).toBe('CLOSED')
  })
})

describe.each(['aedes', 'mosquitto'] as const)('refused credentials on %s', kind => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind, { users: { alice: 'right' } })
  })
  afterAll(() => broker.close())

  it('stop retrying and show an error state, not a reconnect storm', async () => {
    const hub = createHub()
    const client = createPubSub({
      provider: mqttOverWs({ url: broker.wsUrl, username: 'alice', password: 'wrong-secret-123' }),
      hub,
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    })
    await waitState(client, 'offline')
    const error = client.connectionState.get().error!
    expect(['BAD_CREDENTIALS', 'NOT_AUTHORIZED']).toContain(error.code)
    expect(error.message).not.toContain('wrong-secret-123')
    // With a 20 ms backoff, a storm would show many attempts in this time.
    await new Promise(r => setTimeout(r, 500))
    expect(client.connectionState.get().status).toBe('offline')
    expect(client.connectionState.get().attempt).toBe(0)
    expect(await codeOf(client.publish('a', 'x', { qos: 1 }))).toMatch(/BAD_CREDENTIALS|NOT_AUTHORIZED/)
    // A tab that opens the same identity with the right password brings the connection back.
    const fixed = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, username: 'alice', password: 'right' }), hub })
    await waitState(fixed, 'connected')
    await waitState(client, 'connected')
    await fixed.close()
    await client.close()
  })

  it('the right password connects, and identities never share a connection', async () => {
    const hub = createHub()
    const alice = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, username: 'alice', password: 'right' }), hub })
    const anonymous = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub })
    await waitState(alice, 'connected')
    await waitState(anonymous, 'offline')
    const stats = await hub.stats()
    expect(stats.connections).toHaveLength(2)
    expect(stats.connections.map(c => c.key).join()).not.toContain('right')
    await alice.close()
    await anonymous.close()
  })
})
