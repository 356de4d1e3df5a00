import { encodePayload } from '../../codec.js'
import { PubSubError } from '../../errors.js'
import { toBuffer } from '../../hub/publish-properties.js'
import type { ProviderResolver } from '../../hub/provider.js'
import { validateTopicName } from '../../topics/index.js'
import { randomClientId } from '../shared/random-client-id.js'
import type { MqttOverWsWireOptions } from './options.js'
import { urlIdentity } from './url-identity.js'

/** The options with their defaults; the values are as the tab sent them until `check` passes. */
type Options = MqttOverWsWireOptions & Required<Pick<MqttOverWsWireOptions, 'protocolVersion' | 'keepalive' | 'clean' | 'connectTimeout'>>

function invalid(message: string): PubSubError {
  return new PubSubError('INVALID_OPTIONS', `mqttOverWs: ${message}`)
}

/** Checks what the tab's factory left to the hub, so a tab never loads these rules. */
function check(o: Options): void {
  let url: URL | undefined
  try {
    url = new URL(o.url)
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) throw invalid(`the url must be a ws:// or wss:// URL, for example ws://127.0.0.1:8083/mqtt.`)
  if (o.protocolVersion !== 4 && o.protocolVersion !== 5) throw invalid(`protocolVersion must be 4 (MQTT 3.1.1) or 5, not ${String(o.protocolVersion)}.`)
  if (!Number.isInteger(o.keepalive) || o.keepalive < 0 || o.keepalive > 65535) throw invalid('keepalive is in seconds, 0 to 65535.')
  if (typeof o.connectTimeout !== 'number' || !(o.connectTimeout > 0)) throw invalid('connectTimeout is a positive number of milliseconds.')
  if (o.clientId !== undefined && (typeof o.clientId !== 'string' || o.clientId.length === 0 || o.clientId.length > 65535)) {
    throw invalid('clientId must be a non-empty string (or left out for a random one).')
  }
  for (const key of ['username', 'password'] as const) if (o[key] !== undefined && typeof o[key] !== 'string') throw invalid(`${key} must be a string.`)
  if (o.will) {
    try {
      validateTopicName(o.will.topic)
    } catch (e) {
      throw invalid(`the will topic is invalid: ${(e as Error).message}`)
    }
    const p = o.will.payload as unknown
    if (typeof p !== 'string' && !(p instanceof ArrayBuffer) && !ArrayBuffer.isView(p)) throw invalid('the will payload must be a string, bytes or a JSON-serialisable value.')
    if (o.will.qos !== undefined && o.will.qos !== 0 && o.will.qos !== 1 && o.will.qos !== 2) throw invalid('will.qos must be 0, 1 or 2.')
  }
}

/** Resolves `mqttOverWs` options into connection settings. */
export const resolveMqttOverWs: ProviderResolver = options => {
  const o = { protocolVersion: 4, keepalive: 60, clean: true, connectTimeout: 10_000, ...options } as Options
  check(o)
  const clientId = o.clientId ?? randomClientId()
  return {
    // Without a fixed client id, same-config tabs share one connection with one random id.
    key: ['mqtt', urlIdentity(o.url), o.clientId ?? '*', o.username ?? ''].join('|'),
    clientId,
    protocolVersion: o.protocolVersion,
    prepare: async () => ({
      url: o.url,
      options: {
        keepalive: o.keepalive,
        clean: o.clean,
        connectTimeout: o.connectTimeout,
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
        ...(o.will ? { will: { ...o.will, payload: toBuffer(encodePayload(o.will.payload as never)) } as never } : {}),
        ...(o.properties ? { properties: o.properties } : {}),
      },
    }),
  }
}
