import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { brokerKinds, startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, record, refusedCode, sleep, subackCodes, until } from './helpers'

const users = { alice: 'wonderland' }

describe.each(brokerKinds())('%s with users', (kind) => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind, { users })
  })
  afterAll(() => broker.close())

  // aedes: 4 (bad user name or password) / 5 (not authorized, anonymous).
  // Mosquitto 2.0 answers 5 to both in MQTT 3.1.1.
  it('refuses a wrong password', async () => {
    const code = await refusedCode(broker.tcpUrl, { username: 'alice', password: 'nope' })
    expect(code).toBe(kind === 'aedes' ? 4 : 5)
  })

  it('refuses an unknown user', async () => {
    const code = await refusedCode(broker.wsUrl, { username: 'mallory', password: 'x' })
    expect(code).toBe(kind === 'aedes' ? 4 : 5)
  })

  it('refuses anonymous clients', async () => {
    expect(await refusedCode(broker.wsUrl, {})).toBe(5)
  })

  it('accepts the right password over WebSocket and TCP', async () => {
    const ws = await connectClient(broker.wsUrl, { username: 'alice', password: 'wonderland' })
    const tcp = await connectClient(broker.tcpUrl, { username: 'alice', password: 'wonderland' })
    expect(ws.connected && tcp.connected).toBe(true)
  })

})

describe.each(brokerKinds())('%s with denySubscribe and denyPublish', (kind) => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker(kind, { denySubscribe: ['secret/#', 'exact/topic'], denyPublish: ['readonly/#'] })
  })
  afterAll(() => broker.close())

  it('answers SUBACK 0x80 for a denied filter and grants the others in the same SUBSCRIBE', async () => {
    const c = await connectClient(broker.wsUrl, { clientId: `${kind}-deny` })
    expect(await subackCodes(c, ['secret/#', 'public/#', 'secret/+', 'secret/x', 'exact/topic', 'exact/+'], { qos: 1 })).toEqual([
      0x80, 1, 0x80, 0x80, 0x80, 1,
    ])
    await broker.waitFor(() => broker.subscribeCount('exact/+') === 1, 5000, 'the SUBSCRIBE')
    expect(broker.subscribeCount('secret/#')).toBe(1) // refused requests count too
    expect(broker.subscriptions().map((s) => s.filter).sort()).toEqual(['exact/+', 'public/#'])
  })


  it('does not deliver a denied publish', async () => {
    const sub = await connectClient(broker.tcpUrl)
    const got = record(sub)
    await sub.subscribeAsync(['readonly/#', 'open/#'], { qos: 1 })
    const pub = await connectClient(broker.tcpUrl, { clientId: `${kind}-publisher` })
    const closed = new Promise<boolean>((resolve) => {
      pub.once('close', () => resolve(true))
      setTimeout(() => resolve(false), 1000)
    })
    pub.publish('readonly/x', 'no', { qos: 1 })
    // aedes drops the publisher's connection (MQTT 3.1.1 cannot say no);
    // Mosquitto acknowledges and drops the message.
    expect(await closed).toBe(kind === 'aedes')
    const pub2 = await connectClient(broker.tcpUrl)
    await pub2.publishAsync('open/x', 'yes', { qos: 1 })
    await until(() => got.length > 0, 'the allowed message')
    await sleep(100)
    expect(got.map((m) => m.topic)).toEqual(['open/x'])
  })
})

// aedes speaks MQTT 3.1.1 only; these are Mosquitto's MQTT 5 answers.
describe('mosquitto with MQTT 5', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startTestBroker('mosquitto', { users, denySubscribe: ['secret/#'] })
  })
  afterAll(() => broker.close())

  it('refuses with MQTT 5 reason code 0x87 (not authorized)', async () => {
    expect(await refusedCode(broker.tcpUrl, { protocolVersion: 5, username: 'alice', password: 'nope' })).toBe(0x87)
  })

  it('answers SUBACK 0x87 to MQTT 5 clients', async () => {
    const c = await connectClient(broker.tcpUrl, { protocolVersion: 5, username: 'alice', password: 'wonderland' })
    expect(await subackCodes(c, ['secret/a', 'public/a'], { qos: 0 })).toEqual([0x87, 0])
  })
})
