import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt'
import { initialState, step, type DeviceState } from './climate'
import { parsePayload, runCommand } from './commands'

/** Options of {@link startDevice}. */
export interface DeviceOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string
  /** Used in topics and as the MQTT client id. Default `device-1`. */
  deviceId?: string
  /** Telemetry period in ms. Default 1000. */
  intervalMs?: number
  /** MQTT protocol version. Default 4 (3.1.1, what aedes speaks); 5 for Mosquitto. */
  protocolVersion?: 4 | 5
  username?: string
  password?: string
  /** How long to wait for the first CONNACK. Default 5000 ms. */
  connectTimeoutMs?: number
}

/** The topics a device uses. */
export interface DeviceTopics {
  /** Retained `{"online":true,"ts":...}`; the will (and stop()) set `{"online":false}`. */
  status: string
  /** `{ temperature, humidity, fan, setpoint, ts }` every `intervalMs`. */
  telemetry: string
  /** Subscribed: `devices/<id>/cmd/+`. */
  commands: string
  /** Replies go to `devices/<id>/reply/<command>` (or the MQTT 5 response topic). */
  reply(command: string): string
}

/** A running simulated device. */
export interface Device {
  deviceId: string
  topics: DeviceTopics
  /** The current simulated state. */
  state(): DeviceState
  /** Publishes the retained offline status and disconnects. */
  stop(): Promise<void>
}

/** The topics of device `deviceId`. */
export function deviceTopics(deviceId: string): DeviceTopics {
  const base = `devices/${deviceId}`
  return {
    status: `${base}/status`,
    telemetry: `${base}/telemetry`,
    commands: `${base}/cmd/+`,
    reply: (command) => `${base}/reply/${command}`,
  }
}

const json = (value: unknown) => JSON.stringify(value)

/**
 * Starts a simulated IoT device over MQTT: a retained online status (with a
 * retained offline will), telemetry every `intervalMs`, and replies to
 * commands (`fan` `{on}`, `setpoint` `{value}`; others get `ok: false`).
 * Replies echo `requestId`/`correlationId` from the payload and, with MQTT 5,
 * go to the request's response topic with its correlation data.
 * Resolves once connected; rejects if the broker refuses or is unreachable.
 */
export async function startDevice(opts: DeviceOptions): Promise<Device> {
  const { url, deviceId = 'device-1', intervalMs = 1000, protocolVersion = 4 } = opts
  const topics = deviceTopics(deviceId)
  let state = initialState()
  const options: IClientOptions = {
    clientId: deviceId,
    protocolVersion,
    reconnectPeriod: 1000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    will: { topic: topics.status, payload: Buffer.from(json({ online: false })), qos: 1, retain: true },
  }
  if (opts.username !== undefined) options.username = opts.username
  if (opts.password !== undefined) options.password = opts.password
  const client = connect(url, options)

  const publishTelemetry = () => {
    if (!client.connected) return
    state = step(state)
    client.publish(topics.telemetry, json({ ...state, ts: Date.now() }), { qos: 0 })
  }
  client.on('connect', () => {
    client.publish(topics.status, json({ online: true, ts: Date.now() }), { qos: 1, retain: true })
    publishTelemetry()
  })
  client.on('message', (topic, payload, packet) => {
    const prefix = topics.commands.slice(0, -1)
    if (!topic.startsWith(prefix)) return
    const result = runCommand(state, topic.slice(prefix.length), parsePayload(payload))
    state = result.state
    reply(client, packet, topics.reply(result.reply.command), json(result.reply))
  })
  client.on('error', () => {}) // reconnects on its own; refusals surface through firstConnect

  await firstConnect(client, url, opts.connectTimeoutMs ?? 5000)
  await client.subscribeAsync(topics.commands, { qos: 1 })
  const timer = setInterval(publishTelemetry, intervalMs)

  return {
    deviceId,
    topics,
    state: () => ({ ...state }),
    stop: async () => {
      clearInterval(timer)
      if (client.connected) {
        await client.publishAsync(topics.status, json({ online: false, ts: Date.now() }), { qos: 1, retain: true }).catch(() => {})
        await client.endAsync().catch(() => {})
      } else {
        await client.endAsync(true).catch(() => {})
      }
    },
  }
}

function reply(client: MqttClient, request: IPublishPacket, defaultTopic: string, payload: string): void {
  const responseTopic = request.properties?.responseTopic
  if (!responseTopic) {
    client.publish(defaultTopic, payload, { qos: 1 })
    return
  }
  const correlationData = request.properties?.correlationData
  client.publish(responseTopic, payload, { qos: 1, properties: correlationData ? { correlationData } : {} })
}

function firstConnect(client: MqttClient, url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    const fail = (err: Error) => {
      clearTimeout(timer)
      client.off('connect', ok)
      client.off('error', fail)
      client.end(true)
      reject(new Error(`Device could not connect to ${url}: ${err.message}`))
    }
    const ok = () => {
      clearTimeout(timer)
      client.off('error', fail)
      resolve()
    }
    client.once('connect', ok)
    client.once('error', fail)
  })
}
