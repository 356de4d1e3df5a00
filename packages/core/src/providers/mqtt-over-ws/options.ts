import type { WirePayload } from '../../protocol.js'
import type { Payload, PublishProperties, QoS } from '../../types.js'

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

/** What the factory sends the hub: the options, with the will's payload as text or bytes (objects as JSON). */
export type MqttOverWsWireOptions = Omit<MqttOverWsOptions, 'will'> & {
  will?: Omit<NonNullable<MqttOverWsOptions['will']>, 'payload'> & { payload: WirePayload }
}
