import { randomUUID } from 'node:crypto'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { topicMatches } from '../filters'
import { SINK_TOPIC, deliverTo, refuse, startEmulatorServer } from './ws-server'

/** A registered device or gateway. */
export interface WatsonDevice {
  typeId: string
  deviceId: string
  token: string
  gateway?: boolean
}

/** An API key of an application. */
export interface WatsonApiKey {
  apiKey: string
  token: string
}

export interface WatsonEmulatorOptions {
  /** The organization id. Default `a1b2c3`. */
  org?: string
  devices?: WatsonDevice[]
  apiKeys?: WatsonApiKey[]
  /** Device types a gateway cannot auto-register devices of: its notify topic says so. */
  invalidTypes?: string[]
  host?: string
  port?: number
}

/** An event as applications see it. */
export interface WatsonEvent {
  typeId: string
  deviceId: string
  eventId: string
  format: string
  payload: string
  /** Who published it (a device, or the gateway on its behalf). */
  clientId: string
}

export interface WatsonEmulator {
  org: string
  /** `127.0.0.1:<port>`: pass as `host` with `protocol: 'ws'`. */
  host: string
  aedes: Aedes
  events: WatsonEvent[]
  /** Notifications sent to gateways. */
  notifications: Array<{ clientId: string; notification: Record<string, unknown> }>
  /** Client ids that sent a Manage Device request (for themselves or a device behind them). */
  managed: Set<string>
  connectedClients(): string[]
  /** Sends a command as an application would. */
  sendCommand(typeId: string, deviceId: string, commandId: string, payload: string, format?: string): Promise<void>
  /** A device management request from the platform (reboot, firmware, …); resolves with the device's answer. */
  dmRequest(typeId: string, deviceId: string, action: string, d?: unknown, timeoutMs?: number): Promise<{ rc: number; reqId: string; message?: string }>
  /** Drops a client's connection, as a platform restart or a network cut would. */
  disconnect(clientId: string): void
  close(): Promise<void>
}

const MAX_PAYLOAD = 131_072
const ID = /^[A-Za-z0-9\-_.]{1,36}$/

interface Who {
  kind: 'device' | 'gateway' | 'application'
  clientId: string
  typeId?: string
  deviceId?: string
}

/** `rule` levels: literal, `*` (one level; a `+` allowed in filters) or a final `**`. */
function fits(rule: string, value: string, isFilter: boolean): boolean {
  const r = rule.split('/')
  const v = value.split('/')
  for (let i = 0; i < r.length; i++) {
    if (r[i] === '**') return true
    const level = v[i]
    if (level === undefined || level === '#' || level === '') return false
    if (r[i] === '*') {
      if (level === '+' && !isFilter) return false
      continue
    }
    if (level !== r[i]) return false
  }
  return r.length === v.length
}

/**
 * An emulated IBM Watson IoT Platform organization: token authentication with `d:`/`g:`/`a:`
 * client ids, the topic rules of each kind of client, device events mapped to the
 * `iot-2/type/…` form applications see, commands routed to devices, payloads over 131072 bytes
 * refused (the connection is closed), the retained flag cleared, gateway notifications for refused
 * topics and failed auto-registrations, and the device management protocol (manage requests
 * answered by `reqId`; platform requests such as reboot, answered by the device).
 *
 * @example
 * const watson = await startWatsonEmulator({ devices: [{ typeId: 't', deviceId: 'd1', token: 'secret-token' }] })
 * watsonIot({ org: watson.org, host: watson.host, protocol: 'ws', kind: 'device', typeId: 't', deviceId: 'd1', token: 'secret-token' })
 */
export async function startWatsonEmulator(opts: WatsonEmulatorOptions = {}): Promise<WatsonEmulator> {
  const org = opts.org ?? 'a1b2c3'
  const devices = new Map((opts.devices ?? []).map(d => [`${d.typeId}/${d.deviceId}`, d]))
  const apiKeys = new Map((opts.apiKeys ?? []).map(k => [k.apiKey, k.token]))
  const invalidTypes = new Set(opts.invalidTypes ?? [])
  const who = new WeakMap<Client, Who>()
  const events: WatsonEvent[] = []
  const notifications: WatsonEmulator['notifications'] = []
  const managed = new Set<string>()
  const pending = new Map<string, (answer: { rc: number; reqId: string; message?: string }) => void>()
  let clients: Map<string, Client> = new Map()

  const notify = (client: Client, w: Who, request: 'publish' | 'subscribe', topic: string, rc: number, message: string) => {
    if (w.kind !== 'gateway') return
    const parts = topic.split('/')
    const notification = { Request: request, Time: new Date().toISOString(), Topic: topic, Type: parts[2] ?? '', Id: parts[4] ?? '', ClientID: w.clientId, RC: rc, Message: message }
    notifications.push({ clientId: w.clientId, notification })
    const notifyTopic = `iot-2/type/${w.typeId}/id/${w.deviceId}/notify`
    if (Object.keys((client as unknown as { subscriptions: Record<string, unknown> }).subscriptions).some(f => topicMatches(f, notifyTopic))) {
      deliverTo(client, notifyTopic, JSON.stringify(notification))
    }
  }

  /** Answers a device management request from a device (or a gateway for a device behind it). */
  const dmFromDevice = (client: Client, w: Who, topic: string, payload: Buffer) => {
    const m = /^iotdevice-1\/(?:type\/([^/]+)\/id\/([^/]+)\/)?(.+)$/.exec(topic)
    if (!m) return
    const [, typeId, deviceId, op] = m
    const responseTopic = typeId ? `iotdm-1/type/${typeId}/id/${deviceId}/response` : 'iotdm-1/response'
    let body: { reqId?: unknown; rc?: unknown; message?: unknown; d?: unknown }
    try {
      body = JSON.parse(payload.toString('utf8')) as typeof body
    } catch {
      return deliverTo(client, responseTopic, JSON.stringify({ rc: 400, message: 'the request is not JSON' }))
    }
    const reqId = typeof body.reqId === 'string' ? body.reqId : undefined
    if (op === 'response') {
      // The device answers a request of the platform.
      if (reqId) pending.get(reqId)?.({ rc: Number(body.rc), reqId, ...(typeof body.message === 'string' ? { message: body.message } : {}) })
      return
    }
    if (!reqId) return deliverTo(client, responseTopic, JSON.stringify({ rc: 400, message: 'reqId is required' }))
    const known = ['mgmt/manage', 'mgmt/unmanage', 'device/update/location', 'add/diag/errorCodes', 'clear/diag/errorCodes', 'add/diag/log', 'clear/diag/log']
    if (!known.includes(op!)) return deliverTo(client, responseTopic, JSON.stringify({ rc: 404, reqId, message: `unknown operation ${op}` }))
    const target = typeId ? `${typeId}/${deviceId}` : `${w.typeId}/${w.deviceId}`
    if (op === 'mgmt/manage') managed.add(w.clientId)
    if (op === 'mgmt/unmanage') managed.delete(w.clientId)
    deliverTo(client, responseTopic, JSON.stringify({ rc: 200, reqId, message: `${op} for ${target}` }), 1)
  }

  const hooks: Partial<AedesOptions> = {
    authenticate(client, username, password, done) {
      const id = client.id
      const m = /^([dgaA]):([^:]+):([^:]+)(?::([^:]+))?$/.exec(id)
      if (!m) return done(refuse(`malformed client id ${id}`, 2) as never, false)
      const [, prefix, idOrg, a, b] = m
      if (idOrg !== org) return done(refuse(`unknown organization ${idOrg}`, 5) as never, false)
      const secret = password?.toString('utf8')
      if (prefix === 'd' || prefix === 'g') {
        if (!b || !ID.test(a!) || !ID.test(b)) return done(refuse('malformed type or device id', 2) as never, false)
        const device = devices.get(`${a}/${b}`)
        if (username !== 'use-token-auth' || !device || device.token !== secret || Boolean(device.gateway) !== (prefix === 'g')) {
          return done(refuse('bad user name or token', 4) as never, false)
        }
        who.set(client, { kind: prefix === 'd' ? 'device' : 'gateway', clientId: id, typeId: a!, deviceId: b })
      } else {
        if (b !== undefined || !ID.test(a!)) return done(refuse('malformed app id', 2) as never, false)
        if (!username || apiKeys.get(username) !== secret) return done(refuse('bad API key or token', 4) as never, false)
        who.set(client, { kind: 'application', clientId: id })
      }
      done(null, true)
    },
    authorizePublish(client, packet, done) {
      const w = client && who.get(client)
      if (!client || !w) return done(new Error('unknown client'))
      const topic = packet.topic
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload)
      if (payload.length > MAX_PAYLOAD) return done(new Error(`payload of ${payload.length} bytes is over ${MAX_PAYLOAD}`))
      if (packet.qos === 2 && managed.has(w.clientId)) return done(new Error('managed clients publish with QoS 0 or 1'))
      // The platform does not keep retained messages: the flag is overridden.
      packet.retain = false
      const consume = () => ((packet.topic = SINK_TOPIC), done(null))
      if (w.kind === 'device') {
        if (fits('iot-2/evt/*/fmt/*', topic, false)) {
          const [, , eventId, , format] = topic.split('/')
          packet.topic = `iot-2/type/${w.typeId}/id/${w.deviceId}/evt/${eventId}/fmt/${format}`
          events.push({ typeId: w.typeId!, deviceId: w.deviceId!, eventId: eventId!, format: format!, payload: payload.toString('utf8'), clientId: w.clientId })
          return done(null)
        }
        if (fits('iotdevice-1/**', topic, false)) return dmFromDevice(client, w, topic, payload), consume()
        return done(new Error(`a device may not publish to ${topic}`))
      }
      if (w.kind === 'gateway') {
        if (fits('iot-2/type/*/id/*/evt/*/fmt/*', topic, false)) {
          const [, , typeId, , deviceId, , eventId, , format] = topic.split('/')
          if (invalidTypes.has(typeId!)) return notify(client, w, 'publish', topic, 403, `Device type ${typeId} is not valid.`), consume()
          events.push({ typeId: typeId!, deviceId: deviceId!, eventId: eventId!, format: format!, payload: payload.toString('utf8'), clientId: w.clientId })
          return done(null)
        }
        if (fits('iotdevice-1/type/*/id/*/**', topic, false)) return dmFromDevice(client, w, topic, payload), consume()
        // A gateway is told, not disconnected.
        return notify(client, w, 'publish', topic, 403, 'Topic does not match with any allowed topic rules.'), consume()
      }
      if (fits('iot-2/type/*/id/*/evt/*/fmt/*', topic, false)) {
        const [, , typeId, , deviceId, , eventId, , format] = topic.split('/')
        events.push({ typeId: typeId!, deviceId: deviceId!, eventId: eventId!, format: format!, payload: payload.toString('utf8'), clientId: w.clientId })
        return done(null)
      }
      if (fits('iot-2/type/*/id/*/cmd/*/fmt/*', topic, false)) {
        deliverCommand(topic, payload, packet.qos)
        return done(null)
      }
      done(new Error(`an application may not publish to ${topic}`))
    },
    authorizeSubscribe(client, sub, done) {
      const w = who.get(client)
      if (!w) return done(new Error('unknown client'))
      const f = sub.topic
      const rules =
        w.kind === 'device'
          ? ['iot-2/cmd/*/fmt/*', 'iotdm-1/**']
          : w.kind === 'gateway'
            ? ['iot-2/type/*/id/*/cmd/*/fmt/*', `iot-2/type/${w.typeId}/id/${w.deviceId}/notify`, 'iotdm-1/type/*/id/*/**']
            : ['iot-2/type/*/id/*/evt/*/fmt/*', 'iot-2/type/*/id/*/cmd/*/fmt/*', 'iot-2/type/*/id/*/mon', 'iot-2/app/*/mon']
      if (rules.some(r => fits(r, f, true))) {
        const typeId = f.split('/')[2]
        if (w.kind === 'gateway' && f.startsWith('iot-2/type/') && typeId && typeId !== '+' && invalidTypes.has(typeId)) {
          notify(client, w, 'subscribe', f, 403, `Device type ${typeId} is not valid.`)
          return done(null, null)
        }
        return done(null, sub)
      }
      notify(client, w, 'subscribe', f, 403, 'Topic does not match with any allowed topic rules.')
      done(null, null)
    },
  }

  /** Devices get commands in their short form, on their own connection only. */
  function deliverCommand(topic: string, payload: Buffer, qos: number) {
    const [, , typeId, , deviceId, , commandId, , format] = topic.split('/')
    const device = clients.get(`d:${org}:${typeId}:${deviceId}`)
    if (!device) return
    const short = `iot-2/cmd/${commandId}/fmt/${format}`
    const subs = (device as unknown as { subscriptions: Record<string, { qos: number }> }).subscriptions
    const match = Object.entries(subs).find(([f]) => topicMatches(f, short))
    if (match) deliverTo(device, short, payload, Math.min(qos, match[1].qos, 1) as 0 | 1)
  }

  const aedes = await Aedes.createBroker(hooks)
  const server = await startEmulatorServer({ aedes, envVar: 'TABMQ_WS_PORT', ...(opts.host ? { host: opts.host } : {}), ...(opts.port !== undefined ? { port: opts.port } : {}) })
  clients = server.clients
  aedes.on('clientDisconnect', c => managed.delete(c.id))

  return {
    org,
    host: server.hostPort,
    aedes,
    events,
    notifications,
    managed,
    connectedClients: () => [...clients.values()].filter(c => c.connected).map(c => c.id),
    sendCommand: (typeId, deviceId, commandId, payload, format = 'json') =>
      new Promise((resolve, reject) => {
        const topic = `iot-2/type/${typeId}/id/${deviceId}/cmd/${commandId}/fmt/${format}`
        deliverCommand(topic, Buffer.from(payload), 1)
        aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, e => (e ? reject(e) : resolve()))
      }),
    dmRequest(typeId, deviceId, action, d, timeoutMs = 5000) {
      const reqId = randomUUID()
      const direct = clients.get(`d:${org}:${typeId}:${deviceId}`)
      const gateway = direct ? undefined : [...clients.values()].find(c => who.get(c)?.kind === 'gateway' && managed.has(c.id))
      const target = direct ?? gateway
      if (!target) return Promise.reject(new Error(`${typeId}/${deviceId} is not connected, nor behind a managed gateway`))
      const topic = direct ? `iotdm-1/${action}` : `iotdm-1/type/${typeId}/id/${deviceId}/${action}`
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (pending.delete(reqId), reject(new Error(`no answer to ${action} within ${timeoutMs} ms`))), timeoutMs)
        pending.set(reqId, answer => (clearTimeout(timer), pending.delete(reqId), resolve(answer)))
        deliverTo(target, topic, JSON.stringify(d === undefined ? { reqId } : { reqId, d }), 1)
      })
    },
    disconnect: clientId => clients.get(clientId)?.close(),
    close: () => server.close(),
  }
}
