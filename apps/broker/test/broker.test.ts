import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PortInUseError, startBroker, type Broker } from '../src'
import { connectClient } from './helpers'

describe('startBroker', () => {
  let broker: Broker
  beforeAll(async () => {
    broker = await startBroker({ wsPort: 0, tcpPort: 0, unref: true })
  })
  afterAll(() => broker.close())

  it('listens on 127.0.0.1 with the /mqtt WebSocket path', () => {
    expect(broker.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/)
    expect(broker.tcpUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/)
  })

  it('reports a taken WebSocket port with a message saying what to do', async () => {
    const wsPort = Number(new URL(broker.wsUrl).port)
    const err = await startBroker({ wsPort, tcpPort: 0 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PortInUseError)
    expect((err as Error).message).toBe(`Port ${wsPort} on 127.0.0.1 is in use: stop the other broker or set TABMQ_WS_PORT`)
  })

  it('reports a taken TCP port the same way', async () => {
    const tcpPort = Number(new URL(broker.tcpUrl).port)
    await expect(startBroker({ wsPort: 0, tcpPort })).rejects.toThrow(
      `Port ${tcpPort} on 127.0.0.1 is in use: stop the other broker or set TABMQ_TCP_PORT`,
    )
  })

  it('accepts the mqtt WebSocket subprotocol', async () => {
    const ws = new WebSocket(broker.wsUrl, ['mqtt'])
    const protocol = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => resolve(ws.protocol))
      ws.once('error', reject)
    })
    ws.terminate()
    expect(protocol).toBe('mqtt')
  })

  it('connects MQTT 3.1 (mqttv3.1 subprotocol) and 3.1.1 clients over WebSocket', async () => {
    for (const protocolVersion of [3, 4] as const) {
      const c = await connectClient(broker.wsUrl, { protocolVersion })
      expect(c.connected).toBe(true)
    }
  })

  it('refuses WebSocket upgrades on other paths', async () => {
    const ws = new WebSocket(broker.wsUrl.replace('/mqtt', '/other'), ['mqtt'])
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'))
      ws.once('error', (e) => resolve(e.message))
    })
    expect(outcome).toMatch(/400/)
  })

  it('answers plain HTTP with 426 Upgrade Required', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(broker.wsUrl.replace('ws:', 'http:'), (res) => {
        res.resume()
        resolve(res.statusCode)
      }).once('error', reject)
    })
    expect(status).toBe(426)
  })

  it('close() drops connected clients promptly', async () => {
    const other = await startBroker({ wsPort: 0, tcpPort: 0, unref: true })
    const a = await connectClient(other.wsUrl)
    const b = await connectClient(other.tcpUrl)
    const started = Date.now()
    await other.close()
    expect(Date.now() - started).toBeLessThan(3000)
    await new Promise((r) => setTimeout(r, 50))
    expect(a.connected || b.connected).toBe(false)
  })
})
