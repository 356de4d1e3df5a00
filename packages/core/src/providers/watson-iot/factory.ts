import type { ProviderConfig } from '../../protocol.js'
import { providerConfig } from '../shared/provider-config.js'
import type { WATSON_IOT_KIND } from './kind.js'
import type { WatsonIotOptions } from './options.js'

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
  return providerConfig('watsonIot', 'watson-iot' satisfies typeof WATSON_IOT_KIND, options, {
    org: 'give your organization id, the 6 characters before ".internetofthings.ibmcloud.com".',
    kind: 'give "device", "gateway" or "application".',
  })
}
