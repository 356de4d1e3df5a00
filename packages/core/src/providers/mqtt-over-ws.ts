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

/**
 * Any MQTT broker over WebSocket (Mosquitto, EMQX, HiveMQ, aedes, ...). Only the URL is checked
 * here; the hub checks the rest, keeping what a tab loads small.
 *
 * @example
 * createPubSub({ provider: mqttOverWs({ url: 'wss://broker.example.com/mqtt', username: 'me', password }) })
 */
export function mqttOverWs(options: MqttOverWsOptions): ProviderConfig {
  const url = options?.url
  if (typeof url !== 'string' || !/^wss?:\/\/./i.test(url)) {
    throw new PubSubError('INVALID_OPTIONS', `mqttOverWs: the url must start with ws:// or wss:// (got "${String(url).slice(0, 100)}"): browsers speak MQTT only over WebSocket.`)
  }
  const { will, ...rest } = options
  return { kind: 'mqtt', options: will ? { ...rest, will: { ...will, payload: encodePayload(will.payload) } } : rest }
}
