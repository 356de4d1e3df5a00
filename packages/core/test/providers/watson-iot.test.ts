import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWatsonEmulator, type WatsonEmulator } from '@tabmq/broker'
import {
  parseWatsonDm,
  parseWatsonNotification,
  parseWatsonTopic,
  watsonDmRequest,
  watsonDmResponse,
  watsonDmTopics,
  watsonIot,
  watsonTopics,
  type WatsonIotOptions,
} from '../../src/providers/index'
import { Collector, expectNoSecrets, providerTabs, rejection, sleep, thrown, until, waitActive, waitError, waitStatus } from './helpers'

const ORG = 'a1b2c3'
const DEVICE = { typeId: 'thermostat', deviceId: 't-1', token: 'device-token-SECRET-1' }
const DEVICE2 = { typeId: 'thermostat', deviceId: 't-2', token: 'device-token-SECRET-2' }
const GATEWAY = { typeId: 'gw', deviceId: 'gw-1', token: 'gateway-token-SECRET', gateway: true }
const APP = { apiKey: `a-${ORG}-k3y0000001`, token: 'app-token-SECRET-xyz' }
const SECRETS = [DEVICE.token, DEVICE2.token, GATEWAY.token, APP.token]

describe('watsonIot against the Watson IoT Platform emulator', () => {
  let watson: WatsonEmulator
  const messages: string[] = []
  beforeAll(async () => {
    watson = await startWatsonEmulator({ org: ORG, devices: [DEVICE, DEVICE2, GATEWAY], apiKeys: [APP], invalidTypes: ['forbidden'] })
  })
  afterAll(async () => {
    expectNoSecrets(messages, SECRETS)
    await watson.close()
  })

  const local = { org: ORG, host: '', protocol: 'ws' as const }
  const device = (d = DEVICE, extra: Partial<WatsonIotOptions> = {}) => watsonIot({ ...local, host: watson.host, kind: 'device', typeId: d.typeId, deviceId: d.deviceId, token: d.token, ...extra } as WatsonIotOptions)
  const gateway = (extra: Partial<WatsonIotOptions> = {}) => watsonIot({ ...local, host: watson.host, kind: 'gateway', typeId: GATEWAY.typeId, deviceId: GATEWAY.deviceId, token: GATEWAY.token, ...extra } as WatsonIotOptions)
  const application = () => watsonIot({ ...local, host: watson.host, kind: 'application', appId: 'dashboard', apiKey: APP.apiKey, token: APP.token })

  it('a device: two tabs share d:<org>:<type>:<id>, publish events and both get commands', async () => {
    const { clients, hub } = providerTabs(device(), 2)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe(watsonTopics.deviceCommands(), { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, watsonTopics.deviceCommands())
    expect(watson.connectedClients()).toEqual([`d:${ORG}:thermostat:t-1`])
    await clients[1]!.publish(watsonTopics.deviceEvent('status'), { temp: 21.5 }, { qos: 1 })
    expect(watson.events.at(-1)).toMatchObject({ typeId: 'thermostat', deviceId: 't-1', eventId: 'status', format: 'json', payload: '{"temp":21.5}' })
    await watson.sendCommand('thermostat', 't-1', 'setTemp', JSON.stringify({ target: 19 }))
    for (const s of seen) await s.waitFor(c => c.messages.length === 1, 'the command')
    expect(seen[0]!.messages[0]!.topic).toBe('iot-2/cmd/setTemp/fmt/json')
    expect(parseWatsonTopic(seen[0]!.messages[0]!.topic)).toEqual({ kind: 'command', commandId: 'setTemp', format: 'json' })
    expect(seen[1]!.messages[0]!.data).toEqual({ target: 19 })
    const stats = await hub.stats()
    expect(stats.connections.map(c => c.key)).toEqual([`watson|ws://${watson.host}/|d:${ORG}:thermostat:t-1`])
    messages.push(JSON.stringify(stats))
    await Promise.all(clients.map(c => c.close()))
  })

  it('an application sees device events and commands devices; a device of another tab receives', async () => {
    const { clients, hub } = providerTabs(application(), 1)
    const app = clients[0]!
    const dev = providerTabs(device(DEVICE2), 1).clients[0]!
    const events = new Collector()
    app.subscribe(watsonTopics.event({ typeId: '+', deviceId: '+' }), { qos: 1 }).subscribe(events.observer)
    const commands = new Collector()
    dev.subscribe(watsonTopics.deviceCommands('reboot'), { qos: 1 }).subscribe(commands.observer)
    await waitActive(app, 'iot-2/type/+/id/+/evt/+/fmt/+')
    await waitActive(dev, 'iot-2/cmd/reboot/fmt/+')
    await dev.publish(watsonTopics.deviceEvent('hello', 'txt'), 'hi', { qos: 1 })
    await events.waitFor(c => c.messages.length === 1, 'the event at the application')
    expect(parseWatsonTopic(events.messages[0]!.topic)).toEqual({ kind: 'event', typeId: 'thermostat', deviceId: 't-2', eventId: 'hello', format: 'txt' })
    await app.publish(watsonTopics.command({ typeId: 'thermostat', deviceId: 't-2', commandId: 'reboot' }), { delay: 0 }, { qos: 1 })
    await commands.waitFor(c => c.messages.length === 1, 'the command at the device')
    expect((await hub.stats()).connections[0]!.clientId).toBe(`a:${ORG}:dashboard`)
    await Promise.all([app.close(), dev.close()])
  })

  it('a gateway publishes and subscribes for its devices, and gets typed notifications for refused topics', async () => {
    const { clients } = providerTabs(gateway(), 2)
    const [a, b] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const commands = new Collector()
    const notes = new Collector()
    a.subscribe(watsonTopics.command({ typeId: 'sensor', deviceId: '+' }), { qos: 1 }).subscribe(commands.observer)
    b.subscribe(watsonTopics.notify(GATEWAY), { qos: 1 }).subscribe(notes.observer)
    await waitActive(a, 'iot-2/type/sensor/id/+/cmd/+/fmt/+')
    await waitActive(b, watsonTopics.notify(GATEWAY))
    await b.publish(watsonTopics.event({ typeId: 'sensor', deviceId: 's-9', eventId: 'reading' }), { v: 1 }, { qos: 1 })
    expect(watson.events.at(-1)).toMatchObject({ typeId: 'sensor', deviceId: 's-9', clientId: `g:${ORG}:gw:gw-1` })
    await watson.sendCommand('sensor', 's-9', 'blink', '{}')
    await commands.waitFor(c => c.messages.length === 1, 'the command for a device behind the gateway')
    expect(parseWatsonTopic(commands.messages[0]!.topic)).toMatchObject({ kind: 'command', typeId: 'sensor', deviceId: 's-9', commandId: 'blink' })
    // The platform cannot register a device of an invalid type: the gateway is notified, not disconnected.
    await a.publish(watsonTopics.event({ typeId: 'forbidden', deviceId: 'x', eventId: 'e' }), 1, { qos: 1 })
    await notes.waitFor(c => c.messages.length === 1, 'a notification')
    const n = parseWatsonNotification(notes.messages[0]!.payload)
    expect(n).toMatchObject({ request: 'publish', topic: 'iot-2/type/forbidden/id/x/evt/e/fmt/json', typeId: 'forbidden', deviceId: 'x', clientId: `g:${ORG}:gw:gw-1`, rc: 403 })
    expect(n.time).toBeInstanceOf(Date)
    expect(n.message).toMatch(/not valid/)
    expect(a.connectionState.get().status).toBe('connected')
    await Promise.all(clients.map(c => c.close()))
  })

  it('platform rules before sending: 131072-byte limit, retained cleared with a warning, no QoS 2 for managed gateways, topic rules', async () => {
    const { clients, warnings } = providerTabs(device(), 2)
    const [bad, good] = clients as [(typeof clients)[0], (typeof clients)[0]]
    const seen = new Collector()
    good.subscribe(watsonTopics.deviceCommands(), { qos: 1 }).subscribe(seen.observer)
    await waitActive(good, watsonTopics.deviceCommands())
    const big = await rejection(bad.publish(watsonTopics.deviceEvent('big'), new Uint8Array(131_073), { qos: 1 }))
    expect(big.code).toBe('PAYLOAD_TOO_LARGE')
    expect(big.message).toContain('131072')
    await bad.publish(watsonTopics.deviceEvent('edge', 'bin'), new Uint8Array(131_072), { qos: 1 })
    await bad.publish(watsonTopics.deviceEvent('kept'), { a: 1 }, { qos: 1, retain: true })
    expect(warnings.some(w => /does not keep retained.*iot-2\/evt\/kept\/fmt\/json/.test(w))).toBe(true)
    const refused = await rejection(bad.publish('iot-2/type/thermostat/id/t-9/evt/e/fmt/json', 'x'))
    expect(refused.code).toBe('NOT_AUTHORIZED')
    expect(refused.message).toContain('"iot-2/evt/<id>/fmt/<id>"')
    const subError = await new Promise<unknown>(resolve => bad.subscribe('iot-2/type/+/id/+/evt/+/fmt/+').subscribe({ error: resolve }))
    expect((subError as { code: string }).code).toBe('NOT_AUTHORIZED')
    await watson.sendCommand('thermostat', 't-1', 'ping', '"still"')
    await seen.waitFor(c => c.messages.length === 1, 'the other tab still receives')
    await Promise.all(clients.map(c => c.close()))

    const managed = providerTabs(gateway({ managed: true }), 1).clients[0]!
    const q2 = await rejection(managed.publish(watsonTopics.event({ typeId: 'sensor', deviceId: 's1', eventId: 'e' }), 'x', { qos: 2 }))
    expect(q2.code).toBe('INVALID_QOS')
    expect(q2.message).toMatch(/managed.*QoS 0 or 1/)
    await managed.close()
    messages.push(big.message, refused.message, q2.message, ...warnings)
  })

  it('device management: manage request answered by reqId, platform reboot request answered by the device', async () => {
    const { clients } = providerTabs(device(), 1)
    const tab = clients[0]!
    const dm = watsonDmTopics()
    const answer = await watsonDmRequest(tab, dm.manage, { lifetime: 3600, supports: { deviceActions: true } })
    expect(answer).toMatchObject({ kind: 'response', rc: 200 })
    expect(answer.reqId).toMatch(/^[0-9a-f]{16}$/)
    expect(watson.managed.has(`d:${ORG}:thermostat:t-1`)).toBe(true)
    // A request the platform does not know gets 404 and rejects.
    const unknown = await rejection(watsonDmRequest(tab, 'iotdevice-1/mgmt/nonsense', {}))
    expect(unknown.code).toBe('PUBLISH_REFUSED')
    expect(unknown.message).toMatch(/404/)
    // The device answers the platform's requests on iotdevice-1/response.
    tab.subscribe(dm.all, { qos: 1 }).subscribe({
      next: m => {
        const r = parseWatsonDm(m.topic, m.payload)
        if (r?.kind === 'request' && r.action === 'mgmt/initiate/device/reboot' && r.reqId) void tab.publish(dm.response, watsonDmResponse(r.reqId, 202), { qos: 1 }).catch(() => {})
      },
    })
    await waitActive(tab, dm.all)
    await expect(watson.dmRequest('thermostat', 't-1', 'mgmt/initiate/device/reboot')).resolves.toMatchObject({ rc: 202 })
    await tab.close()
  })

  it('a gateway manages a device behind it with the gateway topics', async () => {
    const tab = providerTabs(gateway({ managed: true }), 1).clients[0]!
    const dm = watsonDmTopics({ typeId: 'sensor', deviceId: 's-3' })
    expect(dm.manage).toBe('iotdevice-1/type/sensor/id/s-3/mgmt/manage')
    await expect(watsonDmRequest(tab, dm.manage, { lifetime: 0 })).resolves.toMatchObject({ rc: 200 })
    await tab.close()
  })

  it('survives a cut: the connection comes back by itself and subscriptions continue', async () => {
    const { clients } = providerTabs(device(), 2)
    const seen = clients.map(() => new Collector())
    clients.forEach((c, i) => void c.subscribe(watsonTopics.deviceCommands(), { qos: 1 }).subscribe(seen[i]!.observer))
    await waitActive(clients[0]!, watsonTopics.deviceCommands())
    watson.disconnect(`d:${ORG}:thermostat:t-1`)
    await until(() => clients[0]!.connectionState.get().status !== 'connected', 'the cut')
    await waitStatus(clients[0]!, 'connected')
    await waitActive(clients[0]!, watsonTopics.deviceCommands())
    await watson.sendCommand('thermostat', 't-1', 'after', '1')
    for (const s of seen) await s.waitFor(c => c.topics().includes('iot-2/cmd/after/fmt/json'), 'a command after the cut')
    await Promise.all(clients.map(c => c.close()))
  })

  describe('bad input', () => {
    it.each([
      ['org', { kind: 'device' }],
      ['kind', { org: ORG }],
    ])('a missing %s throws at once', (what, options) => {
      const e = thrown(() => watsonIot(options as never))
      expect(e.code).toBe('INVALID_OPTIONS')
      expect(e.message).toContain(`${what} is missing`)
    })

    it.each([
      ['a malformed org', { org: 'My Org' }, /not an organization id/],
      ['an unknown kind', { kind: 'thing' }, /kind must be/],
      ['a device without token', { token: undefined }, /token is missing/],
      ['a device id with a slash', { deviceId: 'a/b' }, /deviceId is missing or malformed/],
      ['ws to the IBM cloud', { host: `${ORG}.messaging.internetofthings.ibmcloud.com:443` }, /wss/],
      ['a gateway in quickstart', { org: 'quickstart', kind: 'gateway' }, /devices only/],
    ])('%s: INVALID_OPTIONS from the hub', async (_what, override, message) => {
      const tab = providerTabs(watsonIot({ ...local, host: watson.host, kind: 'device', ...DEVICE, ...override } as never), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('INVALID_OPTIONS')
      expect(state.error?.message).toMatch(message)
      messages.push(state.error!.message)
      await tab.close()
    })

    it('an application API key that does not belong to the org', async () => {
      const tab = providerTabs(watsonIot({ ...local, host: watson.host, kind: 'application', appId: 'x', apiKey: 'a-other1-abc', token: APP.token }), 1).clients[0]!
      expect((await waitError(tab)).message).toMatch(/apiKey is missing or malformed/)
      await tab.close()
    })

    it('a wrong token: BAD_CREDENTIALS, no retry, other identities unaffected', async () => {
      const tab = providerTabs(device({ ...DEVICE, token: 'wrong-token-SECRET' }), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('BAD_CREDENTIALS')
      expect(state.error?.message).toMatch(/refused the login of d:a1b2c3:thermostat:t-1.*token/)
      messages.push(state.error!.message)
      await sleep(300)
      expect(tab.connectionState.get().status).toBe('offline')
      await tab.close()
    })

    it('an organization the platform does not know: NOT_AUTHORIZED', async () => {
      const tab = providerTabs(watsonIot({ ...local, org: 'zzzzzz', host: watson.host, kind: 'device', ...DEVICE }), 1).clients[0]!
      const state = await waitStatus(tab, 'offline')
      expect(state.error?.code).toBe('NOT_AUTHORIZED')
      messages.push(state.error!.message)
      await tab.close()
    })
  })
})
