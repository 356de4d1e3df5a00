import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { Aedes, type AedesOptions, type Client } from 'aedes'
import { topicMatches } from '../filters'
import { SINK_TOPIC, deliverTo, refuse, startEmulatorServer } from './ws-server'

/** An individual enrollment. */
export interface AzureEnrollment {
  registrationId: string
  symmetricKey: string
  /** The IoT Hub device id DPS assigns. Default: the registration id. */
  deviceId?: string
}

export interface AzureEmulatorOptions {
  /** Default `0ne00000A0A`. */
  idScope?: string
  enrollments?: AzureEnrollment[]
  /** Enrollment group keys: any registration id whose derived key signs its token is accepted. */
  groupKeys?: string[]
  /** Devices already in the hub (for `azureIotHub` without DPS). */
  devices?: Array<{ deviceId: string; symmetricKey: string }>
  /** How many times an operation status answers 202 (assigning) before 200. Default 1. */
  assigningPolls?: number
  /** The `retry-after` DPS sends, seconds (fractions allowed here). Default 0.1. */
  retryAfterSeconds?: number
  /** The first N registration requests are throttled with 429. Default 0. */
  throttle?: number
  host?: string
  /** DPS and IoT Hub ports. Default 0: free ports. */
  dpsPort?: number
  hubPort?: number
}

/** A device-to-cloud message as the hub received it. */
export interface AzureD2C {
  deviceId: string
  properties: Record<string, string>
  payload: string
}

export interface AzureEmulator {
  idScope: string
  /** DPS `host:port`: pass as `globalEndpoint` with `protocol: 'ws'`. */
  globalEndpoint: string
  /** IoT Hub `host:port`: what DPS assigns, and `hostName` for `azureIotHub`. */
  hubHostName: string
  dps: Aedes
  hub: Aedes
  /** Completed registrations. */
  registrations: Array<{ registrationId: string; deviceId: string; payload?: unknown }>
  /** Registration requests DPS received (including throttled ones). */
  registerRequests: number
  d2c: AzureD2C[]
  /** Refused logins, with a reason and no secret. */
  refusals: Array<{ service: 'dps' | 'hub'; clientId: string; reason: string }>
  /** Hub logins accepted, with the token expiry (epoch seconds). */
  logins: Array<{ deviceId: string; expiry: number }>
  hubClients(): string[]
  sendC2D(deviceId: string, payload: string, properties?: Record<string, string>): Promise<void>
  updateDesired(deviceId: string, patch: Record<string, unknown>): void
  twin(deviceId: string): { desired: Record<string, unknown>; reported: Record<string, unknown> }
  invokeMethod(deviceId: string, name: string, payload: unknown, timeoutMs?: number): Promise<{ status: number; payload: string }>
  close(): Promise<void>
}

const DPS_API = 'api-version=2019-03-31'

/** Microsoft's documented SAS algorithm, for checking tokens. */
function signature(key: string, encodedResource: string, expiry: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(`${encodedResource}\n${expiry}`).digest('base64')
}

function deriveKey(groupKey: string, registrationId: string): string {
  return createHmac('sha256', Buffer.from(groupKey, 'base64')).update(registrationId).digest('base64')
}

type SasCheck = { ok: true; expiry: number; key: string } | { ok: false; reason: string }

/** Checks `SharedAccessSignature sr=…&sig=…&se=…[&skn=…]` against the resource and candidate keys. */
function checkSas(token: string | undefined, resource: string, keys: string[], policy: string | undefined): SasCheck {
  if (!token?.startsWith('SharedAccessSignature ')) return { ok: false, reason: 'the password is not a SharedAccessSignature' }
  const fields = new Map<string, string>()
  for (const part of token.slice('SharedAccessSignature '.length).split('&')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1))
  }
  const sr = fields.get('sr')
  const sig = fields.get('sig')
  const se = fields.get('se')
  if (!sr || !sig || !se || !/^\d+$/.test(se)) return { ok: false, reason: 'the token needs sr, sig and se' }
  let decodedSr: string
  let decodedSig: string
  try {
    decodedSr = decodeURIComponent(sr)
    decodedSig = decodeURIComponent(sig)
  } catch {
    return { ok: false, reason: 'the token is not URL-encoded properly' }
  }
  if (decodedSr.toLowerCase() !== resource.toLowerCase()) return { ok: false, reason: `the token is for another resource (sr must be ${resource})` }
  if ((fields.get('skn') ?? undefined) !== policy) return { ok: false, reason: policy ? `skn must be ${policy}` : 'a device token has no skn' }
  if (Number(se) * 1000 <= Date.now()) return { ok: false, reason: 'the token has expired' }
  const given = Buffer.from(decodedSig)
  const key = keys.find(k => {
    const expected = Buffer.from(signature(k, sr, se))
    return expected.length === given.length && timingSafeEqual(expected, given)
  })
  return key ? { ok: true, expiry: Number(se), key } : { ok: false, reason: 'the signature does not match the key' }
}

function publish(aedes: Aedes, topic: string, payload: string, qos: 0 | 1): Promise<void> {
  return new Promise((resolve, reject) => aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, e => (e ? reject(e) : resolve())))
}

/**
 * An emulated Azure IoT Device Provisioning Service and IoT Hub, each behind its own WebSocket
 * port (`/$iothub/websocket`, subprotocol `mqtt`). DPS checks the CONNECT (client id = registration
 * id, the `<idScope>/registrations/<id>/api-version=…` user name, a SAS token with
 * `skn=registration` signed by the enrollment's key or the key derived from a group key), answers
 * registrations with 202 + `retry-after`, then 200 with the assigned hub, and throttles with 429 on
 * request. The hub checks device SAS tokens (`<hub>/devices/<id>`), closes each connection when its
 * token expires, and enforces IoT Hub's topic rules: device-to-cloud, cloud-to-device, twin GET and
 * reported PATCH (answered by `$rid`), desired property updates and direct methods. No QoS 2.
 *
 * @example
 * const azure = await startAzureEmulator({ groupKeys: [groupKey] })
 * azureDps({ idScope: azure.idScope, registrationId: 'dev-1', groupKey, globalEndpoint: azure.globalEndpoint, protocol: 'ws' })
 */
export async function startAzureEmulator(opts: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const idScope = opts.idScope ?? '0ne00000A0A'
  const enrollments = new Map((opts.enrollments ?? []).map(e => [e.registrationId.toLowerCase(), e]))
  const groupKeys = opts.groupKeys ?? []
  const deviceKeys = new Map((opts.devices ?? []).map(d => [d.deviceId, d.symmetricKey]))
  const retryAfter = opts.retryAfterSeconds ?? 0.1
  let throttle = opts.throttle ?? 0
  const registrations: AzureEmulator['registrations'] = []
  const refusals: AzureEmulator['refusals'] = []
  const logins: AzureEmulator['logins'] = []
  const d2c: AzureD2C[] = []
  const twins = new Map<string, { desired: Record<string, unknown> & { $version: number }; reported: Record<string, unknown> & { $version: number } }>()
  const pendingMethods = new Map<string, (r: { status: number; payload: string }) => void>()
  const twinOf = (id: string) => {
    let t = twins.get(id)
    if (!t) twins.set(id, (t = { desired: { $version: 1 }, reported: { $version: 1 } }))
    return t
  }
  let hubHostName = ''
  const expiryTimers = new Map<Client, ReturnType<typeof setTimeout>>()
  const dpsKeyOf = new WeakMap<Client, string>()
  const operations = new Map<string, { registrationId: string; polls: number; payload: unknown; deviceKey: string }>()

  // --- DPS ---------------------------------------------------------------------------------
  const dpsHooks: Partial<AedesOptions> = {
    authenticate(client, username, password, done) {
      const registrationId = client.id
      const expectedUser = `${idScope}/registrations/${registrationId}/${DPS_API}`
      const fail = (reason: string, code: 4 | 5) => {
        refusals.push({ service: 'dps', clientId: registrationId, reason })
        done(refuse(reason, code) as never, false)
      }
      if (username !== expectedUser) return fail(`the user name must be ${expectedUser}`, 5)
      const enrollment = enrollments.get(registrationId.toLowerCase())
      const candidates = enrollment ? [enrollment.symmetricKey] : groupKeys.map(g => deriveKey(g, registrationId))
      if (candidates.length === 0) return fail('no enrollment for this registration id', 5)
      const check = checkSas(password?.toString('utf8'), `${idScope}/registrations/${registrationId}`, candidates, 'registration')
      if (!check.ok) return fail(check.reason, 4)
      dpsKeyOf.set(client, check.key)
      done(null, true)
    },
    authorizeSubscribe(_client, sub, done) {
      done(null, sub.topic === '$dps/registrations/res/#' ? sub : null)
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(new Error('no client'))
      const respond = (status: number, body: unknown, rid: string, retry?: number) =>
        deliverTo(client, `$dps/registrations/res/${status}/?$rid=${rid}${retry !== undefined ? `&retry-after=${retry}` : ''}`, JSON.stringify(body), 1)
      const q = packet.topic.indexOf('?')
      const query = new URLSearchParams(q < 0 ? '' : packet.topic.slice(q + 1))
      const rid = query.get('$rid') ?? ''
      if (packet.topic.startsWith('$dps/registrations/PUT/iotdps-register/?')) {
        emulator.registerRequests++
        if (throttle > 0) {
          throttle--
          respond(429, { errorCode: 429001, message: 'Operations are being throttled for this tenant.' }, rid, retryAfter)
        } else {
          let body: { registrationId?: string; payload?: unknown } = {}
          try {
            body = JSON.parse(Buffer.from(packet.payload).toString('utf8')) as typeof body
          } catch {
            // DPS answers a bad body with 400.
          }
          if (body.registrationId?.toLowerCase() !== client.id.toLowerCase()) {
            respond(400, { errorCode: 400004, message: 'The registrationId in the body must match the client id.' }, rid)
          } else {
            const operationId = `4.${randomUUID()}`
            operations.set(operationId, { registrationId: client.id, polls: opts.assigningPolls ?? 1, payload: body.payload, deviceKey: dpsKeyOf.get(client)! })
            respond(202, { operationId, status: 'assigning' }, rid, retryAfter)
          }
        }
      } else if (packet.topic.startsWith('$dps/registrations/GET/iotdps-get-operationstatus/?')) {
        const operationId = query.get('operationId') ?? ''
        const op = operations.get(operationId)
        if (!op || op.registrationId !== client.id) respond(404, { errorCode: 404001, message: 'Operation not found.' }, rid)
        else if (op.polls > 0) {
          op.polls--
          respond(202, { operationId, status: 'assigning' }, rid, retryAfter)
        } else {
          const deviceId = enrollments.get(op.registrationId.toLowerCase())?.deviceId ?? op.registrationId
          deviceKeys.set(deviceId, op.deviceKey)
          registrations.push({ registrationId: op.registrationId, deviceId, ...(op.payload !== undefined ? { payload: op.payload } : {}) })
          const now = new Date().toISOString()
          respond(
            200,
            {
              operationId,
              status: 'assigned',
              registrationState: {
                registrationId: op.registrationId,
                createdDateTimeUtc: now,
                assignedHub: hubHostName,
                deviceId,
                status: 'assigned',
                substatus: 'initialAssignment',
                lastUpdatedDateTimeUtc: now,
                etag: `"${randomUUID()}"`,
                ...(op.payload !== undefined ? { payload: { received: op.payload } } : {}),
              },
            },
            rid,
          )
        }
      } else return done(new Error(`DPS does not accept publishes to ${packet.topic}`))
      packet.topic = SINK_TOPIC
      done(null)
    },
  }

  // --- IoT Hub -----------------------------------------------------------------------------
  const hubHooks: Partial<AedesOptions> = {
    authenticate(client, username, password, done) {
      const deviceId = client.id
      const fail = (reason: string, code: 4 | 5) => {
        refusals.push({ service: 'hub', clientId: deviceId, reason })
        done(refuse(reason, code) as never, false)
      }
      const prefix = `${hubHostName}/${deviceId}/?`
      if (!username?.startsWith(prefix) || !/(^|&)api-version=\d{4}-\d{2}-\d{2}/.test(username.slice(prefix.length))) {
        return fail(`the user name must be ${prefix}api-version=…`, 5)
      }
      const key = deviceKeys.get(deviceId)
      if (!key) return fail('the device is not registered in this hub', 5)
      const check = checkSas(password?.toString('utf8'), `${hubHostName}/devices/${deviceId}`, [key], undefined)
      if (!check.ok) return fail(check.reason, 4)
      logins.push({ deviceId, expiry: check.expiry })
      // IoT Hub closes the connection when its token expires.
      const timer = setTimeout(() => client.close(), Math.max(0, check.expiry * 1000 - Date.now()))
      timer.unref()
      expiryTimers.set(client, timer)
      done(null, true)
    },
    authorizeSubscribe(client, sub, done) {
      const id = client.id
      const allowed = [`devices/${id}/messages/devicebound/#`, '$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#']
      // (IoT Hub grants QoS 1 to a QoS 2 request; aedes cannot lower a granted QoS, so that is not emulated.)
      done(null, allowed.includes(sub.topic) ? sub : null)
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(new Error('no client'))
      const id = client.id
      if (packet.qos === 2) return done(new Error('IoT Hub does not support QoS 2'))
      const topic = packet.topic
      const text = Buffer.from(packet.payload).toString('utf8')
      const rid = /\?(?:.*&)?\$rid=([^&]*)/.exec(topic)?.[1] ?? ''
      const events = `devices/${id}/messages/events/`
      if (topic.startsWith(events) || topic === events.slice(0, -1)) {
        const properties = Object.fromEntries(new URLSearchParams(topic.slice(events.length)))
        d2c.push({ deviceId: id, properties, payload: text })
      } else if (topic.startsWith('$iothub/twin/GET/?')) {
        deliverTo(client, `$iothub/twin/res/200/?$rid=${rid}`, JSON.stringify(twinOf(id)))
      } else if (topic.startsWith('$iothub/twin/PATCH/properties/reported/?')) {
        let patch: Record<string, unknown>
        try {
          patch = JSON.parse(text) as Record<string, unknown>
        } catch {
          deliverTo(client, `$iothub/twin/res/400/?$rid=${rid}`, '')
          return (packet.topic = SINK_TOPIC), done(null)
        }
        const t = twinOf(id)
        Object.assign(t.reported, patch)
        t.reported.$version++
        deliverTo(client, `$iothub/twin/res/204/?$rid=${rid}&$version=${t.reported.$version}`, '')
      } else if (/^\$iothub\/methods\/res\/\d{3}\/\?/.test(topic)) {
        pendingMethods.get(rid)?.({ status: Number(topic.split('/')[3]), payload: text })
      } else return done(new Error(`IoT Hub does not accept publishes to ${topic}`))
      packet.topic = SINK_TOPIC
      done(null)
    },
  }

  const dps = await Aedes.createBroker(dpsHooks)
  const hub = await Aedes.createBroker(hubHooks)
  hub.on('clientDisconnect', c => (clearTimeout(expiryTimers.get(c)), expiryTimers.delete(c)))
  const host = opts.host ? { host: opts.host } : {}
  const onlyIotHubPath = (req: { url?: string | undefined }) =>
    (req.url ?? '').split('?')[0] === '/$iothub/websocket' ? ({ accept: true } as const) : ({ accept: false, status: 404, reason: 'Azure IoT listens on /$iothub/websocket' } as const)
  const dpsServer = await startEmulatorServer({ aedes: dps, envVar: 'TABMQ_WS_PORT', verify: onlyIotHubPath, port: opts.dpsPort ?? 0, ...host })
  const hubServer = await startEmulatorServer({ aedes: hub, envVar: 'TABMQ_TCP_PORT', verify: onlyIotHubPath, port: opts.hubPort ?? 0, ...host })
  hubHostName = hubServer.hostPort

  /** Sends to one device's connection if it subscribed to a matching filter. */
  const toDevice = (deviceId: string, topic: string, payload: string) => {
    const client = hubServer.clients.get(deviceId)
    const subs = client ? Object.keys((client as unknown as { subscriptions: Record<string, unknown> }).subscriptions) : []
    return subs.some(f => topicMatches(f, topic)) ? deliverTo(client, topic, payload, 1) : false
  }

  const emulator: AzureEmulator = {
    idScope,
    globalEndpoint: dpsServer.hostPort,
    hubHostName,
    dps,
    hub,
    registrations,
    registerRequests: 0,
    d2c,
    refusals,
    logins,
    hubClients: () => [...hubServer.clients.values()].filter(c => c.connected).map(c => c.id),
    sendC2D: (deviceId, payload, properties = {}) => publish(hub, `devices/${deviceId}/messages/devicebound/${new URLSearchParams(properties).toString()}`, payload, 1),
    updateDesired(deviceId, patch) {
      const t = twinOf(deviceId)
      Object.assign(t.desired, patch)
      t.desired.$version++
      toDevice(deviceId, `$iothub/twin/PATCH/properties/desired/?$version=${t.desired.$version}`, JSON.stringify({ ...patch, $version: t.desired.$version }))
    },
    twin: deviceId => structuredClone(twinOf(deviceId)),
    invokeMethod(deviceId, name, payload, timeoutMs = 5000) {
      const rid = randomUUID().slice(0, 8)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (pendingMethods.delete(rid), reject(new Error(`method ${name}: no response within ${timeoutMs} ms`))), timeoutMs)
        pendingMethods.set(rid, r => (clearTimeout(timer), pendingMethods.delete(rid), resolve(r)))
        if (!toDevice(deviceId, `$iothub/methods/POST/${name}/?$rid=${rid}`, JSON.stringify(payload))) {
          clearTimeout(timer)
          pendingMethods.delete(rid)
          reject(new Error(`${deviceId} is not subscribed to methods`))
        }
      })
    },
    close: async () => {
      await Promise.all([dpsServer.close(), hubServer.close()])
    },
  }
  return emulator
}
