import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { startFaultProxy, startMosquitto, type FaultProxy, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub, type ConnectionStatus, type PubSub } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { mqttOverWs } from '../../src/providers/index'
import { Collector, sleep, waitActive, waitState } from '../helpers'

/**
 * A plain mqtt.js subscriber outside the hub, as a device backend would be, counting each payload
 * it receives. Its session is persistent (clean: false), so what the broker accepted while it was
 * away (a broker restart) still reaches it.
 */
async function counter(broker: TestBroker, filter: string): Promise<{ client: MqttClient; counts: Map<string, number> }> {
  const counts = new Map<string, number>()
  const client = mqtt.connect(broker.tcpUrl, { clientId: `counter_${Math.random().toString(16).slice(2)}`, clean: false, reconnectPeriod: 100 })
  client.on('message', (_topic, payload) => counts.set(payload.toString(), (counts.get(payload.toString()) ?? 0) + 1))
  client.on('error', () => {})
  await new Promise<void>(resolve => client.once('connect', () => resolve()))
  await client.subscribeAsync(filter, { qos: 1 })
  return { client, counts }
}

/** Publishes QoS 1 messages and records how each settles. */
function tracked(client: PubSub, topic: string) {
  const sent: string[] = []
  const resolved = new Map<string, number>()
  const rejected: Array<{ payload: string; code: string }> = []
  const settled: Promise<void>[] = []
  const publish = (payload: string) => {
    sent.push(payload)
    settled.push(
      client.publish(topic, payload, { qos: 1 }).then(
        () => void resolved.set(payload, (resolved.get(payload) ?? 0) + 1),
        (e: { code: string }) => void rejected.push({ payload, code: e.code }),
      ),
    )
  }
  return { sent, resolved, rejected, publish, all: () => Promise.all(settled) }
}

async function until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await sleep(20)
  }
}

describe('QoS 1 publishes in flight when the connection dies are sent again, and resolve once (Mosquitto)', () => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  it('the broker restarted 5 times during a stream: every publish resolves once, none is lost, subscriptions come back', async () => {
    const broker = await startMosquitto({ persistence: true })
    cleanup.push(() => broker.close())
    const outside = await counter(broker, 'stream/#')
    cleanup.push(() => outside.client.end(true))
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 50, maxDelayMs: 300 }, publishTimeoutMs: 20_000 })
    cleanup.push(() => client.close())
    const own = new Collector()
    client.subscribe('echo/#', { qos: 1 }).subscribe(own.observer)
    await waitActive(client, 'echo/#')
    const statuses: ConnectionStatus[] = []
    client.connectionState.subscribe(s => void statuses.push(s.status))

    const stream = tracked(client, 'stream/data')
    let restarting = true
    const restarts = (async () => {
      for (let r = 0; r < 5; r++) {
        await sleep(250)
        await broker.restart!()
        await waitState(client, 'connected', 10_000) // the connection is back before the next restart
      }
      restarting = false
    })()
    for (let i = 0; restarting || i < 100; i++) {
      stream.publish(String(i))
      await sleep(4)
    }
    await restarts
    await stream.all()

    expect(stream.rejected).toEqual([])
    expect(stream.resolved.size).toBe(stream.sent.length)
    expect([...stream.resolved.values()].every(n => n === 1)).toBe(true)
    await until(() => stream.sent.every(p => outside.counts.has(p)), 'every publish at the outside subscriber', 15_000)
    // At least once: a publish the broker took just before it went down may arrive twice, never zero times.
    expect(stream.sent.filter(p => !outside.counts.has(p))).toEqual([])
    expect(statuses).toContain('reconnecting')
    expect(client.connectionState.get().status).toBe('connected')
    // The hub resubscribed after the last restart.
    await waitActive(client, 'echo/#')
    await outside.client.publishAsync('echo/after', 'back', { qos: 1 })
    await own.waitFor(c => c.topics().includes('echo/after'), 'a message through the restored subscription')
  }, 60_000)

  describe('through a proxy the test controls', () => {
    let broker: TestBroker
    let proxy: FaultProxy
    beforeAll(async () => {
      broker = await startMosquitto()
      proxy = await startFaultProxy(broker.wsUrl)
    })
    afterAll(async () => {
      await proxy.close()
      await broker.close()
    })

    /** A tab on its own hub, connected through the proxy, subscribed to `back/#` to see its subscriptions return. */
    async function tabThroughProxy() {
      const client = createPubSub({ provider: mqttOverWs({ url: proxy.url, keepalive: 1 }), hub: createHub({ warn: () => {} }), reconnect: { initialDelayMs: 50, maxDelayMs: 300 }, publishTimeoutMs: 20_000 })
      cleanup.push(() => client.close())
      const own = new Collector()
      client.subscribe('back/#', { qos: 1 }).subscribe(own.observer)
      await waitActive(client, 'back/#')
      return { client, own }
    }

    it('a blackhole (drops, never closes) found by keepalive: the publishes made meanwhile are delivered after the reconnect', async () => {
      const outside = await counter(broker, 'hole/#')
      cleanup.push(() => outside.client.end(true))
      const { client, own } = await tabThroughProxy()
      const stream = tracked(client, 'hole/data')
      stream.publish('before')
      await stream.all()

      proxy.blackhole()
      cleanup.push(() => proxy.restore()) // a failed test must not leave the next one in the hole
      for (let i = 0; i < 20; i++) stream.publish(`during-${i}`)
      // Nothing fails while the connection looks alive; keepalive (1 s) finds it dead.
      await waitState(client, 'reconnecting', 10_000)
      expect(stream.rejected).toEqual([])
      proxy.restore()
      await waitState(client, 'connected', 10_000)
      await stream.all()

      expect(stream.rejected).toEqual([])
      expect(stream.resolved.size).toBe(21)
      await until(() => stream.sent.every(p => outside.counts.has(p)), 'every publish at the outside subscriber', 10_000)
      await waitActive(client, 'back/#')
      await outside.client.publishAsync('back/hole', 'x', { qos: 1 })
      await own.waitFor(c => c.topics().includes('back/hole'), 'a message through the restored subscription')
    }, 30_000)

    it('a clean cut during a stream: every publish resolves once and arrives', async () => {
      const outside = await counter(broker, 'cut/#')
      cleanup.push(() => outside.client.end(true))
      const { client } = await tabThroughProxy()
      const stream = tracked(client, 'cut/data')
      for (let i = 0; i < 200; i++) {
        stream.publish(String(i))
        if (i % 50 === 25) proxy.cut()
        await sleep(2)
      }
      await stream.all()
      expect(stream.rejected).toEqual([])
      expect(stream.resolved.size).toBe(200)
      await until(() => stream.sent.every(p => outside.counts.has(p)), 'every publish at the outside subscriber', 10_000)
    }, 30_000)
  })
})
