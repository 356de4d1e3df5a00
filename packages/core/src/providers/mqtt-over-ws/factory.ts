import { toWirePayload } from '../../client/wire-payload.js'
import { PubSubError } from '../../errors.js'
import type { ProviderConfig } from '../../protocol.js'
import type { MQTT_OVER_WS_KIND } from './kind.js'
import type { MqttOverWsOptions, MqttOverWsWireOptions } from './options.js'

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
    throw new PubSubError('INVALID_OPTIONS', `mqttOverWs: the url must be ws:// or wss:// (got "${String(url).slice(0, 100)}").`)
  }
  const { will, ...rest } = options
  return {
    kind: 'mqtt' satisfies typeof MQTT_OVER_WS_KIND,
    options: (will ? { ...rest, will: { ...will, payload: toWirePayload(will.payload) } } : rest) satisfies MqttOverWsWireOptions,
  }
}
