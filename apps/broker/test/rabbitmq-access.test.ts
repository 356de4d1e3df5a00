/**
 * RabbitMQ 3.10 with users and topic permissions (definitions loaded at boot): how it refuses a
 * login, a SUBSCRIBE and a PUBLISH. It takes about 10 s to start: one node for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, record, refusedCode, sleep, subackCodes } from './helpers'

describe('rabbitmq with users and topic permissions', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('rabbitmq', { users: { alice: 'wonderland' }, denySubscribe: ['secret/#'], denyPublish: ['readonly/#'] })
  }, 120_000)
  afterAll(() => broker.close(), 30_000)
  const alice = { username: 'alice', password: 'wonderland' }

  it('refuses a wrong password, an unknown user and anonymous clients with CONNACK 4 over TCP', async () => {
    expect(await refusedCode(broker.tcpUrl, { username: 'alice', password: 'nope' })).toBe(4)
    expect(await refusedCode(broker.tcpUrl, { username: 'mallory', password: 'x' })).toBe(4)
    expect(await refusedCode(broker.tcpUrl, {})).toBe(4)
  })

  it('closes a refused login over Web MQTT without a CONNACK', async () => {
    for (const opts of [{ username: 'alice', password: 'nope' }, {}]) {
      const err = await connectClient(broker.wsUrl, opts).then(
        () => undefined,
        (e: Error) => e,
      )
      expect(err?.message).toMatch(/closed before CONNACK/)
    }
  })

  it('accepts the right password over WebSocket and TCP', async () => {
    const ws = await connectClient(broker.wsUrl, alice)
    const tcp = await connectClient(broker.tcpUrl, alice)
    expect(ws.connected && tcp.connected).toBe(true)
  })

  it('closes the connection on a denied SUBSCRIBE (no SUBACK 0x80)', async () => {
    const c = await connectClient(broker.wsUrl, { ...alice, clientId: 'rmq-denied' })
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    expect(await subackCodes(c, ['open/#'], { qos: 1 })).toEqual([1])
    const answer = c.subscribeAsync('secret/x', { qos: 1 }).then(
      () => 'granted',
      (e: Error) => e.message,
    )
    await closed
    expect(await answer).toMatch(/closed/i)
    await broker.waitFor(() => !broker.connectedClients().includes('rmq-denied'), 5000, 'the connection to end')
    expect(broker.subscribeCount('secret/x')).toBe(1)
  })

  it('closes the connection on a denied PUBLISH, and delivers nothing', async () => {
    const sub = await connectClient(broker.tcpUrl, alice)
    const got = record(sub)
    await sub.subscribeAsync('readonly/#', { qos: 1 })
    const pub = await connectClient(broker.tcpUrl, { ...alice, clientId: 'rmq-publisher' })
    const closed = new Promise<void>((r) => pub.once('close', () => r()))
    pub.publish('readonly/x', 'no', { qos: 1 })
    await closed
    await sleep(200)
    expect(got).toEqual([])
  })
})
