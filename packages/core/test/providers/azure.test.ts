import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAzureEmulator, type AzureEmulator } from '@tabmq/broker'
import { registerWithDps } from '../../src/hub/index'
import { azureDps, azureIotHub, getTwin, iotHubTopics, parseIotHubTopic, updateReportedProperties, type AzureDpsOptions } from '../../src/providers/index'
import type { PubSubError } from '../../src/index'
import { Collector, expectNoSecrets, providerTabs, rejection, thrown, until, waitActive, waitError, waitStatus } from './helpers'

const GROUP_KEY = Buffer.from('enrollment group key, 32 bytes!!').toString('base64')
const INDIVIDUAL_KEY = Buffer.from('individual enrollment key 32 b!!').toString('base64')
const HUB_DEVICE_KEY = Buffer.from('a device registered in the hub!!').toString('base64')
const WRONG_KEY = Buffer.from('this is not the right key at all').toString('base64')
const derived = (id: string) => createHmac('sha256', Buffer.from(GROUP_KEY, 'base64')).update(id).digest('base64')

describe('azureDps and azureIotHub against the Azure emulator (DPS + IoT Hub)', () => {
  let azure: AzureEmulator
  const messages: string[] = []
  const secrets = [GROUP_KEY, INDIVIDUAL_KEY, HUB_DEVICE_KEY, WRONG_KEY]
  beforeAll(async () => {
    azure = await startAzureEmulator({
      enrollments: [{ registrationId: 'individual-1', symmetricKey: INDIVIDUAL_KEY, deviceId: 'assigned-device-7' }],
      groupKeys: [GROUP_KEY],
      devices: [{ deviceId: 'hub-device', symmetricKey: HUB_DEVICE_KEY }],
      assigningPolls: 1,
    })
  })
  afterAll(async () => {
    for (const r of azure.refusals) messages.push(r.reason)
    expectNoSecrets(messages, [...secrets, derived('group-1'), derived('expiring-1')])
    await azure.close()
  })

  const dps = (extra: Partial<AzureDpsOptions> = {}) =>
    azureDps({ idScope: azure.idScope, registrationId: 'group-1', groupKey: GROUP_KEY, globalEndpoint: azure.globalEndpoint, protocol: 'ws', ...extra } as AzureDpsOptions)

  it('registers once through DPS (202, poll, 200), then two tabs share the assigned hub connection', async () => {
    const before = azure.registrations.length
    const { clients, hub } = providerTabs(dps(), 2)
    const t = iotHubTopics('group-1')
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe(t.cloudToDevice, { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, t.cloudToDevice)
    expect(azure.registrations.slice(before)).toEqual([{ registrationId: 'group-1', deviceId: 'group-1' }])
    expect(azure.hubClients()).toEqual(['group-1'])
    await clients[1]!.publish(t.events({ '$.ct': 'application/json', kind: 'telemetry' }), { temp: 20 }, { qos: 1 })
    await until(() => azure.d2c.some(m => m.deviceId === 'group-1'), 'the device-to-cloud message')
    expect(azure.d2c.at(-1)).toEqual({ deviceId: 'group-1', properties: { '$.ct': 'application/json', kind: 'telemetry' }, payload: '{"temp":20}' })
    await azure.sendC2D('group-1', 'hello device', { color: 'red' })
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'the cloud-to-device message')
    expect(parseIotHubTopic(seen[0]!.messages[0]!.topic)).toEqual({ kind: 'cloudToDevice', properties: { color: 'red' } })
    const stats = await hub.stats()
    expect(stats.connections.map(c => [c.key, c.clientId])).toEqual([[`azure-dps|ws://${azure.globalEndpoint}|${azure.idScope}|group-1`, 'group-1']])
    messages.push(JSON.stringify(stats))
    await Promise.all(clients.map(c => c.close()))
  })

  it('twin GET and reported PATCH by $rid, desired updates and direct methods', async () => {
    const { clients } = providerTabs(dps(), 2)
    const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const t = iotHubTopics('group-1')
    // Both tabs ask at once: each gets its own answer (random $rid).
    const [twinA, twinB] = await Promise.all([getTwin(a), getTwin(b)])
    expect(twinA).toEqual({ desired: { $version: 1 }, reported: expect.objectContaining({ $version: expect.any(Number) }) })
    expect(twinB.desired).toEqual(twinA.desired)
    const { version } = await updateReportedProperties(a, { firmware: '1.2.0' })
    expect(version).toBeGreaterThan(1)
    expect(azure.twin('group-1').reported).toMatchObject({ firmware: '1.2.0', $version: version })
    const desired = new Collector()
    b.subscribe(t.desiredUpdates, { qos: 1 }).subscribe(desired.observer)
    a.subscribe(t.methods, { qos: 1 }).subscribe({
      next: m => {
        const call = parseIotHubTopic(m.topic)
        if (call?.kind === 'method') void a.publish(t.methodResponse(200, call.rid), { ok: true, got: m.data }, { qos: 1 }).catch(() => {})
      },
    })
    await waitActive(b, t.desiredUpdates)
    await waitActive(a, t.methods)
    azure.updateDesired('group-1', { interval: 5 })
    await desired.waitFor(c => c.messages.length === 1, 'the desired update')
    expect(parseIotHubTopic(desired.messages[0]!.topic)).toEqual({ kind: 'desired', version: 2 })
    expect(desired.messages[0]!.data).toEqual({ interval: 5, $version: 2 })
    await expect(azure.invokeMethod('group-1', 'reboot', { delay: 1 })).resolves.toEqual({ status: 200, payload: '{"ok":true,"got":{"delay":1}}' })
    await Promise.all(clients.map(c => c.close()))
  })

  it('an individual enrollment: the device id DPS assigns becomes the client id', async () => {
    const { clients, hub } = providerTabs(dps({ registrationId: 'individual-1', groupKey: undefined, symmetricKey: INDIVIDUAL_KEY, payload: { site: 'lab' } }), 1)
    await waitStatus(clients[0]!, 'connected')
    expect((await hub.stats()).connections[0]!.clientId).toBe('assigned-device-7')
    expect(azure.hubClients()).toContain('assigned-device-7')
    expect(azure.registrations.at(-1)).toEqual({ registrationId: 'individual-1', deviceId: 'assigned-device-7', payload: { site: 'lab' } })
    await clients[0]!.close()
  })

  it('SAS tokens that expire: the hub closes the connection, tabmq reconnects with a fresh token, subscriptions continue', async () => {
    const { clients } = providerTabs(dps({ registrationId: 'expiring-1', tokenTtlSeconds: 2 }), 2)
    const t = iotHubTopics('expiring-1')
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe(t.cloudToDevice, { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, t.cloudToDevice)
    const logins = () => azure.logins.filter(l => l.deviceId === 'expiring-1')
    await until(() => logins().length >= 3, 'two reconnects after token expiry', 12_000)
    expect(new Set(logins().map(l => l.expiry)).size).toBe(logins().length)
    expect(azure.registrations.filter(r => r.registrationId === 'expiring-1')).toHaveLength(1)
    await waitStatus(clients[0]!, 'connected')
    await waitActive(clients[0]!, t.cloudToDevice)
    await azure.sendC2D('expiring-1', 'after expiry')
    for (const s of seen) await s.waitFor(c => c.messages.some(m => m.data === 'after expiry'), 'a message after the reconnects')
    await Promise.all(clients.map(c => c.close()))
  }, 20_000)

  it('azureIotHub with a connection string shares one connection', async () => {
    const provider = azureIotHub({ connectionString: `HostName=${azure.hubHostName};DeviceId=hub-device;SharedAccessKey=${HUB_DEVICE_KEY}`, protocol: 'ws' })
    const { clients, hub } = providerTabs(provider, 2)
    await Promise.all(clients.map(c => waitStatus(c, 'connected')))
    await clients[0]!.publish(iotHubTopics('hub-device').events(), 'x', { qos: 1 })
    const stats = await hub.stats()
    expect(stats.connections).toHaveLength(1)
    expect(stats.connections[0]!.key).toBe(`azure-iot-hub|ws://${azure.hubHostName}/$iothub/websocket|hub-device`)
    messages.push(JSON.stringify(stats))
    await Promise.all(clients.map(c => c.close()))
  })

  it('azureIotHub with a sasToken function (a server signs): refreshed before expiry, also through another tab', async () => {
    let calls = 0
    const sasToken = async () => {
      calls++
      const se = Math.floor(Date.now() / 1000) + 2
      const sr = encodeURIComponent(`${azure.hubHostName}/devices/hub-device`)
      const sig = encodeURIComponent(createHmac('sha256', Buffer.from(HUB_DEVICE_KEY, 'base64')).update(`${sr}\n${se}`).digest('base64'))
      return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}`
    }
    const { clients } = providerTabs(azureIotHub({ hostName: azure.hubHostName, deviceId: 'hub-device', sasToken, protocol: 'ws' }), 1)
    const seen = new Collector()
    clients[0]!.subscribe(iotHubTopics('hub-device').cloudToDevice, { qos: 1 }).subscribe(seen.observer)
    await waitActive(clients[0]!, 'devices/hub-device/messages/devicebound/#')
    const before = azure.logins.filter(l => l.deviceId === 'hub-device').length
    await until(() => azure.logins.filter(l => l.deviceId === 'hub-device').length >= before + 2, 'reconnects with new tokens', 10_000)
    expect(calls).toBeGreaterThanOrEqual(3)
    await waitActive(clients[0]!, 'devices/hub-device/messages/devicebound/#')
    await azure.sendC2D('hub-device', 'fresh')
    await seen.waitFor(c => c.messages.some(m => m.data === 'fresh'), 'a message after the token refreshes')
    await clients[0]!.close()
  }, 15_000)

  it('IoT Hub rules in the hub: no QoS 2, 256 KB, only its topics; other tabs undisturbed', async () => {
    const { clients } = providerTabs(dps(), 2)
    const [bad, good] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const t = iotHubTopics('group-1')
    const seen = new Collector()
    good.subscribe(t.cloudToDevice, { qos: 1 }).subscribe(seen.observer)
    await waitActive(good, t.cloudToDevice)
    expect((await rejection(bad.publish(t.events(), 'x', { qos: 2 }))).code).toBe('INVALID_QOS')
    expect((await rejection(bad.publish(t.events(), new Uint8Array(262_145), { qos: 1 }))).code).toBe('PAYLOAD_TOO_LARGE')
    const topic = await rejection(bad.publish('telemetry/group-1', 'x', { qos: 1 }))
    expect(topic.code).toBe('NOT_AUTHORIZED')
    expect(topic.message).toMatch(/devices\/group-1\/messages\/events/)
    const sub = await new Promise<PubSubError>(resolve => bad.subscribe('devices/group-1/#').subscribe({ error: e => resolve(e as PubSubError) }))
    expect(sub.code).toBe('NOT_AUTHORIZED')
    await azure.sendC2D('group-1', 'still fine')
    await seen.waitFor(c => c.messages.length === 1, 'the other tab still receives')
    messages.push(topic.message, sub.message)
    await Promise.all(clients.map(c => c.close()))
  })

  describe('registerWithDps on its own', () => {
    it('returns the assigned hub and device id', async () => {
      await expect(registerWithDps({ idScope: azure.idScope, registrationId: 'standalone-1', groupKey: GROUP_KEY, globalEndpoint: azure.globalEndpoint, protocol: 'ws' })).resolves.toEqual({
        assignedHub: azure.hubHostName,
        deviceId: 'standalone-1',
        registrationId: 'standalone-1',
        status: 'assigned',
        substatus: 'initialAssignment',
      })
    })
    it('a wrong key: BAD_CREDENTIALS naming what to check, without the key', async () => {
      const e = await rejection(registerWithDps({ idScope: azure.idScope, registrationId: 'standalone-2', groupKey: WRONG_KEY, globalEndpoint: azure.globalEndpoint, protocol: 'ws' }))
      expect(e.code).toBe('BAD_CREDENTIALS')
      expect(e.message).toMatch(/idScope, registrationId and the key/)
      messages.push(e.message)
    })
    it('an ID scope DPS does not know: NOT_AUTHORIZED', async () => {
      const e = await rejection(registerWithDps({ idScope: '0ne99999ZZZ', registrationId: 'standalone-3', groupKey: GROUP_KEY, globalEndpoint: azure.globalEndpoint, protocol: 'ws' }))
      expect(e.code).toBe('NOT_AUTHORIZED')
      messages.push(e.message)
    })
  })

  describe('bad input', () => {
    it.each([
      ['idScope', { registrationId: 'x', groupKey: GROUP_KEY }],
      ['registrationId', { idScope: '0ne00000A0A', groupKey: GROUP_KEY }],
    ])('azureDps without %s throws at once', (what, options) => {
      const e = thrown(() => azureDps(options as never))
      expect(e.code).toBe('INVALID_OPTIONS')
      expect(e.message).toContain(`${what} is missing`)
    })

    it.each([
      ['no key', { groupKey: undefined }, /a key is missing: give symmetricKey .* or groupKey/],
      ['both keys', { symmetricKey: GROUP_KEY }, /not both/],
      ['a key that is not base64', { groupKey: 'secret-but-not-base64!' }, /not a base64 key/],
      ['a malformed registration id', { registrationId: 'has space' }, /registrationId is missing or malformed/],
      ['a malformed ID scope', { idScope: '0ne-0000' }, /idScope is missing or malformed/],
      ['ws to Azure', { globalEndpoint: 'global.azure-devices-provisioning.net' }, /only wss/],
      ['an endpoint given as a URL', { globalEndpoint: 'wss://global.azure-devices-provisioning.net/' }, /without a scheme/],
      ['tokens that never expire', { tokenTtlSeconds: 0 }, /tokenTtlSeconds/],
    ])('azureDps with %s: INVALID_OPTIONS', async (_what, override, message) => {
      const tab = providerTabs(dps(override as never), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('INVALID_OPTIONS')
      expect(state.error?.message).toMatch(message)
      messages.push(state.error!.message)
      await tab.close()
    })

    it.each([
      ['no key', { hostName: 'h.azure-devices.net', deviceId: 'd' }, /symmetricKey is missing/],
      ['no host name', { deviceId: 'd', symmetricKey: HUB_DEVICE_KEY }, /hostName is missing/],
      ['a connection string as host name', { hostName: `HostName=h;DeviceId=d;SharedAccessKey=${HUB_DEVICE_KEY}`, deviceId: 'd', symmetricKey: HUB_DEVICE_KEY }, /connection string/],
      ['a device id with a slash', { hostName: 'h.azure-devices.net', deviceId: 'a/b', symmetricKey: HUB_DEVICE_KEY }, /deviceId is missing or malformed/],
      ['an incomplete connection string', { connectionString: 'HostName=h.azure-devices.net;DeviceId=d' }, /SharedAccessKey/],
    ])('azureIotHub with %s: INVALID_OPTIONS, the key never echoed', async (_what, options, message) => {
      const tab = providerTabs(azureIotHub(options), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('INVALID_OPTIONS')
      expect(state.error?.message).toMatch(message)
      messages.push(state.error!.message)
      await tab.close()
    })

    it('a wrong group key: the connection state says DPS refused, and it stops (offline) instead of retrying', async () => {
      const tab = providerTabs(dps({ registrationId: 'wrong-key-1', groupKey: WRONG_KEY }), 1).clients[0]!
      const error = await waitError(tab)
      expect(error.code).toBe('BAD_CREDENTIALS')
      await waitStatus(tab, 'offline')
      expect(error.message).toMatch(/DPS refused the login of "wrong-key-1"/)
      messages.push(error.message)
      await tab.close()
    })

    it('a wrong device key at the hub: BAD_CREDENTIALS naming the device and hub', async () => {
      const tab = providerTabs(azureIotHub({ hostName: azure.hubHostName, deviceId: 'hub-device', symmetricKey: WRONG_KEY, protocol: 'ws' }), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('BAD_CREDENTIALS')
      expect(state.error?.message).toMatch(/IoT Hub refused device "hub-device"/)
      messages.push(state.error!.message)
      expect(azure.refusals.at(-1)).toMatchObject({ service: 'hub', reason: 'the signature does not match the key' })
      await tab.close()
    })
  })
})

describe('DPS throttling and slow assignment', () => {
  let azure: AzureEmulator
  beforeAll(async () => {
    azure = await startAzureEmulator({ groupKeys: [GROUP_KEY], throttle: 2, assigningPolls: 3 })
  })
  afterAll(() => azure.close())

  it('429 with retry-after is retried; several 202s are polled; then the device connects', async () => {
    const { clients } = providerTabs(azureDps({ idScope: azure.idScope, registrationId: 'throttled-1', groupKey: GROUP_KEY, globalEndpoint: azure.globalEndpoint, protocol: 'ws' }), 1)
    await waitStatus(clients[0]!, 'connected', 10_000)
    expect(azure.registerRequests).toBe(3)
    expect(azure.registrations).toEqual([{ registrationId: 'throttled-1', deviceId: 'throttled-1' }])
    await clients[0]!.close()
  })
})
