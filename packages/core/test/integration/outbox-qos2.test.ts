/**
 * The durable outbox's QoS 2 rules against real brokers, with the state a reload leaves behind
 * built exactly: a raw MQTT client plays the page that died (it sent PUBLISH, got PUBREC, maybe
 * PUBREL never left), the outbox records say how far each publish got, and a new hub restores them.
 * Mosquitto delivers a QoS 2 message on PUBREL (the spec's Method A); aedes on PUBLISH, dropping a
 * repeat with the same packet id in the same session (Method B): the two ways the guarantee must hold.
 */
import { createRequire } from 'node:module'
import net from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { brokerKinds, startTestBroker, type TestBroker } from '@tabmq/broker/testing'
import { createPubSub } from '../../src/index'
import { createHub } from '../../src/hub/index'
import { memoryOutboxStorage } from '../../src/hub/outbox-storage'
import { mqttOverWs } from '../../src/providers/index'
import { sleep, waitState } from '../helpers'
import { counter } from '../browser/tabs'

// mqtt-packet is mqtt.js's own encoder: resolved from where mqtt.js is.
const require = createRequire(import.meta.url)
const mqttPacket = createRequire(require.resolve('mqtt'))('mqtt-packet') as {
  generate(packet: object): Buffer
  parser(options: object): { on(event: 'packet', listener: (p: { cmd: string; messageId?: number; sessionPresent?: boolean }) => void): void; parse(b: Buffer): void }
}

/** A bare MQTT 3.1.1 client over TCP that sends exactly the packets it is told to. */
async function rawClient(broker: TestBroker, clientId: string) {
  const url = new URL(broker.tcpUrl)
  const socket = net.connect(Number(url.port), url.hostname)
  const got: Array<{ cmd: string; messageId?: number; sessionPresent?: boolean }> = []
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  parser.on('packet', p => void got.push(p))
  socket.on('data', d => parser.parse(d))
  socket.on('error', () => {})
  await new Promise(r => socket.once('connect', r))
  const send = (p: object) => socket.write(mqttPacket.generate(p))
  const waitFor = async (cmd: string, messageId?: number) => {
    const deadline = Date.now() + 5000
    while (!got.some(p => p.cmd === cmd && (messageId === undefined || p.messageId === messageId))) {
      if (Date.now() > deadline) throw new Error(`no ${cmd} ${messageId ?? ''} from the broker; got ${JSON.stringify(got)}`)
      await sleep(10)
    }
  }
  send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId, keepalive: 60 })
  await waitFor('connack')
  return { send, waitFor, close: () => socket.destroy() }
}

/**
 * Web Locks as a browser grants them (Node has none), with a holder the test controls: the hub of
 * a page that is dying and still holds the outbox's lock.
 */
function webLocksWithHolder(name: string) {
  let release!: () => void
  let free = new Promise<void>(r => (release = r))
  let held = true
  const request = async (lockName: string, options: LockOptions | LockGrantedCallback<unknown>, callback?: LockGrantedCallback<unknown>) => {
    const [opts, cb] = typeof options === 'function' ? [{}, options] : [options, callback!]
    if (lockName !== name) return cb({ name: lockName, mode: 'exclusive' })
    if (held && opts.ifAvailable) return cb(null)
    while (held) {
      if (opts.signal?.aborted) throw new DOMException('aborted', 'AbortError')
      await Promise.race([free, new Promise(r => opts.signal?.addEventListener('abort', r))])
    }
    held = true
    free = new Promise<void>(r => (release = r))
    try {
      return await cb({ name, mode: 'exclusive' })
    } finally {
      held = false
      release()
    }
  }
  vi.stubGlobal('navigator', { locks: { request } })
  return {
    /** The dying page's hub lets go. */
    letGo() {
      held = false
      release()
    },
  }
}

describe.each(brokerKinds())('durable outbox, QoS 2 across a reload, against %s', kind => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
    vi.unstubAllGlobals()
  })

  /**
   * A broker, a subscriber counting arrivals, and what a page that died mid-flush left: its session
   * holds packet 77 (PUBREC came, PUBREL never left) and 78 (PUBLISH sent, no answer heeded), or
   * `ids` instead, and its outbox records say so, beside a QoS 2 and a QoS 1 publish never sent.
   */
  async function diedMidFlush(name: string, { subscribed = true, ids = [77, 78] as [number, number] } = {}) {
    const broker = await startTestBroker(kind)
    cleanup.push(() => broker.close())
    const outside = await counter(broker, 'oq/#', 2)
    cleanup.push(() => outside.close())
    const clientId = `outbox_${name}_${Math.random().toString(16).slice(2)}`
    const raw = await rawClient(broker, clientId)
    if (subscribed) {
      // A subscription keeps the session on aedes too (it drops empty sessions from its CONNACK).
      raw.send({ cmd: 'subscribe', messageId: 1000, subscriptions: [{ topic: 'oq/keep-session', qos: 1 }] })
      await raw.waitFor('suback')
    }
    const [released, sent] = ids
    raw.send({ cmd: 'publish', topic: 'oq/released', payload: Buffer.from('released-one'), qos: 2, messageId: released })
    raw.send({ cmd: 'publish', topic: 'oq/sent', payload: Buffer.from('sent-one'), qos: 2, messageId: sent })
    await raw.waitFor('pubrec', released)
    await raw.waitFor('pubrec', sent)
    raw.close()
    await broker.waitFor(() => !broker.connectedClients().includes(clientId), 5000, 'the dead page’s connection to go')

    const storage = memoryOutboxStorage()
    const url = new URL(broker.wsUrl).origin + new URL(broker.wsUrl).pathname
    const key = ['mqtt', url, clientId, ''].join('|')
    const enc = (s: string) => new TextEncoder().encode(s)
    await storage.add(key, { topic: 'oq/released', payload: enc('released-one'), options: { qos: 2 }, sent: { packetId: released, clientId }, released: true })
    await storage.add(key, { topic: 'oq/sent', payload: enc('sent-one'), options: { qos: 2 }, sent: { packetId: sent, clientId } })
    await storage.add(key, { topic: 'oq/new', payload: enc('never-sent'), options: { qos: 2 } })
    await storage.add(key, { topic: 'oq/q1', payload: enc('qos1'), options: { qos: 1 } })
    return { broker, outside, clientId, storage, key }
  }

  async function restore(broker: TestBroker, clientId: string, clean: boolean, storage: ReturnType<typeof memoryOutboxStorage>, whenConnected?: () => void) {
    const client = createPubSub({ provider: mqttOverWs({ url: broker.wsUrl, clientId, clean }), hub: createHub({ outboxStorage: storage, warn: () => {} }), offline: { persist: true } })
    cleanup.push(() => client.close())
    await waitState(client, 'connected')
    whenConnected?.()
    const deadline = Date.now() + 5000
    while (storage.records.size > 0) {
      if (Date.now() > deadline) throw new Error(`records left: ${JSON.stringify([...storage.records.values()].map(r => r.topic))}`)
      await sleep(20)
    }
    await sleep(300) // a stray second copy would arrive by now
  }

  it('with a kept session (clean: false, fixed client id): each publish arrives exactly once — PUBREL and PUBLISH (DUP) again with their packet ids', async () => {
    const { broker, outside, clientId, storage } = await diedMidFlush('kept')
    await restore(broker, clientId, false, storage)
    expect(Object.fromEntries(outside.counts)).toEqual({ 'released-one': 1, 'sent-one': 1, 'never-sent': 1, qos1: 1 })
    // The session's unfinished publishes complete first, then the rest (MQTT orders messages per
    // QoS level: a QoS 1 message may overtake a QoS 2 one).
    expect(outside.order.filter(p => p !== 'qos1')).toEqual(['released-one', 'sent-one', 'never-sent'])
  })

  it('restored while connected (the lock was held by a dying hub until after the new one connected): each publish still arrives exactly once', async () => {
    const { broker, outside, clientId, storage, key } = await diedMidFlush('late')
    const dying = webLocksWithHolder(`tabmq:outbox:${key}`)
    await restore(broker, clientId, false, storage, () => dying.letGo())
    // Published anew with new packet ids, 'sent-one' would arrive twice on aedes (it delivered the
    // first copy on PUBLISH), and 'released-one' never on Mosquitto (it waits for the PUBREL).
    expect(Object.fromEntries(outside.counts)).toEqual({ 'released-one': 1, 'sent-one': 1, 'never-sent': 1, qos1: 1 })
  })

  it('a kept session the broker says it lost while it still holds the packet ids (aedes, no subscriptions): each publish arrives once, none taken for a repeat', async () => {
    // Packet ids 1 and 2: the first a new connection hands out. aedes answers the next CONNACK
    // "no session" (it has no subscriptions) but keeps both ids awaiting PUBREL.
    const { broker, outside, clientId, storage } = await diedMidFlush('nosub', { subscribed: false, ids: [1, 2] })
    await restore(broker, clientId, false, storage)
    // Published anew under ids 1 and 2, 'sent-one' and 'never-sent' were taken for repeats and lost.
    expect(Object.fromEntries(outside.counts)).toEqual({ 'released-one': 1, 'sent-one': 1, 'never-sent': 1, qos1: 1 })
  })

  it('with a clean session (the default): a publish released before the reload is never sent again; one without PUBREC recorded is sent anew', async () => {
    const { broker, outside, clientId, storage } = await diedMidFlush('clean')
    await restore(broker, clientId, true, storage)
    // The clean start discards the broker's session: Mosquitto drops the messages it held for a
    // PUBREL (at most once); aedes delivered them on PUBLISH, so the one sent anew arrives twice.
    const expected = kind === 'mosquitto' ? { 'sent-one': 1, 'never-sent': 1, qos1: 1 } : { 'released-one': 1, 'sent-one': 2, 'never-sent': 1, qos1: 1 }
    expect(Object.fromEntries(outside.counts)).toEqual(expected)
  })
})
