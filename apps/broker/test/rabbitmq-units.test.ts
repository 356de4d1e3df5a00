import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readErlangString, readMqttTopics } from '../src/testing/erlang-terms'
import { allowAllBut, coveredKeys, definitions, rabbitmqConf } from '../src/testing/rabbitmq-config'
import { filterOfKey, subscriptionsOfBindings } from '../src/testing/rabbitmq-ctl'
import { RabbitLogParser } from '../src/testing/rabbitmq-log'
import { BrokerView } from '../src/testing/view'

const event = (pid: string, msg: string) => JSON.stringify({ time: '2026-01-01 00:00:00.000000+00:00', level: 'debug', msg, domain: 'rabbitmq.connection', pid })
const connect = (pid: string, id: string, clean = true) =>
  event(pid, `Received a CONNECT, client ID: "${id}" (expanded to "${id}"), username: undefined, clean session: ${clean}, protocol version: 4, keepalive: 60`)

describe('Erlang terms as RabbitMQ logs them', () => {
  it('reads printable strings, escapes, long strings split over lines and byte lists', () => {
    expect(readErlangString('"a/b" x', 0)).toEqual({ value: 'a/b', end: 5 })
    expect(readErlangString('"a\\"b\\\\c\\n"', 0)?.value).toBe('a"b\\c\n')
    expect(readErlangString('"abc"\n   "def"', 0)?.value).toBe('abcdef')
    expect(readErlangString('[97,0,98]', 0)?.value).toBe('a\u0000b')
    // The frame's UTF-8 bytes, printed one latin1 character each.
    expect(readErlangString(`"${Buffer.from('température', 'utf8').toString('latin1')}"`, 0)?.value).toBe('température')
    expect(readErlangString('[{a}]', 0)).toBeUndefined()
  })

  it('reads the topic records of a SUBSCRIBE and an UNSUBSCRIBE', () => {
    expect(readMqttTopics('[{mqtt_topic,"a/b/c",1},\n                                   {mqtt_topic,"a/#",0}]')).toEqual([
      { name: 'a/b/c', qos: 1 },
      { name: 'a/#', qos: 0 },
    ])
    expect(readMqttTopics('[{mqtt_topic,"x",undefined}]')).toEqual([{ name: 'x', qos: undefined }])
  })
})

describe('RabbitLogParser', () => {
  it('ties packets to the client id its CONNECT named, by Erlang process', () => {
    const view = new BrokerView()
    const parser = new RabbitLogParser(view)
    parser.line('  Starting broker...' + event('<0.1.0>', 'booting')) // glued to the banner
    parser.line(connect('<0.716.0>', 'c1'))
    parser.line(event('<0.716.0>', 'Received a SUBSCRIBE for topic(s) [{mqtt_topic,"a/#",2},\n {mqtt_topic,"b",0}]'))
    parser.line(event('<0.716.0>', 'Received a SUBSCRIBE for topic(s) [{mqtt_topic,"b",1}]'))
    expect(view.connectedClients()).toEqual(['c1'])
    expect(view.subscriptions()).toEqual([
      { clientId: 'c1', filter: 'a/#', qos: 1 },
      { clientId: 'c1', filter: 'b', qos: 0 },
      { clientId: 'c1', filter: 'b', qos: 1 },
    ])
    expect(view.subscribeCount('b')).toBe(2)
    parser.line(event('<0.716.0>', 'Received an UNSUBSCRIBE for topic(s) [{mqtt_topic,"b",undefined}]'))
    expect(view.subscriptions()).toEqual([{ clientId: 'c1', filter: 'a/#', qos: 1 }])
    parser.line(event('<0.716.0>', 'closing Web MQTT connection <0.716.0> (127.0.0.1:39728 -> 127.0.0.1:21675)'))
    expect(view.connectedClients()).toEqual([])
    expect(view.subscriptions()).toEqual([])
  })

  it('keeps a take-over connection when the old one closes, and only QoS 1 of a persistent session', () => {
    const view = new BrokerView()
    const parser = new RabbitLogParser(view)
    parser.line(connect('<0.1.0>', 'dup', false))
    parser.line(event('<0.1.0>', 'Received a SUBSCRIBE for topic(s) [{mqtt_topic,"q0",0},{mqtt_topic,"q1",1}]'))
    parser.line(connect('<0.2.0>', 'dup', false))
    parser.line(event('<0.1.0>', 'MQTT disconnecting client "127.0.0.1:1 -> 127.0.0.1:2" with duplicate id \'dup\''))
    expect(view.connectedClients()).toEqual(['dup'])
    parser.line(event('<0.2.0>', 'MQTT connection "127.0.0.1:3 -> 127.0.0.1:2" will terminate because peer closed TCP connection'))
    expect(view.connectedClients()).toEqual([])
    expect(view.subscriptions()).toEqual([{ clientId: 'dup', filter: 'q1', qos: 1 }])
  })

  it('counts a refused login as gone and ignores MQTT 5 CONNECTs, which RabbitMQ 3.10 closes', () => {
    const view = new BrokerView()
    const parser = new RabbitLogParser(view)
    parser.line(connect('<0.3.0>', 'who'))
    parser.line(event('<0.3.0>', "MQTT login failed for user 'alice': authentication failed"))
    parser.line(event('<0.4.0>', 'Received a CONNECT, client ID: "v5" (expanded to "v5"), username: undefined, clean session: true, protocol version: 5, keepalive: 60'))
    expect(view.connectedClients()).toEqual([])
  })
})

describe('RabbitMQ config', () => {
  it('listens on loopback only, logs JSON at debug level, and loads definitions only for access rules', () => {
    const setup = { host: '127.0.0.1', mqttPort: 1, webMqttPort: 2, definitionsPath: '/tmp/d.json' }
    const open = rabbitmqConf(setup, {})
    expect(open).toContain('listeners.tcp = none')
    expect(open).toContain('mqtt.listeners.tcp.1 = 127.0.0.1:1')
    expect(open).toContain('web_mqtt.tcp.ip = 127.0.0.1')
    expect(open).toContain('log.console.formatter = json')
    expect(open).toContain('mqtt.allow_anonymous = true')
    expect(open).not.toContain('load_definitions')
    const guarded = rabbitmqConf(setup, { users: { alice: 'x' } })
    expect(guarded).toContain('mqtt.allow_anonymous = false')
    expect(guarded).toContain('load_definitions = /tmp/d.json')
  })

  it.each([
    ['secret/#', ['secret', 'secret.x', 'secret.#', 'secret.*.y'], ['secrets', 'public.secret', '#']],
    ['a/+/b', ['a.x.b', 'a.*.b'], ['a.#.b', 'a.x.y.b', 'a.b']],
    ['#', ['anything', 'a.b'], []],
  ])('topic permissions deny the routing keys %s covers', (rule, denied, allowed) => {
    const covered = new RegExp(`^(?:${coveredKeys(rule)})$`)
    const permission = new RegExp(allowAllBut([rule]))
    for (const key of denied) expect([key, covered.test(key), permission.test(key)]).toEqual([key, true, false])
    for (const key of allowed) expect([key, covered.test(key), permission.test(key)]).toEqual([key, false, true])
  })

  it('stores passwords as RabbitMQ does (salted SHA-256) and gives every user the topic permissions', () => {
    const defs = definitions({ users: { alice: 'right' }, denySubscribe: ['secret/#'] }) as {
      users: Array<{ name: string; password_hash: string }>
      topic_permissions: Array<{ user: string; read: string; write: string }>
    }
    expect(defs.users.map((u) => u.name)).toEqual(['guest', 'alice'])
    const hash = Buffer.from(defs.users[1]!.password_hash, 'base64')
    const salt = hash.subarray(0, 4)
    expect(hash.subarray(4)).toEqual(createHash('sha256').update(salt).update('right').digest())
    expect(defs.topic_permissions.map((p) => [p.user, p.write])).toEqual([
      ['guest', '.*'],
      ['alice', '.*'],
    ])
    expect(defs.topic_permissions[0]!.read).toBe(allowAllBut(['secret/#']))
  })

  it('reads subscriptions back from bindings', () => {
    expect(filterOfKey('a.*.#')).toBe('a/+/#')
    expect(
      subscriptionsOfBindings([
        { queue: 'mqtt-subscription-c1qos0', key: 'a.#' },
        { queue: 'mqtt-subscription-c1qos1', key: 'b.*' },
        { queue: 'some-amqp-queue', key: 'c' },
      ]),
    ).toEqual([
      { clientId: 'c1', filter: 'a/#', qos: 0 },
      { clientId: 'c1', filter: 'b/+', qos: 1 },
    ])
  })
})
