import { createHash, randomBytes } from 'node:crypto'
import type { TestBrokerOptions } from './types'

/** Where a test RabbitMQ keeps its files and listens. */
export interface RabbitSetup {
  host: string
  mqttPort: number
  webMqttPort: number
  /** Path the definitions (users, permissions) are loaded from, when access rules are given. */
  definitionsPath: string
}

/** Whether the options need definitions loaded at boot (users or topic permissions). */
export function needsDefinitions(opts: TestBrokerOptions): boolean {
  return opts.users !== undefined || (opts.denySubscribe?.length ?? 0) > 0 || (opts.denyPublish?.length ?? 0) > 0
}

/**
 * rabbitmq.conf for a test broker: no AMQP listener, MQTT over TCP and Web MQTT on loopback,
 * every log event as one JSON line on stdout (connection events at debug level: the SUBSCRIBEs
 * the fixture counts are only logged there). Anonymous MQTT clients log in as `guest`, which
 * RabbitMQ only lets in from localhost; with `users` they are refused.
 */
export function rabbitmqConf(setup: RabbitSetup, opts: TestBrokerOptions): string {
  const lines = [
    'listeners.tcp = none',
    `mqtt.listeners.tcp.1 = ${setup.host}:${setup.mqttPort}`,
    `mqtt.allow_anonymous = ${opts.users ? 'false' : 'true'}`,
    `web_mqtt.tcp.ip = ${setup.host}`,
    `web_mqtt.tcp.port = ${setup.webMqttPort}`,
    'log.file = false',
    'log.console = true',
    'log.console.level = debug',
    'log.console.formatter = json',
    'log.connection.level = debug',
  ]
  if (needsDefinitions(opts)) lines.push(`load_definitions = ${setup.definitionsPath}`)
  return `${lines.join('\n')}\n`
}

/**
 * advanced.config: the Erlang distribution (which rabbitmqctl talks over) listens on loopback
 * only; rabbitmq.conf has no key for it.
 */
export function advancedConfig(): string {
  return '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n'
}

/** What `rabbitmq-plugins enable --offline rabbitmq_mqtt rabbitmq_web_mqtt` writes, without its 3 s Erlang VM. */
export function enabledPlugins(): string {
  return '[rabbitmq_mqtt,rabbitmq_web_mqtt].\n'
}

/** A password hash as RabbitMQ stores it: base64(salt ++ sha256(salt ++ password)), 4-byte salt. */
function passwordHash(password: string): string {
  const salt = randomBytes(4)
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest()
  return Buffer.concat([salt, digest]).toString('base64')
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')
}

/**
 * A regular expression for the AMQP routing keys (`/` → `.`, `+` → `*`) of the MQTT filters and
 * topics `rule` covers, unanchored: `secret/#` → `secret(?:\..*)?`, `a/+/b` → `a\.[^.#]+\.b`.
 */
export function coveredKeys(rule: string): string {
  const levels = rule.split('/')
  const hash = levels.at(-1) === '#'
  const fixed = (hash ? levels.slice(0, -1) : levels).map((l) => (l === '+' ? '[^.#]+' : escapeRegex(l)))
  if (!hash) return fixed.join('\\.')
  return fixed.length === 0 ? '.*' : `${fixed.join('\\.')}(?:\\..*)?`
}

/** A topic permission regex allowing every routing key except those `rules` cover. */
export function allowAllBut(rules: readonly string[]): string {
  if (rules.length === 0) return '.*'
  return `^(?!(?:${rules.map(coveredKeys).join('|')})$).*`
}

/**
 * Definitions loaded at boot: the users (and `guest`, whom anonymous MQTT clients log in as),
 * full rights on the default vhost, and topic permissions on `amq.topic` (the MQTT plugin's
 * exchange) that deny reading (SUBSCRIBE) `denySubscribe` and writing (PUBLISH) `denyPublish`.
 */
export function definitions(opts: TestBrokerOptions): object {
  const users = { guest: 'guest', ...(opts.users ?? {}) }
  const names = Object.keys(users)
  return {
    users: Object.entries(users).map(([name, password]) => ({
      name,
      password_hash: passwordHash(password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: name === 'guest' ? ['administrator'] : [],
    })),
    vhosts: [{ name: '/' }],
    permissions: names.map((user) => ({ user, vhost: '/', configure: '.*', write: '.*', read: '.*' })),
    topic_permissions: names.map((user) => ({
      user,
      vhost: '/',
      exchange: 'amq.topic',
      write: allowAllBut(opts.denyPublish ?? []),
      read: allowAllBut(opts.denySubscribe ?? []),
    })),
  }
}
