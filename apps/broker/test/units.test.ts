import { describe, expect, it } from 'vitest'
import { initialState, step } from '../src/climate'
import { parsePayload, runCommand } from '../src/commands'
import { readSettings } from '../src/env'
import { filterCovers, topicMatches } from '../src/filters'
import { dynsecConfig, mosquittoConf } from '../src/testing/mosquitto-config'
import { MosquittoLogParser } from '../src/testing/mosquitto-log'
import { BrokerView } from '../src/testing/view'

describe('filterCovers', () => {
  it.each([
    ['secret/#', 'secret/#', true],
    ['secret/#', 'secret/+', true],
    ['secret/#', 'secret/a/b', true],
    ['secret/#', 'secret', true],
    ['secret/+', 'secret/a', true],
    ['secret/+', 'secret/#', false],
    ['secret/a', 'secret/+', false],
    ['secret/a', 'secret/a', true],
    ['+/x', 'a/x', true],
    ['a/b', 'a', false],
    ['#', 'anything/at/all', true],
  ])('%s covers %s: %s', (rule, filter, expected) => {
    expect(filterCovers(rule, filter)).toBe(expected)
  })

  it('does not match $ topics with a leading wildcard', () => {
    expect(topicMatches('#', '$SYS/x')).toBe(false)
    expect(topicMatches('$SYS/#', '$SYS/x')).toBe(true)
  })
})

describe('device commands', () => {
  const state = { temperature: 21, humidity: 50, fan: false, setpoint: 21 }

  it('parses JSON payloads and keeps text otherwise', () => {
    expect(parsePayload(Buffer.from('{"a":1}'))).toEqual({ a: 1 })
    expect(parsePayload(Buffer.from('hello'))).toBe('hello')
  })

  it('switches the fan and echoes requestId', () => {
    const { state: next, reply } = runCommand(state, 'fan', { on: true, requestId: 'x' })
    expect(next.fan).toBe(true)
    expect(reply).toMatchObject({ ok: true, command: 'fan', requestId: 'x', state: { fan: true, setpoint: 21 } })
  })

  it('validates setpoint values', () => {
    expect(runCommand(state, 'setpoint', { value: 19 }).state.setpoint).toBe(19)
    expect(runCommand(state, 'setpoint', { value: 'hot' }).reply).toMatchObject({ ok: false, error: expect.any(String) })
    expect(runCommand(state, 'setpoint', { value: 99 }).reply.ok).toBe(false)
  })

  it('refuses unknown commands', () => {
    expect(runCommand(state, 'dance', null).reply).toMatchObject({ ok: false, error: 'unknown command', received: null })
  })
})

describe('climate simulation', () => {
  it('stays realistic over 2000 steps and follows the setpoint', () => {
    let s = { ...initialState(), setpoint: 24 }
    for (let i = 0; i < 2000; i++) {
      s = step(s)
      expect(s.humidity).toBeGreaterThanOrEqual(40)
      expect(s.humidity).toBeLessThanOrEqual(60)
    }
    expect(Math.abs(s.temperature - 24)).toBeLessThan(1.5)
  })
})

describe('readSettings', () => {
  it('has defaults', () => {
    expect(readSettings({})).toEqual({ host: '127.0.0.1', wsPort: 8083, tcpPort: 1883, devices: 1, intervalMs: 1000 })
  })

  it('reads the environment', () => {
    expect(readSettings({ TABMQ_WS_PORT: '0', TABMQ_TCP_PORT: '1884', TABMQ_HOST: '0.0.0.0', TABMQ_DEVICES: '3' })).toMatchObject({
      host: '0.0.0.0', wsPort: 0, tcpPort: 1884, devices: 3,
    })
  })

  it('explains a bad value in one line', () => {
    expect(() => readSettings({ TABMQ_WS_PORT: 'eighty' })).toThrow('TABMQ_WS_PORT=eighty is not valid: expected a whole number from 0 to 65535')
  })
})

describe('MosquittoLogParser (lines recorded from Mosquitto 2.0.11)', () => {
  const log = `mosquitto version 2.0.11 running
New connection from 127.0.0.1:46106 on port 18831.
New client connected from 127.0.0.1:46106 as dup (p5, c1, k60).
No will message specified.
Sending CONNACK to dup (0, 0)
New client connected from ::ffff:127.0.0.1:39220 as alice 1 (p2, c0, k60, u'alice').
Received SUBSCRIBE from dup
\tx/# (QoS 1)
dup 1 x/#
\tsecret/# (QoS 0)
\tx/+ (QoS 2)
dup 2 x/+
Sending SUBACK to dup
Received SUBSCRIBE from alice 1
\tkeep/# (QoS 1)
alice 1 1 keep/#
Sending SUBACK to alice 1
Received PUBLISH from dup (d0, q0, r0, m0, 'x/y', ... (1 bytes))
Sending PUBLISH to dup (d0, q0, r0, m0, 'x/y', ... (1 bytes))
Received UNSUBSCRIBE from dup
\tx/+
dup x/+
Sending UNSUBACK to dup
New connection from 127.0.0.1:39954 on port 18831.
Sending CONNACK to 127.0.0.1 (0, 5)
Client <unknown> disconnected, not authorised.`

  function parse(text: string): BrokerView {
    const view = new BrokerView()
    const parser = new MosquittoLogParser(view)
    for (const line of text.split('\n')) parser.line(line)
    return view
  }

  it('tracks clients, subscriptions and SUBSCRIBE counts', () => {
    const view = parse(log)
    expect(view.connectedClients()).toEqual(['dup', 'alice 1'])
    expect(view.subscriptions()).toEqual([
      { clientId: 'dup', filter: 'x/#', qos: 1 },
      { clientId: 'alice 1', filter: 'keep/#', qos: 1 },
    ])
    expect(view.subscribeCount('secret/#')).toBe(1) // refused: no "dup 0 secret/#" line
    expect(view.subscribeCount('x/+')).toBe(1)
  })

  it.each([
    'Client dup closed its connection.',
    'Client dup disconnected.',
    'Client dup has exceeded timeout, disconnecting.',
    'Client dup disconnected due to protocol error.',
    'Socket error on client dup, disconnecting.',
  ])('drops a clean client and its subscriptions on "%s"', (line) => {
    const view = parse(`${log}\n${line}`)
    expect(view.connectedClients()).toEqual(['alice 1'])
    expect(view.subscriptions().map((s) => s.clientId)).toEqual(['alice 1'])
  })

  it('keeps a persistent session’s subscriptions and a taken-over client', () => {
    const view = parse(`${log}\nClient alice 1 closed its connection.\nClient dup already connected, closing old connection.`)
    expect(view.connectedClients()).toEqual(['dup'])
    expect(view.subscriptions()).toContainEqual({ clientId: 'alice 1', filter: 'keep/#', qos: 1 })
  })
})

describe('Mosquitto configuration', () => {
  const setup = { host: '127.0.0.1', tcpPort: 1, wsPort: 2, dynsecPath: '/tmp/d.json', dynsecPlugin: '/lib/dynsec.so' }

  it('allows anonymous clients and loads no plugin by default', () => {
    const conf = mosquittoConf(setup, {})
    expect(conf).toContain('allow_anonymous true')
    expect(conf).toContain('listener 2 127.0.0.1\nprotocol websockets')
    expect(conf).not.toContain('plugin')
  })

  it('uses dynamic security for users and deny lists', () => {
    const conf = mosquittoConf(setup, { users: { a: 'b' } })
    expect(conf).toContain('allow_anonymous false')
    expect(conf).toContain('plugin /lib/dynsec.so\nplugin_opt_config_file /tmp/d.json')
    const cfg = dynsecConfig({ users: { a: 'b' }, denySubscribe: ['s/#'], denyPublish: ['p/#'] }) as {
      clients: Array<{ username: string }>
      roles: Array<{ acls: unknown[] }>
    }
    expect(cfg.clients.map((c) => c.username)).toEqual(['a'])
    expect(cfg.roles[0]!.acls).toEqual([
      { acltype: 'subscribePattern', topic: 's/#', allow: false },
      { acltype: 'publishClientSend', topic: 'p/#', allow: false },
    ])
  })
})
