import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevice, type Device } from '../src'
import { brokerKinds, startTestBroker, type TestBroker } from '../src/testing'
import { connectClient, record, until } from './helpers'

describe.each(brokerKinds())('device on %s', (kind) => {
  let broker: TestBroker
  let device: Device
  beforeAll(async () => {
    broker = await startTestBroker(kind)
    device = await startDevice({ url: broker.tcpUrl, deviceId: 'dev-a', intervalMs: 50 })
  })
  afterAll(async () => {
    await device.stop()
    await broker.close()
  })

  it('publishes a retained online status', async () => {
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync('devices/dev-a/status', { qos: 1 })
    await until(() => got.length === 1, 'the status')
    expect(got[0]!.retain).toBe(true)
    expect(JSON.parse(got[0]!.text)).toMatchObject({ online: true, ts: expect.any(Number) })
  })

  it('publishes telemetry within realistic bounds', async () => {
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync('devices/dev-a/telemetry')
    await until(() => got.length >= 3, 'three telemetry messages')
    for (const m of got) {
      const t = JSON.parse(m.text)
      expect(t).toMatchObject({ fan: expect.any(Boolean), setpoint: expect.any(Number), ts: expect.any(Number) })
      expect(t.temperature).toBeGreaterThan(15)
      expect(t.temperature).toBeLessThan(27)
      expect(t.humidity).toBeGreaterThanOrEqual(40)
      expect(t.humidity).toBeLessThanOrEqual(60)
    }
  })

  it('answers commands and shows their effect in telemetry', async () => {
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync(['devices/dev-a/reply/#', 'devices/dev-a/telemetry'], { qos: 1 })
    await c.publishAsync('devices/dev-a/cmd/fan', JSON.stringify({ on: true, requestId: 'r-1' }), { qos: 1 })
    await c.publishAsync('devices/dev-a/cmd/setpoint', JSON.stringify({ value: 18.5, correlationId: 7 }), { qos: 1 })
    await c.publishAsync('devices/dev-a/cmd/explode', 'now', { qos: 1 })
    const replies = () => got.filter((m) => m.topic.includes('/reply/')).map((m) => JSON.parse(m.text))
    await until(() => replies().length === 3, 'three replies')
    const [fan, setpoint, unknown] = replies()
    expect(fan).toMatchObject({ ok: true, command: 'fan', received: { on: true, requestId: 'r-1' }, requestId: 'r-1', ts: expect.any(Number) })
    expect(setpoint).toMatchObject({ ok: true, command: 'setpoint', correlationId: 7, state: { fan: true, setpoint: 18.5 } })
    expect(unknown).toEqual(expect.objectContaining({ ok: false, command: 'explode', received: 'now', error: 'unknown command' }))
    expect(got.find((m) => m.topic === 'devices/dev-a/reply/explode')).toBeDefined()
    await until(() => got.some((m) => m.topic.endsWith('telemetry') && JSON.parse(m.text).fan === true && JSON.parse(m.text).setpoint === 18.5), 'telemetry with the fan on')
    expect(device.state()).toMatchObject({ fan: true, setpoint: 18.5 })
  })

  it('refuses bad command payloads without changing state', async () => {
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync('devices/dev-a/reply/#', { qos: 1 })
    await c.publishAsync('devices/dev-a/cmd/fan', JSON.stringify({ on: 'yes' }), { qos: 1 })
    await until(() => got.length === 1, 'the reply')
    expect(JSON.parse(got[0]!.text)).toMatchObject({ ok: false, command: 'fan', error: expect.stringContaining('on') })
  })

  it('publishes a retained offline status when stopped', async () => {
    const other = await startDevice({ url: broker.tcpUrl, deviceId: 'dev-b', intervalMs: 1000 })
    await other.stop()
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync('devices/dev-b/status', { qos: 1 })
    await until(() => got.length === 1, 'the status')
    expect(JSON.parse(got[0]!.text)).toMatchObject({ online: false })
  })

  it('has a will that marks it offline when its connection drops', async () => {
    const c = await connectClient(broker.wsUrl)
    const got = record(c)
    await c.subscribeAsync('devices/dev-c/status', { qos: 1 })
    const other = await startDevice({ url: broker.tcpUrl, deviceId: 'dev-c', intervalMs: 1000 })
    await until(() => got.length === 1, 'online')
    // A client taking over the device's client id makes the broker drop the
    // device's connection without a DISCONNECT, so its will is published.
    await broker.waitFor(() => broker.connectedClients().includes('dev-c'), 5000, 'dev-c')
    const hijack = await connectClient(broker.tcpUrl, { clientId: 'dev-c' })
    await until(() => got.some((m) => JSON.parse(m.text).online === false), 'the will')
    await hijack.endAsync()
    await other.stop()
  })
})

describe('device with MQTT 5 on mosquitto', () => {
  it('answers on the request’s response topic with its correlation data', async () => {
    const broker = await startTestBroker('mosquitto')
    const device = await startDevice({ url: broker.tcpUrl, deviceId: 'dev-5', protocolVersion: 5, intervalMs: 1000 })
    try {
      const c = await connectClient(broker.wsUrl, { protocolVersion: 5 })
      const got = record(c)
      await c.subscribeAsync('my/inbox', { qos: 1 })
      await c.publishAsync('devices/dev-5/cmd/fan', JSON.stringify({ on: true }), {
        qos: 1,
        properties: { responseTopic: 'my/inbox', correlationData: Buffer.from('abc') },
      })
      await until(() => got.length === 1, 'the reply')
      expect(JSON.parse(got[0]!.text)).toMatchObject({ ok: true, command: 'fan' })
      expect(Buffer.from(got[0]!.packet.properties?.correlationData ?? []).toString()).toBe('abc')
    } finally {
      await device.stop()
      await broker.close()
    }
  })
})

describe('startDevice errors', () => {
  it('rejects with a clear message when the broker refuses it', async () => {
    const broker = await startTestBroker('aedes', { users: { u: 'p' } })
    try {
      await expect(startDevice({ url: broker.tcpUrl })).rejects.toThrow(/Device could not connect to mqtt:\/\/127\.0\.0\.1:\d+: .*(Bad username|Not authorized)/i)
    } finally {
      await broker.close()
    }
  })
})
