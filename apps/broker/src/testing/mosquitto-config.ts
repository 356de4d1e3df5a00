import { pbkdf2Sync, randomBytes } from 'node:crypto'
import os from 'node:os'
import type { TestBrokerOptions } from './types'

/** Where and how a test Mosquitto listens. */
export interface MosquittoSetup {
  host: string
  tcpPort: number
  wsPort: number
  /** Path the dynamic-security JSON is written to (used only when access rules are given). */
  dynsecPath: string
  /** The dynamic-security plugin, e.g. /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so. */
  dynsecPlugin: string | undefined
  /** Where the persistence file goes (used only with `persistence: true`). */
  persistenceDir?: string | undefined
}

/** Whether the options need Mosquitto's dynamic-security plugin. */
export function needsDynsec(opts: TestBrokerOptions): boolean {
  return opts.users !== undefined || (opts.denySubscribe?.length ?? 0) > 0 || (opts.denyPublish?.length ?? 0) > 0
}

/**
 * mosquitto.conf for a test broker: one TCP and one WebSocket listener,
 * everything logged to stderr (unbuffered, unlike stdout), no persistence unless asked for
 * (then sessions and queued messages survive a restart).
 * Access rules go through the dynamic-security plugin, because `acl_file`
 * in Mosquitto 2.0 never refuses a SUBSCRIBE (it only filters deliveries).
 */
export function mosquittoConf(setup: MosquittoSetup, opts: TestBrokerOptions): string {
  const lines = [
    'per_listener_settings false',
    `user ${os.userInfo().username}`,
    `allow_anonymous ${opts.users ? 'false' : 'true'}`,
    ...(opts.persistence && setup.persistenceDir ? ['persistence true', `persistence_location ${setup.persistenceDir}/`] : ['persistence false']),
    `listener ${setup.tcpPort} ${setup.host}`,
    'set_tcp_nodelay true',
    `listener ${setup.wsPort} ${setup.host}`,
    'protocol websockets',
    'log_dest stderr',
    'log_type all',
    'connection_messages true',
    'log_timestamp false',
  ]
  if (needsDynsec(opts)) {
    if (!setup.dynsecPlugin) {
      throw new Error('Mosquitto access rules need its dynamic-security plugin (mosquitto_dynamic_security.so), which was not found')
    }
    lines.push(`plugin ${setup.dynsecPlugin}`, `plugin_opt_config_file ${setup.dynsecPath}`)
  }
  return lines.join('\n') + '\n'
}

/** A dynamic-security client entry with a PBKDF2-SHA512 password hash, as mosquitto_ctrl writes it. */
function dynsecClient(username: string, password: string) {
  const salt = randomBytes(12)
  const iterations = 101
  return {
    username,
    password: pbkdf2Sync(password, salt, iterations, 64, 'sha512').toString('base64'),
    salt: salt.toString('base64'),
    iterations,
    roles: [{ rolename: 'tabmq' }],
  }
}

/**
 * The dynamic-security configuration: everything allowed by default, users
 * from `opts.users`, and a `tabmq` role (given to every user and to
 * anonymous clients) that denies `subscribePattern` for `denySubscribe`
 * (SUBACK 0x80) and `publishClientSend` for `denyPublish` (dropped; MQTT 5
 * gets PUBACK 0x87).
 */
export function dynsecConfig(opts: TestBrokerOptions): object {
  const acls = [
    ...(opts.denySubscribe ?? []).map((topic) => ({ acltype: 'subscribePattern', topic, allow: false })),
    ...(opts.denyPublish ?? []).map((topic) => ({ acltype: 'publishClientSend', topic, allow: false })),
  ]
  return {
    clients: Object.entries(opts.users ?? {}).map(([u, p]) => dynsecClient(u, p)),
    groups: [{ groupname: 'anonymous', roles: [{ rolename: 'tabmq' }], clients: [] }],
    anonymousGroup: 'anonymous',
    roles: [{ rolename: 'tabmq', acls }],
    defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true },
  }
}
