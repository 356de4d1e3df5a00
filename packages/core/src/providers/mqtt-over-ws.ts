import { encodePayload } from '../codec.js'
import { PubSubError } from '../errors.js'
import type { ProviderConfig } from '../protocol.js'
import type { Payload, PublishProperties, QoS } from '../types.js'

/** Options of the generic provider: any MQTT 3.1.1 or 5 broker over WebSocket. */
export interface MqttOverWsOptions {
  /** `ws://` or `wss://` URL, with its path (often `/mqtt`). */
  url: string
  username?: string
  password?: string
  /** Fixed client id. Default: a random `tabmq_…` per connection, so two connections never kick each other off. */
  clientId?: string
  /** 4 = MQTT 3.1.1 (default, every broker), 5 = MQTT 5 (exact retained cache and routing). */
  protocolVersion?: 4 | 5
  /** Seconds. Default 60. */
  keepalive?: number
  /** Clean session / clean start. Default true. */
  clean?: boolean
  will?: { topic: string; payload: Payload; qos?: QoS; retain?: boolean; properties?: PublishProperties }
  /** Milliseconds to wait for CONNACK. Default 10000. */
  connectTimeout?: number
  /** MQTT 5 CONNECT properties (sessionExpiryInterval, receiveMaximum, ...). */
  properties?: Record<string, unknown>
}

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', message)
}

/**
 * Any MQTT broker over WebSocket (Mosquitto, EMQX, HiveMQ, aedes, ...).
 *
 * @example
 * createPubSub({ provider: mqttOverWs({ url: 'wss://broker.example.com/mqtt', username: 'me', password }) })
 */
export function mqttOverWs(options: MqttOverWsOptions): ProviderConfig {
  if (!options || typeof options.url !== 'string') throw invalid('mqttOverWs needs a url, for example ws://127.0.0.1:8083/mqtt.')
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    throw invalid(`mqttOverWs: "${options.url.slice(0, 100)}" is not a URL: use ws://host:port/path or wss://host/path.`)
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw invalid(`mqttOverWs: the URL must start with ws:// or wss:// (got ${url.protocol}//): browsers speak MQTT only over WebSocket.`)
  }
  // The other options are checked in the hub (resolveMqttOverWs), keeping what a tab loads small.
  const { protocolVersion = 4, keepalive = 60, clean = true, connectTimeout = 10_000 } = options
  const will = options.will && { ...options.will, payload: encodePayload(options.will.payload) }
  const plain: Record<string, unknown> = { url: options.url, protocolVersion, keepalive, clean, connectTimeout }
  if (options.username !== undefined) plain.username = options.username
  if (options.password !== undefined) plain.password = options.password
  if (options.clientId !== undefined) plain.clientId = options.clientId
  if (will) plain.will = will
  if (options.properties) plain.properties = options.properties
  return { kind: 'mqtt', options: plain }
}
