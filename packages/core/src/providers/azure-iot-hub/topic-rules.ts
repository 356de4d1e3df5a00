import { PubSubError } from '../../errors.js'
import type { ResolvedProvider } from '../../hub/provider.js'
import type { PublishOptions } from '../../types.js'

/** Device-to-cloud messages: at most 256 KB. */
const MAX_D2C_BYTES = 262_144

/**
 * Topic rules IoT Hub enforces by closing the connection: checked first, so other tabs stay connected.
 * The topics are spelt out rather than taken from `iotHubTopics`: a module both sides import lands
 * in a chunk every tab loads.
 */
export function hubRules(deviceId: string): Pick<ResolvedProvider, 'checkPublish' | 'checkSubscribe'> {
  const events = `devices/${deviceId}/messages/events`
  const allowedPublish = (t: string) =>
    t === events || t.startsWith(`${events}/`) || t.startsWith('$iothub/twin/GET/?$rid=') || t.startsWith('$iothub/twin/PATCH/properties/reported/?$rid=') || /^\$iothub\/methods\/res\/\d{3}\/\?\$rid=/.test(t)
  const allowedFilters = [`devices/${deviceId}/messages/devicebound/#`, '$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#']
  return {
    checkPublish(topic: string, payload: Uint8Array, options: PublishOptions): PublishOptions {
      if (!allowedPublish(topic)) {
        throw new PubSubError('NOT_AUTHORIZED', `IoT Hub would close the connection for a publish to "${topic}": a device publishes to "${events}/" (plus a property bag), "$iothub/twin/GET|PATCH/..." or "$iothub/methods/res/<status>/?$rid=<id>". Use the builders in iotHubTopics().`, { details: { topic } })
      }
      if (options.qos === 2) throw new PubSubError('INVALID_QOS', `IoT Hub does not support QoS 2 (it closes the connection): publish to "${topic}" with qos 1.`, { details: { topic } })
      if (payload.byteLength > MAX_D2C_BYTES) throw new PubSubError('PAYLOAD_TOO_LARGE', `IoT Hub takes messages of at most 256 KB; this one is ${payload.byteLength} bytes. Upload large data to blob storage instead.`, { details: { topic } })
      return options
    },
    checkSubscribe(filter: string) {
      if (!allowedFilters.includes(filter)) {
        throw new PubSubError('NOT_AUTHORIZED', `IoT Hub accepts only these subscriptions: ${allowedFilters.join(', ')}; not "${filter}". Filter the messages in your app instead.`, { details: { filter } })
      }
    },
  }
}
