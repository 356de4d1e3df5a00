import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWatsonEmulator, type WatsonEmulator } from '../../src/index'
import { connectClient, record, refusedCode, sleep, subackCodes, until } from '../helpers'

const ORG = 'q1w2e3'
const DEV = { typeId: 'lamp', deviceId: 'l1', token: 'lamp-token' }
const GW = { typeId: 'hub', deviceId: 'h1', token: 'hub-token', gateway: true }
const KEY = { apiKey: `a-${ORG}-abcdef1234`, token: 'app-token' }

describe('Watson IoT Platform emulator', () => {
  let w: WatsonEmulator
  let url: string
  beforeAll(async () => {
    w = await startWatsonEmulator({ org: ORG, devices: [DEV, GW], apiKeys: [KEY], invalidTypes: ['bad'] })
    url = `ws://${w.host}/`
  })
  afterAll(() => w.close())
  const device = () => connectClient(url, { clientId: `d:${ORG}:lamp:l1`, username: 'use-token-auth', password: DEV.token })
  const gateway = () => connectClient(url, { clientId: `g:${ORG}:hub:h1`, username: 'use-token-auth', password: GW.token })
  const app = () => connectClient(url, { clientId: `a:${ORG}:ui`, username: KEY.apiKey, password: KEY.token })

  it.each([
    ['a malformed client id', { clientId: 'lamp-1', username: 'use-token-auth', password: DEV.token }, 2],
    ['another organization', { clientId: 'd:zzzzzz:lamp:l1', username: 'use-token-auth', password: DEV.token }, 5],
    ['a wrong token', { clientId: `d:${ORG}:lamp:l1`, username: 'use-token-auth', password: 'nope' }, 4],
    ['a user name other than use-token-auth', { clientId: `d:${ORG}:lamp:l1`, username: 'lamp', password: DEV.token }, 4],
    ['a device connecting as a gateway', { clientId: `g:${ORG}:lamp:l1`, username: 'use-token-auth', password: DEV.token }, 4],
    ['a wrong API token', { clientId: `a:${ORG}:ui`, username: KEY.apiKey, password: 'nope' }, 4],
  ])('refuses %s with CONNACK %i', async (_what, options, code) => {
    expect(await refusedCode(url, options)).toBe(code)
  })

  it('maps device events to the application form, clears the retained flag, and routes commands back', async () => {
    const d = await device()
    const a = await app()
    const atApp = record(a)
    const atDevice = record(d)
    await a.subscribeAsync('iot-2/type/+/id/+/evt/+/fmt/+')
    await d.subscribeAsync('iot-2/cmd/+/fmt/+', { qos: 1 })
    await d.publishAsync('iot-2/evt/state/fmt/json', '{"on":true}', { qos: 1, retain: true })
    await until(() => atApp.length === 1, 'the event at the app')
    expect(atApp[0]).toMatchObject({ topic: 'iot-2/type/lamp/id/l1/evt/state/fmt/json', retain: false })
    await a.publishAsync('iot-2/type/lamp/id/l1/cmd/toggle/fmt/json', '{}', { qos: 1 })
    await until(() => atDevice.length === 1, 'the command at the device')
    expect(atDevice[0]!.topic).toBe('iot-2/cmd/toggle/fmt/json')
    // A late subscriber gets no retained copy: the platform keeps none.
    const late = await app()
    const atLate = record(late)
    await late.subscribeAsync('iot-2/type/+/id/+/evt/+/fmt/+')
    await sleep(100)
    expect(atLate).toEqual([])
  })

  it('enforces each kind\'s subscriptions (SUBACK 0x80) and disconnects devices publishing elsewhere', async () => {
    const d = await device()
    expect(await subackCodes(d, ['iot-2/cmd/+/fmt/+', 'iot-2/type/+/id/+/evt/+/fmt/+', 'iotdm-1/#', '#'])).toEqual([0, 128, 0, 128])
    let closed = false
    d.on('close', () => (closed = true))
    d.publish('iot-2/type/lamp/id/l2/evt/x/fmt/json', 'x')
    await until(() => closed, 'the disconnect')
  })

  it('refuses payloads over 131072 bytes by closing the connection', async () => {
    const d = await device()
    await d.publishAsync('iot-2/evt/ok/fmt/bin', Buffer.alloc(131_072), { qos: 1 })
    let closed = false
    d.on('close', () => (closed = true))
    d.publish('iot-2/evt/big/fmt/bin', Buffer.alloc(131_073), { qos: 1 })
    await until(() => closed, 'the disconnect')
  })

  it('notifies a gateway of refused topics and failed auto-registrations instead of disconnecting it', async () => {
    const g = await gateway()
    const got = record(g)
    await g.subscribeAsync('iot-2/type/hub/id/h1/notify')
    expect(await subackCodes(g, ['iot-2/type/lamp/id/+/cmd/+/fmt/+', 'iot-2/type/+/id/+/evt/+/fmt/+', 'iot-2/type/bad/id/+/cmd/+/fmt/+'])).toEqual([0, 128, 128])
    await g.publishAsync('iot-2/type/bad/id/x/evt/e/fmt/json', '1', { qos: 1 })
    await g.publishAsync('somewhere/else', '1', { qos: 1 })
    await until(() => got.length === 4, 'four notifications')
    const notes = got.map(m => JSON.parse(m.text) as Record<string, unknown>)
    expect(notes.map(n => [n.Request, n.Topic, n.RC])).toEqual([
      ['subscribe', 'iot-2/type/+/id/+/evt/+/fmt/+', 403],
      ['subscribe', 'iot-2/type/bad/id/+/cmd/+/fmt/+', 403],
      ['publish', 'iot-2/type/bad/id/x/evt/e/fmt/json', 403],
      ['publish', 'somewhere/else', 403],
    ])
    expect(notes[2]).toMatchObject({ Type: 'bad', Id: 'x', ClientID: `g:${ORG}:hub:h1`, Message: 'Device type bad is not valid.' })
    expect(g.connected).toBe(true)
  })

  it('device management: manage answered by reqId, bad requests get 400, managed clients may not use QoS 2', async () => {
    const d = await device()
    const got = record(d)
    await d.subscribeAsync('iotdm-1/#', { qos: 1 })
    await d.publishAsync('iotdevice-1/mgmt/manage', JSON.stringify({ d: { lifetime: 3600 }, reqId: 'r-1' }), { qos: 1 })
    await d.publishAsync('iotdevice-1/mgmt/manage', 'not json', { qos: 1 })
    await until(() => got.length === 2, 'two responses')
    expect(got.map(m => [m.topic, JSON.parse(m.text).rc, JSON.parse(m.text).reqId])).toEqual([
      ['iotdm-1/response', 200, 'r-1'],
      ['iotdm-1/response', 400, undefined],
    ])
    expect(w.managed.has(`d:${ORG}:lamp:l1`)).toBe(true)
    d.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as { reqId?: string }
      if (topic === 'iotdm-1/mgmt/initiate/device/reboot') d.publish('iotdevice-1/response', JSON.stringify({ rc: 202, reqId: body.reqId }))
    })
    await expect(w.dmRequest('lamp', 'l1', 'mgmt/initiate/device/reboot')).resolves.toMatchObject({ rc: 202 })
    let closed = false
    d.on('close', () => (closed = true))
    d.publish('iot-2/evt/q2/fmt/json', '1', { qos: 2 })
    await until(() => closed, 'the disconnect for QoS 2')
  })
})
