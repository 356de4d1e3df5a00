import type { ProviderConfig } from '../protocol.js'
import { providerConfig } from './options-check.js'

interface WatsonCommon {
  /** Your organization id: the 6 characters before ".internetofthings.ibmcloud.com" (or "quickstart"). */
  org: string
  /** Default `<org>.messaging.internetofthings.ibmcloud.com:443`; `host:port` of an emulator. */
  host?: string
  /** `ws` for a local emulator only. Default `wss`. */
  protocol?: 'wss' | 'ws'
  /** Seconds. Default 60. */
  keepalive?: number
  /** Clean session. Default true. */
  clean?: boolean
  connectTimeout?: number
}

/** A device (`d:<org>:<typeId>:<deviceId>`) or a gateway (`g:…`) with its authentication token. */
export interface WatsonDeviceOptions extends WatsonCommon {
  kind: 'device' | 'gateway'
  typeId: string
  deviceId: string
  /** The authentication token (not needed in the quickstart organization). */
  token?: string
  /** Uses the device management protocol: QoS 2 is then refused, as the platform requires. */
  managed?: boolean
}

/** An application (`a:<org>:<appId>`) with an API key and its token. */
export interface WatsonApplicationOptions extends WatsonCommon {
  kind: 'application'
  appId: string
  apiKey: string
  token: string
  /** A scalable application (`A:` client id): instances share the subscriptions' messages. */
  shared?: boolean
}

export type WatsonIotOptions = WatsonDeviceOptions | WatsonApplicationOptions

/**
 * IBM Watson IoT Platform: the org's host over wss, `d:`/`g:`/`a:` client ids and token
 * authentication. The hub enforces the platform's rules before sending (topics a client may use,
 * the 131072-byte payload limit, no retained messages, no QoS 2 for managed clients).
 *
 * @example
 * const provider = watsonIot({ org: 'a1b2c3', kind: 'device', typeId: 'thermostat', deviceId: 't-42', token })
 * await pubsub.publish(watsonTopics.deviceEvent('status'), { temp: 21 })
 */
export function watsonIot(options: WatsonIotOptions): ProviderConfig {
  return providerConfig('watsonIot', 'watson-iot', options, {
    org: 'give your organization id, the 6 characters before ".internetofthings.ibmcloud.com".',
    kind: 'give "device", "gateway" or "application".',
  })
}
