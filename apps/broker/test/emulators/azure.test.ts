import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAzureEmulator, type AzureEmulator } from '../../src/index'
import { connectClient, record, refusedCode, subackCodes, until } from '../helpers'

// Microsoft's documented SAS algorithm, written here (independent of the emulator's checker).
function sas(resource: string, key: string, policy?: string, ttl = 60): string {
  const sr = encodeURIComponent(resource)
  const se = Math.ceil(Date.now() / 1000 + ttl)
  const sig = encodeURIComponent(createHmac('sha256', Buffer.from(key, 'base64')).update(`${sr}\n${se}`).digest('base64'))
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}${policy ? `&skn=${policy}` : ''}`
}
const GROUP = Buffer.from('group key for the azure emulator!').toString('base64')
const derive = (id: string) => createHmac('sha256', Buffer.from(GROUP, 'base64')).update(id).digest('base64')

describe('Azure DPS + IoT Hub emulator', () => {
  let az: AzureEmulator
  beforeAll(async () => {
    az = await startAzureEmulator({ groupKeys: [GROUP], retryAfterSeconds: 0.05, assigningPolls: 1 })
  })
  afterAll(() => az.close())
  const dpsUrl = () => `ws://${az.globalEndpoint}/$iothub/websocket`
  const hubUrl = () => `ws://${az.hubHostName}/$iothub/websocket`
  const dpsLogin = (id: string, key = derive(id)) => ({
    clientId: id,
    username: `${az.idScope}/registrations/${id}/api-version=2019-03-31`,
    password: sas(`${az.idScope}/registrations/${id}`, key, 'registration'),
  })

  it('registers: 202 with retry-after, poll, 200 with the assigned hub', async () => {
    const c = await connectClient(dpsUrl(), dpsLogin('dev-1'))
    const got = record(c)
    await c.subscribeAsync('$dps/registrations/res/#', { qos: 1 })
    await c.publishAsync('$dps/registrations/PUT/iotdps-register/?$rid=1', JSON.stringify({ registrationId: 'dev-1' }), { qos: 1 })
    await until(() => got.length === 1, 'the 202')
    expect(got[0]!.topic).toMatch(/^\$dps\/registrations\/res\/202\/\?\$rid=1&retry-after=0\.05$/)
    const { operationId } = JSON.parse(got[0]!.text) as { operationId: string }
    await c.publishAsync(`$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=${operationId}`, '', { qos: 1 })
    await c.publishAsync(`$dps/registrations/GET/iotdps-get-operationstatus/?$rid=3&operationId=${operationId}`, '', { qos: 1 })
    await until(() => got.length === 3, 'the poll answers')
    expect(got[1]!.topic).toMatch(/res\/202\/\?\$rid=2/)
    expect(got[2]!.topic).toBe('$dps/registrations/res/200/?$rid=3')
    expect(JSON.parse(got[2]!.text)).toMatchObject({ status: 'assigned', registrationState: { assignedHub: az.hubHostName, deviceId: 'dev-1', substatus: 'initialAssignment' } })
  })

  it('refuses DPS logins: wrong key (4), wrong user name (5), a token for another resource (4)', async () => {
    expect(await refusedCode(dpsUrl(), dpsLogin('dev-2', Buffer.from('x'.repeat(32)).toString('base64')))).toBe(4)
    expect(await refusedCode(dpsUrl(), { ...dpsLogin('dev-2'), username: 'dev-2' })).toBe(5)
    expect(await refusedCode(dpsUrl(), { ...dpsLogin('dev-2'), password: sas(`${az.idScope}/registrations/other`, derive('dev-2'), 'registration') })).toBe(4)
    expect(az.refusals.map(r => r.reason)).toEqual(['the signature does not match the key', expect.stringMatching(/user name/), expect.stringMatching(/another resource/)])
  })

  it('gives each device only its own DPS answers', async () => {
    const a = await connectClient(dpsUrl(), dpsLogin('dev-a'))
    const b = await connectClient(dpsUrl(), dpsLogin('dev-b'))
    const gotB = record(b)
    await Promise.all([a.subscribeAsync('$dps/registrations/res/#', { qos: 1 }), b.subscribeAsync('$dps/registrations/res/#', { qos: 1 })])
    await a.publishAsync('$dps/registrations/PUT/iotdps-register/?$rid=1', JSON.stringify({ registrationId: 'dev-a' }), { qos: 1 })
    expect(await subackCodes(a, ['$dps/#'])).toEqual([128])
    await new Promise(r => setTimeout(r, 100))
    expect(gotB).toEqual([])
  })

  it('IoT Hub: SAS login of a registered device, its topics only, twin by $rid, cut at token expiry', async () => {
    // dev-1 was registered above.
    const login = { clientId: 'dev-1', username: `${az.hubHostName}/dev-1/?api-version=2021-04-12`, password: sas(`${az.hubHostName}/devices/dev-1`, derive('dev-1'), undefined, 1) }
    expect(await refusedCode(hubUrl(), { ...login, clientId: 'never-registered', username: `${az.hubHostName}/never-registered/?api-version=2021-04-12` })).toBe(5)
    const c = await connectClient(hubUrl(), login)
    const got = record(c)
    expect(await subackCodes(c, ['devices/dev-1/messages/devicebound/#', '$iothub/twin/res/#', 'devices/dev-2/messages/devicebound/#', '#'], { qos: 1 })).toEqual([1, 1, 128, 128])
    await c.publishAsync('devices/dev-1/messages/events/a=1', 'telemetry', { qos: 1 })
    expect(az.d2c.at(-1)).toEqual({ deviceId: 'dev-1', properties: { a: '1' }, payload: 'telemetry' })
    await c.publishAsync('$iothub/twin/PATCH/properties/reported/?$rid=7', '{"x":1}', { qos: 1 })
    await until(() => got.length === 1, 'the twin answer')
    expect(got[0]!.topic).toBe('$iothub/twin/res/204/?$rid=7&$version=2')
    let closed = false
    c.on('close', () => (closed = true))
    await until(() => closed, 'the cut at token expiry', 3000)
  })

  it('IoT Hub closes the connection of a device publishing QoS 2 or to a topic it does not know', async () => {
    for (const [topic, qos] of [['devices/dev-1/messages/events/', 2], ['anything/else', 1]] as const) {
      const c = await connectClient(hubUrl(), { clientId: 'dev-1', username: `${az.hubHostName}/dev-1/?api-version=2021-04-12`, password: sas(`${az.hubHostName}/devices/dev-1`, derive('dev-1')) })
      let closed = false
      c.on('close', () => (closed = true))
      c.publish(topic, 'x', { qos })
      await until(() => closed, `the disconnect for ${topic}`)
    }
  })

  it('only listens on /$iothub/websocket', async () => {
    await expect(connectClient(`ws://${az.hubHostName}/mqtt`, { clientId: 'x' })).rejects.toThrow()
  })
})
