import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { startFaultProxy, startMosquitto, type FaultProxy, type TestBroker } from '../src/testing'
import { sleep } from './helpers'

/** A plain client through the proxy that never reconnects by itself and says when it closes. */
async function through(proxy: FaultProxy, keepalive = 60) {
  const client = mqtt.connect(proxy.url, { reconnectPeriod: 0, keepalive, connectTimeout: 2000 })
  client.on('error', () => {})
  let closed = false
  client.on('close', () => void (closed = true))
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('close', () => reject(new Error('closed before CONNACK')))
  })
  return { client, closed: () => closed }
}

describe('fault proxy in front of Mosquitto (WebSocket)', () => {
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

  it('passes traffic, and cut() closes every connection at once', async () => {
    expect(proxy.url).toBe(`ws://127.0.0.1:${proxy.port}/mqtt`)
    const { client, closed } = await through(proxy)
    await client.subscribeAsync('fp/#', { qos: 1 })
    const got = new Promise<string>(resolve => client.once('message', (_t, p) => resolve(p.toString())))
    await client.publishAsync('fp/x', 'hello', { qos: 1 })
    expect(await got).toBe('hello')
    proxy.cut()
    const until = Date.now() + 5000
    while (!closed() && Date.now() < until) await sleep(10)
    expect(closed()).toBe(true)
  })

  it('blackhole() drops without closing until keepalive gives up; restore() lets new connections through', async () => {
    const { client, closed } = await through(proxy, 1)
    const clientId = client.options.clientId!
    await broker.waitFor(() => broker.connectedClients().includes(clientId), 5000, 'the client at the broker')
    proxy.blackhole()
    let acked = false
    client.publish('fp/hole', 'lost', { qos: 1 }, () => void (acked = true))
    await sleep(500)
    expect(closed()).toBe(false) // nothing tells the client
    const until = Date.now() + 5000
    while (!closed() && Date.now() < until) await sleep(10)
    expect(closed()).toBe(true) // keepalive (1 s, timeout 1.5 s) found it
    expect(broker.log().some(l => l.includes('fp/hole'))).toBe(false)
    proxy.restore()
    const again = await through(proxy)
    await again.client.publishAsync('fp/after', 'x', { qos: 1 })
    again.client.end(true)
    client.end(true)
    expect(acked).toBe(true) // mqtt.js fails the callback when keepalive gives up (no reconnect, clean)
  })

  it('retarget() sends new connections to a broker on other ports', async () => {
    const other = await startMosquitto()
    try {
      proxy.retarget(other.wsUrl)
      const { client } = await through(proxy)
      const id = client.options.clientId!
      await other.waitFor(() => other.connectedClients().includes(id), 5000, 'the client at the other broker')
      client.end(true)
    } finally {
      proxy.retarget(broker.wsUrl)
      await other.close()
    }
  })
})

describe('Mosquitto restart', () => {
  it('restarts on the same ports and, with persistence, keeps a persistent session and its queued messages', async () => {
    const broker = await startMosquitto({ persistence: true })
    try {
      const sub = mqtt.connect(broker.tcpUrl, { clientId: 'keeper', clean: false, reconnectPeriod: 0 })
      await new Promise<void>(resolve => sub.once('connect', () => resolve()))
      await sub.subscribeAsync('kept/#', { qos: 1 })
      sub.end(true)
      const pub = mqtt.connect(broker.tcpUrl, { reconnectPeriod: 0 })
      await new Promise<void>(resolve => pub.once('connect', () => resolve()))
      await pub.publishAsync('kept/1', 'queued while away', { qos: 1 })
      pub.end(true)
      const pid = broker.pid
      await broker.restart!()
      expect(broker.pid).not.toBe(pid)
      const back = mqtt.connect(broker.tcpUrl, { clientId: 'keeper', clean: false, reconnectPeriod: 0 })
      const got = new Promise<string>(resolve => back.once('message', (_t, p) => resolve(p.toString())))
      expect(await got).toBe('queued while away')
      back.end(true)
    } finally {
      await broker.close()
    }
  })
})
